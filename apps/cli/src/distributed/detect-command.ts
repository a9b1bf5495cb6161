/**
 * `tracemark detect` as registered: the command of commands/detect.ts plus `--redis URL --shards N
 * [--queue NAME]`, which hand the run to BullMQ workers (detect-distributed.ts, loaded only when
 * asked for, so a plain `detect` does not load the queue client). Kept beside detect.ts rather than
 * in it so that the queue code, which reuses detect's partial results and merge, is not imported by
 * the module it imports.
 */
import { type CommandSpec, defineCommand, option, type Parsed } from '../command.ts';
import { ExitCode, InputError } from '../errors.ts';
import { parseNumber } from '../option-parsers.ts';
import { command as detect, type DetectCommandOptions, detectJson, renderDetect } from '../commands/detect.ts';

const distributedOptions = {
  redis: option('--redis <url>', 'split the run into --shards jobs on this Redis for `tracemark worker`s, and merge their results'),
  shards: option('--shards <n>', 'shards to queue with --redis', { parse: parseNumber('shards', 1, 4096, true) }),
  queue: option('--queue <name>', 'BullMQ queue name with --redis (default: tracemark)'),
};

type DetectParsed = DetectCommandOptions & { json: boolean; failOnDetect: boolean };

export const command: CommandSpec = defineCommand({
  name: detect.name,
  description: detect.description,
  options: { ...detect.options, ...distributedOptions },
  async run(all, context) {
    const { redis, shards, queue, ...rest } = all as Parsed<typeof distributedOptions> & Record<string, unknown>;
    if (redis === undefined && shards === undefined) return detect.run(rest as Parsed<typeof detect.options>, context);
    if (redis === undefined || shards === undefined) throw new InputError('--redis and --shards go together');
    const { json, failOnDetect, ...o } = rest as unknown as DetectParsed;
    const { detectDistributed } = await import('./detect-distributed.ts');
    const { result } = await detectDistributed({ ...o, redis, shards, ...(queue ? { queue } : {}), log: (l) => context.io.stderr(`${l}\n`) });
    context.emit(json, detectJson(result), renderDetect(result));
    if (failOnDetect && result.aggregate.detected) context.setExit(ExitCode.detected);
  },
});
