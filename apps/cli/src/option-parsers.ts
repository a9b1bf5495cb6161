/**
 * Parsers for option values, shared by every command's declarations: each turns the text the user
 * typed into a checked value or throws commander's `InvalidArgumentError` (exit 2) with a message
 * naming the option and the allowed range.
 */
import { InvalidArgumentError } from 'commander';

/** A number in [min, max] (an integer when `integer`). */
export function parseNumber(name: string, min: number, max: number, integer = false): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
    }
    return n;
  };
}

/** `i/N` with 0 ≤ i < N: score only the tuples routed to shard i of N. */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new InvalidArgumentError('shard must be i/N with 0 ≤ i < N, e.g. 0/2');
  return { index, count };
}

/** transformers' SynthID `keys`: comma-separated signed 64-bit integers (BigInt: they may exceed 2^53). */
export function parseSynthIdKeys(value: string): bigint[] {
  const parts = value.split(',').map((x) => x.trim());
  if (!parts.every((x) => /^-?[0-9]{1,19}$/.test(x))) throw new InvalidArgumentError('keys must be comma-separated integers, e.g. 654,400,836');
  const keys = parts.map((x) => BigInt(x));
  if (keys.some((k) => k < -(1n << 63n) || k >= 1n << 63n)) throw new InvalidArgumentError('each key must fit in a signed 64-bit integer');
  return keys;
}

/** A significance level in (0, 1). */
export function parseAlpha(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('alpha must be a number in (0, 1), e.g. 1e-3');
  return n;
}

/** The largest seed the sampling and generation commands accept (an unsigned 32-bit integer). */
export const MAX_SEED = 2 ** 32 - 1;
