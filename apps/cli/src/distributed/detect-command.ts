/**
 * `tracemark detect` as registered: the command of commands/detect.ts plus `--redis URL --shards N
 * [--queue NAME]`, which hand the run to BullMQ workers (detect-distributed.ts, loaded only when
 * asked for, so a plain `detect` does not load the queue client). Kept beside detect.ts rather than
 * in it so that the queue code, which reuses detect's partial results and merge, is not imported by
 * the module it imports.
 */
import { type CommandSpec, defineCommand, type Parsed } from '../command.ts';
import { ExitCode } from '../errors.ts';
import { command as detect, type DetectCommandOptions, detectJson, renderDetect } from '../commands/detect.ts';
import { distributedOptions as declareDistributed, isDistributed } from './distributed-options.ts';

const distributedOptions = declareDistributed('the run');

type DetectParsed = DetectCommandOptions & { json: boolean; failOnDetect: boolean };

export const command: CommandSpec = defineCommand({
  name: detect.name,
  description: detect.description,
  options: { ...detect.options, ...distributedOptions },
  async run(all, context) {
    const { redis, shards, queue, ...rest } = all as Parsed<typeof distributedOptions> & Record<string, unknown>;
    if (!isDistributed({ redis, shards })) return detect.run(rest as Parsed<typeof detect.options>, context);
    const { json, failOnDetect, ...o } = rest as unknown as DetectParsed;
    const { detectDistributed } = await import('./detect-distributed.ts');
    const { result } = await detectDistributed({ ...o, redis: redis!, shards: shards!, ...(queue ? { queue } : {}), log: (l) => context.io.stderr(`${l}\n`) });
    context.emit(json, detectJson(result), renderDetect(result));
    if (failOnDetect && result.aggregate.detected) context.setExit(ExitCode.detected);
  },
});
