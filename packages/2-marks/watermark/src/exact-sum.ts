/**
 * An exact accumulator for scores that are multiples of 2^-32 (every scheme's per-tuple score is:
 * counts are integers and Gumbel scores are floored to 2^-32, see gumbel.ts). Sums are exact
 * whatever the order of addition, so a detection split into shards and merged gives bit-for-bit
 * the p-value of a single run. Integers accumulate in a double while they stay below 2^52, then
 * flush into a BigInt: one comparison per add on the hot path.
 */
const UNIT = 4294967296; // 2^32
const FLUSH = 2 ** 52;

export class ExactSum {
  private units = 0;
  private big = 0n;

  /** Add a value that is an exact multiple of 2^-32 and below 2^20. */
  add(value: number): void {
    this.units += value * UNIT;
    if (this.units >= FLUSH) {
      this.big += BigInt(this.units);
      this.units = 0;
    }
  }

  /** Subtract a value previously added (a tuple taken back out of a document's score). */
  subtract(value: number): void {
    this.units -= value * UNIT;
    if (this.units <= -FLUSH) {
      this.big += BigInt(this.units);
      this.units = 0;
    }
  }

  /** Add another sum (for merging shards). */
  addSum(other: ExactSum): void {
    this.big += other.totalUnits();
  }

  /** The exact total in units of 2^-32. */
  totalUnits(): bigint {
    return this.big + BigInt(this.units);
  }

  /** The total as a double (rounded once, at the end). */
  value(): number {
    const u = this.totalUnits();
    const whole = u / BigInt(UNIT);
    const frac = u - whole * BigInt(UNIT);
    return Number(whole) + Number(frac) / UNIT;
  }

  /** Decimal string of the units, for partial-result files. */
  toJSON(): string {
    return this.totalUnits().toString();
  }

  static fromUnits(units: string | bigint): ExactSum {
    const s = new ExactSum();
    s.big = typeof units === 'bigint' ? units : BigInt(units);
    return s;
  }
}
