/**
 * A set of 64-bit tuple identities (two 32-bit lanes), open addressing with linear probing in one
 * Uint32Array. Global dedup over an audit corpus holds millions of tuples; a JS Set of strings
 * would cost ~10x the memory and time (measured in bench/watermark.ts).
 */
import { homeSlot, rehashTable, tableCapacity } from './_tuple-table.ts';

export class TupleSet {
  private slots: Uint32Array;
  private capacity: number;
  private used = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = tableCapacity(initialCapacity);
    this.slots = new Uint32Array(this.capacity * 2);
  }

  get size(): number {
    return this.used;
  }

  /** Add (lo, hi); returns true when it was not present. (0, 0) is stored as (1, 0): a 2^-64 alias. */
  add(lo: number, hi: number): boolean {
    lo >>>= 0;
    hi >>>= 0;
    if (lo === 0 && hi === 0) lo = 1;
    if ((this.used + 1) * 4 > this.capacity * 3) this.grow();
    return this.insert(lo, hi);
  }

  has(lo: number, hi: number): boolean {
    lo >>>= 0;
    hi >>>= 0;
    if (lo === 0 && hi === 0) lo = 1;
    const mask = this.capacity - 1;
    let i = homeSlot(lo, hi, mask);
    for (;;) {
      const a = this.slots[2 * i]!;
      const b = this.slots[2 * i + 1]!;
      if (a === 0 && b === 0) return false;
      if (a === lo && b === hi) return true;
      i = (i + 1) & mask;
    }
  }

  /** Every identity, as consecutive (lo, hi) pairs. */
  *entries(): IterableIterator<[number, number]> {
    for (let i = 0; i < this.capacity; i++) {
      const a = this.slots[2 * i]!;
      const b = this.slots[2 * i + 1]!;
      if (a !== 0 || b !== 0) yield [a, b];
    }
  }

  private insert(lo: number, hi: number): boolean {
    const mask = this.capacity - 1;
    let i = homeSlot(lo, hi, mask);
    for (;;) {
      const a = this.slots[2 * i]!;
      const b = this.slots[2 * i + 1]!;
      if (a === 0 && b === 0) {
        this.slots[2 * i] = lo;
        this.slots[2 * i + 1] = hi;
        this.used++;
        return true;
      }
      if (a === lo && b === hi) return false;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    this.capacity *= 2;
    this.slots = rehashTable(this.slots, 2, this.capacity);
  }
}
