/**
 * `tracemark detect` as registered: the command of commands/detect.ts plus `--redis URL --shards N
 * [--queue NAME] [--shard-by input|tuples]`, which hand the run to BullMQ workers (detect-distributed.ts, loaded only when
 * asked for, so a plain `detect` does not load the queue client). Kept beside detect.ts rather than
 * in it so that the queue code, which reuses detect's partial results and merge, is not imported by
 * the module it imports.
 */
import { type CommandSpec, defineCommand, option, type Parsed } from '../command.ts';
import { ExitCode, InputError } from '../errors.ts';
import { parseNumber } from '../option-parsers.ts';
import { command as detect, type DetectCommandOptions, detectJson, renderDetect } from '../commands/detect.ts';
import { distributedOptions as declareDistributed, isDistributed } from './distributed-options.ts';

const distributedOptions = {
  ...declareDistributed('the run', ' exactly'),
  shards: option('--shards <n>', 'jobs to queue with --redis: with --summary, ranges of the input, each read by one worker (more than n when a range would pass 32 MiB); without, tuple shards, each of which reads the whole input', { parse: parseNumber('shards', 1, 4096, true) }),
  shardBy: option('--shard-by <kind>', 'with --redis: input (ranges of the input; needs --summary, and is the default with it) or tuples (every worker reads everything and keeps a share of the distinct tuples: spreads memory, not work; the default without --summary)', { choices: ['input', 'tuples'] as const }),
};

type DetectParsed = DetectCommandOptions & { json: boolean; failOnDetect: boolean };

export const command: CommandSpec = defineCommand({
  name: detect.name,
  description: detect.description,
  options: { ...detect.options, ...distributedOptions },
  async run(all, context) {
    const { redis, shards, queue, shardBy, ...rest } = all as Parsed<typeof distributedOptions> & Record<string, unknown>;
    if (!isDistributed({ redis, shards })) {
      if (shardBy !== undefined) throw new InputError('--shard-by needs --redis and --shards');
      return detect.run(rest as Parsed<typeof detect.options>, context);
    }
    const { json, failOnDetect, ...o } = rest as unknown as DetectParsed;
    const { detectDistributed } = await import('./detect-distributed.ts');
    const { result } = await detectDistributed({ ...o, redis: redis!, shards: shards!, ...(queue ? { queue } : {}), ...(shardBy ? { shardBy } : {}), log: (l) => context.io.stderr(`${l}\n`) });
    context.emit(json, detectJson(result), renderDetect(result));
    if (failOnDetect && result.aggregate.detected) context.setExit(ExitCode.detected);
  },
});
