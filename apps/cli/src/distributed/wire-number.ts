/**
 * Doubles through JSON without loss (see `WireNumber` in shard-job.ts): a worker's account scores
 * must reach the enqueuing process bit for bit, or the merged report would not be the single run's.
 * JSON.stringify writes a finite double as the shortest decimal that parses back to it
 * (ECMA-262 Number::toString), so only −0, ±Infinity and NaN need a spelling of their own.
 */
import { type WireNumber } from './shard-job.ts';

export function toWireNumber(x: number): WireNumber {
  if (Number.isFinite(x)) return Object.is(x, -0) ? '-0' : x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** The inverse of `toWireNumber`; anything else (a corrupted result) is refused. */
export function fromWireNumber(w: unknown, what: string): number {
  if (typeof w === 'number') return w;
  switch (w) {
    case '-0':
      return -0;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case 'NaN':
      return NaN;
    default:
      throw new TypeError(`${what}: not a number on the wire: ${JSON.stringify(w)}`);
  }
}
