/**
 * A map from 64-bit tuple identities (two 32-bit lanes) to the one document of a run that holds the
 * tuple, or `SHARED` once a second document holds it too. It is the run-wide dedup set of the
 * aggregate (every key present = a tuple counted once) and, through its owner lane, what keeps
 * per-document scores independent under one fixed key: a tuple two documents share is taken out of
 * both (see `DetectionSession`). Open addressing with linear probing in one Uint32Array of
 * (lo, hi, owner) triples, like `TupleSet` (12 bytes per tuple instead of 8, measured to be the
 * price of exact per-document results on shared text).
 */
import { homeSlot, tableCapacity } from './_tuple-table.ts';

export const SHARED = 0xffffffff;

export class TupleOwners {
  private slots: Uint32Array;
  private capacity: number;
  private used = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = tableCapacity(initialCapacity);
    this.slots = new Uint32Array(this.capacity * 3);
  }

  get size(): number {
    return this.used;
  }

  /**
   * Record that document `owner` (< 0xffffffff) holds (lo, hi). Returns 0 when the tuple is new
   * (now owned by `owner`), `SHARED` when it was already shared, or 1 + the index of the single
   * document that held it, which this call turns into `SHARED`. (0, 0) is stored as (1, 0).
   */
  claim(lo: number, hi: number, owner: number): number {
    lo >>>= 0;
    hi >>>= 0;
    if (lo === 0 && hi === 0) lo = 1;
    if ((this.used + 1) * 4 > this.capacity * 3) this.grow();
    const i = this.slotOf(lo, hi);
    const s = this.slots;
    if (s[3 * i] === 0 && s[3 * i + 1] === 0) {
      s[3 * i] = lo;
      s[3 * i + 1] = hi;
      s[3 * i + 2] = owner;
      this.used++;
      return 0;
    }
    const previous = s[3 * i + 2]!;
    if (previous === SHARED) return SHARED;
    if (previous === owner) return owner + 1;
    s[3 * i + 2] = SHARED;
    return previous + 1;
  }

  /** True when (lo, hi) is held by more than one document. */
  isShared(lo: number, hi: number): boolean {
    const i = this.slotOf(lo, hi);
    return this.slots[3 * i + 2] === SHARED && (this.slots[3 * i] !== 0 || this.slots[3 * i + 1] !== 0);
  }

  /** The slot holding (lo, hi), or the empty slot where it would go. (0, 0) is looked up as (1, 0). */
  private slotOf(lo: number, hi: number): number {
    lo >>>= 0;
    hi >>>= 0;
    if (lo === 0 && hi === 0) lo = 1;
    const mask = this.capacity - 1;
    const s = this.slots;
    let i = homeSlot(lo, hi, mask);
    for (;;) {
      const a = s[3 * i]!;
      const b = s[3 * i + 1]!;
      if ((a === 0 && b === 0) || (a === lo && b === hi)) return i;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    const oldCap = this.capacity;
    this.capacity *= 2;
    this.slots = new Uint32Array(this.capacity * 3);
    const mask = this.capacity - 1;
    for (let j = 0; j < oldCap; j++) {
      const a = old[3 * j]!;
      const b = old[3 * j + 1]!;
      if (a === 0 && b === 0) continue;
      let i = homeSlot(a, b, mask);
      while (this.slots[3 * i] !== 0 || this.slots[3 * i + 1] !== 0) i = (i + 1) & mask;
      this.slots[3 * i] = a;
      this.slots[3 * i + 1] = b;
      this.slots[3 * i + 2] = old[3 * j + 2]!;
    }
  }
}
