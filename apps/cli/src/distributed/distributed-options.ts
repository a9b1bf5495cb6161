/**
 * The three flags every distributed command adds (`detect`, `audit --accounts`), declared once.
 * Kept apart from the queue code (run-shards.ts) so that declaring them does not load BullMQ: a
 * command imports the queue only when --redis is given.
 */
import { option } from '../command.ts';
import { InputError } from '../errors.ts';
import { parseNumber } from '../option-parsers.ts';

/** `what` says what the shards compute, and `note` anything more, for --redis's help. */
export function distributedOptions(what: string, note = '') {
  return {
    redis: option('--redis <url>', `split ${what} into --shards jobs on this Redis for \`tracemark worker\`s, and merge their results${note}`),
    shards: option('--shards <n>', 'shards to queue with --redis', { parse: parseNumber('shards', 1, 4096, true) }),
    queue: option('--queue <name>', 'BullMQ queue name with --redis (default: tracemark)'),
  };
}

/** Whether the run is distributed; --redis and --shards must come together. */
export function isDistributed(o: { redis?: string | undefined; shards?: number | undefined }): boolean {
  if (o.redis === undefined && o.shards === undefined) return false;
  if (o.redis === undefined || o.shards === undefined) throw new InputError('--redis and --shards go together');
  return true;
}
