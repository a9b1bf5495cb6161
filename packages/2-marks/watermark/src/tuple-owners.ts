/**
 * A map from 64-bit tuple identities (two 32-bit lanes) to the one document of a run that holds the
 * tuple, or `SHARED` once a second document holds it too. It is the run-wide dedup set of the
 * aggregate (every key present = a tuple counted once) and, through its owner lane, what keeps
 * per-document scores independent under one fixed key: a tuple two documents share is taken out of
 * both (see `DetectionSession`). A fourth lane remembers the last document that claimed the tuple,
 * which makes the same table the per-document dedup set as well: one probe per position instead of
 * one into a per-document set and one into this table (measured on 16 MiB of JSONL: the two probes
 * and the per-document reset were 16% of `detect`'s CPU time; `bench/scale-detect.ts`).
 *
 * Open addressing with linear probing in one Uint32Array of (lo, hi, owner, last) quadruples,
 * 16 bytes per distinct tuple.
 */
import { homeSlot, rehashTable, tableCapacity } from './_tuple-table.ts';

export const SHARED = 0xffffffff;
/** `claim`'s answer for a tuple the same document already claimed. */
export const REPEAT = -1;

export class TupleOwners {
  private slots: Uint32Array;
  private capacity: number;
  private used = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = tableCapacity(initialCapacity);
    this.slots = new Uint32Array(this.capacity * 4);
  }

  get size(): number {
    return this.used;
  }

  /**
   * Record that document `doc` (< 0xffffffff) holds (lo, hi). Documents claim in turn: every
   * claim of one document comes before the next document's first. Returns 0 when the tuple is new
   * (now owned by `doc`), `REPEAT` when `doc` already claimed it, `SHARED` when it was already
   * shared, or 1 + the index of the single other document that held it, which this call turns
   * into `SHARED`. (0, 0) is stored as (1, 0).
   */
  claim(lo: number, hi: number, doc: number): number {
    lo >>>= 0;
    hi >>>= 0;
    if (lo === 0 && hi === 0) lo = 1;
    if ((this.used + 1) * 4 > this.capacity * 3) this.grow();
    const s = this.slots;
    const mask = this.capacity - 1;
    // i indexes the lanes: slot × 4.
    const lanes = 4 * this.capacity - 1;
    let i = homeSlot(lo, hi, mask) << 2;
    for (;;) {
      const a = s[i]!;
      const b = s[i + 1]!;
      if (a === lo && b === hi) break;
      if (a === 0 && b === 0) {
        s[i] = lo;
        s[i + 1] = hi;
        s[i + 2] = doc;
        s[i + 3] = doc;
        this.used++;
        return 0;
      }
      i = (i + 4) & lanes;
    }
    if (s[i + 3] === doc) return REPEAT;
    s[i + 3] = doc;
    const previous = s[i + 2]!;
    if (previous === SHARED) return SHARED;
    s[i + 2] = SHARED;
    return previous + 1;
  }

  /** True when (lo, hi) is held by more than one document. */
  isShared(lo: number, hi: number): boolean {
    const i = this.slotOf(lo, hi) << 2;
    return this.slots[i + 2] === SHARED && (this.slots[i] !== 0 || this.slots[i + 1] !== 0);
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
      const a = s[4 * i]!;
      const b = s[4 * i + 1]!;
      if ((a === 0 && b === 0) || (a === lo && b === hi)) return i;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    this.capacity *= 2;
    this.slots = rehashTable(this.slots, 4, this.capacity);
  }
}
