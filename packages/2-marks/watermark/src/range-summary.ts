/**
 * A detection run's aggregate computed in parts over ranges of its documents (a distributed run
 * where each worker reads only its share of the input), merged into exactly the single run's
 * aggregate: the same distinct tuples scored, the same exact score, the same count of tuples held
 * by more than one document.
 *
 * What makes it exact. In a single run (`DetectionSession.addPrepared`), a tuple's fate depends
 * only on the documents that hold it, in input order: it is scored iff its first occurrence in a
 * body comes before every prompt holding it (a document's prompt counts before its own body), and
 * it is shared iff its second body occurrence, in a different document, also comes before every
 * such prompt. So a part records, per distinct tuple, the first and second (distinct) documents
 * whose body holds it and the first whose prompt does; a merge keeps the two smallest documents and
 * the smallest prompt across parts, documents numbered (part, index in part). Those are minima, so
 * parts merge in any order (as workers finish), and the test compares every count with the single
 * run's on random splits.
 *
 * Scope: sessions without `restrictTo`, `restrictWindows`, `exclude` or `shard`, which is how
 * `tracemark detect` runs; per-document results need every document's exclusive tuples and stay
 * with tuple shards (`detect --shard`).
 */
import { ExactSum } from './exact-sum.ts';
import { type PreparedDocument } from './detector.ts';
import { findOrClaim, rehashTable, tableCapacity } from './_tuple-table.ts';

export const RANGE_SUMMARY_TYPE = 'tracemark.detect-range';

/** A part's tuples as base64 typed arrays (little-endian); `NONE` marks an absent document. */
export interface RangeSummaryJSON {
  readonly type: typeof RANGE_SUMMARY_TYPE;
  readonly version: 1;
  readonly documents: number;
  readonly tokens: number;
  readonly tuples: number;
  /** Uint32Array of (lo, hi) pairs. */
  readonly ids: string;
  /** Uint32Array each: index in the part of the first and second documents whose body holds the tuple, and of the first whose prompt does. */
  readonly firstBody: string;
  readonly secondBody: string;
  readonly firstPrompt: string;
  /** Float64Array: the tuple's score (a function of the tuple alone). */
  readonly scores: string;
}

const NONE = 0xffffffff;

/**
 * The merge's table: one 48-byte entry per slot, (lo, hi, –, –) then four doubles: first body,
 * second body, first prompt (Infinity = none) and score. Positions are doubles so that documents
 * can be numbered across parts (part · 2^32 + index).
 */
class TupleEvents {
  lanes: Uint32Array;
  vals: Float64Array;
  capacity: number;

  private used = 0;

  constructor(initial = 1 << 12) {
    this.capacity = tableCapacity(initial);
    this.lanes = new Uint32Array(12 * this.capacity);
    this.vals = new Float64Array(this.lanes.buffer);
  }

  /** The index in `vals` of (lo, hi)'s first value, its entry created (no documents, score NaN) when absent. (0, 0) is stored as (1, 0). */
  slot(lo: number, hi: number): number {
    if (lo === 0 && hi === 0) lo = 1;
    if ((this.used + 1) * 4 > this.capacity * 3) this.grow();
    const b = findOrClaim(this.lanes, 12, this.capacity - 1, lo, hi);
    if (b >= 0) return (b >> 1) + 2;
    const v = ((-b - 1) >> 1) + 2;
    this.vals.fill(Infinity, v, v + 3);
    this.vals[v + 3] = NaN;
    this.used++;
    return v;
  }

  /** Fold in another record of the same tuple: keep the two smallest distinct body documents and the smallest prompt. */
  merge(s: number, first: number, second: number, prompt: number): void {
    this.addBody(s, first);
    this.addBody(s, second);
    if (prompt < this.vals[s + 2]!) this.vals[s + 2] = prompt;
  }

  private addBody(s: number, doc: number): void {
    const v = this.vals;
    if (doc === Infinity || doc === v[s] || doc === v[s + 1]) return;
    if (doc < v[s]!) (v[s + 1] = v[s]!), (v[s] = doc);
    else if (doc < v[s + 1]!) v[s + 1] = doc;
  }

  private grow(): void {
    this.capacity *= 2;
    this.lanes = rehashTable(this.lanes, 12, this.capacity);
    this.vals = new Float64Array(this.lanes.buffer);
  }
}

const toBase64 = (a: Uint32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function fromBase64<T extends Uint32Array | Float64Array>(text: string, Type: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number, what: string): T {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== length * Type.BYTES_PER_ELEMENT) throw new RangeError(`range summary: ${what} holds ${bytes.length} bytes, expected ${length * Type.BYTES_PER_ELEMENT}`);
  // Copied into a fresh, aligned buffer.
  return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
}

/**
 * A part's table, built once per position of its input, so laid out for that: one 32-byte entry
 * per slot, (lo, hi, first body, second body, first prompt, –, score as a double), so a probe
 * touches one cache line (measured: separate key and value arrays made a range's scoring 20%
 * slower than a plain run's dedup).
 */
class PartEvents {
  lanes: Uint32Array;
  scores: Float64Array;
  capacity: number;
  used = 0;

  constructor(initial = 1 << 12) {
    this.capacity = tableCapacity(initial);
    this.lanes = new Uint32Array(8 * this.capacity);
    this.scores = new Float64Array(this.lanes.buffer);
  }

  /** The lane index (slot × 8) of (lo, hi), created with no documents when absent. (0, 0) is stored as (1, 0). */
  slot(lo: number, hi: number): number {
    if (lo === 0 && hi === 0) lo = 1;
    if ((this.used + 1) * 4 > this.capacity * 3) this.grow();
    const b = findOrClaim(this.lanes, 8, this.capacity - 1, lo, hi);
    if (b >= 0) return b;
    const c = -b - 1;
    this.lanes[c + 2] = NONE;
    this.lanes[c + 3] = NONE;
    this.lanes[c + 4] = NONE;
    this.used++;
    return c;
  }

  /** A body occurrence in document `doc`; a part's documents come in increasing order. */
  body(lo: number, hi: number, doc: number, score: number): void {
    const b = this.slot(lo, hi);
    // Read the arrays after `slot`, which may have grown them.
    const lanes = this.lanes;
    const first = lanes[b + 2]!;
    if (first === doc) return;
    if (first === NONE) {
      lanes[b + 2] = doc;
      this.scores[(b >> 1) + 3] = score;
    } else if (lanes[b + 3] === NONE) lanes[b + 3] = doc;
  }

  prompt(lo: number, hi: number, doc: number): void {
    const b = this.slot(lo, hi);
    if (this.lanes[b + 4] === NONE) this.lanes[b + 4] = doc;
  }

  private grow(): void {
    this.capacity *= 2;
    this.lanes = rehashTable(this.lanes, 8, this.capacity);
    this.scores = new Float64Array(this.lanes.buffer);
  }
}

/** One part's record of its documents' tuples (see the file comment). */
export class RangeSummary {
  private readonly events = new PartEvents();
  private docs = 0;
  private tokenCount = 0;

  /** Record the next document of the part, prepared by `DetectionSession.prepare`. */
  add(d: PreparedDocument): void {
    const doc = this.docs++;
    this.tokenCount += d.tokens;
    for (let j = 0; j < d.promptIds.length; j += 2) this.events.prompt(d.promptIds[j]!, d.promptIds[j + 1]!, doc);
    for (let j = 0; j < d.scores.length; j++) this.events.body(d.ids[2 * j]!, d.ids[2 * j + 1]!, doc, d.scores[j]!);
  }

  get documents(): number {
    return this.docs;
  }

  toJSON(): RangeSummaryJSON {
    const { lanes, scores: slotScores, capacity, used } = this.events;
    const ids = new Uint32Array(2 * used);
    const positions = [new Uint32Array(used), new Uint32Array(used), new Uint32Array(used)] as const;
    const scores = new Float64Array(used);
    let k = 0;
    for (let i = 0; i < capacity; i++) {
      const b = 8 * i;
      if (lanes[b] === 0 && lanes[b + 1] === 0) continue;
      ids[2 * k] = lanes[b]!;
      ids[2 * k + 1] = lanes[b + 1]!;
      for (let p = 0; p < 3; p++) positions[p][k] = lanes[b + 2 + p]!;
      // A tuple held by prompts only has no score; NaN marks it (it is never counted).
      scores[k++] = lanes[b + 2] === NONE ? NaN : slotScores[4 * i + 3]!;
    }
    return {
      type: RANGE_SUMMARY_TYPE,
      version: 1,
      documents: this.docs,
      tokens: this.tokenCount,
      tuples: used,
      ids: toBase64(ids),
      firstBody: toBase64(positions[0]),
      secondBody: toBase64(positions[1]),
      firstPrompt: toBase64(positions[2]),
      scores: toBase64(scores),
    };
  }
}

/** The single run's aggregate counts, from the parts. */
export interface MergedRanges {
  readonly documents: number;
  readonly tokens: number;
  readonly scored: number;
  readonly score: ExactSum;
  readonly sharedTuples: number;
}

/**
 * Merges parts given in any order; `index` is each part's place in the input (its documents come
 * after those of every part with a smaller index).
 * @throws RangeError when a part is malformed or an index is repeated.
 */
export class RangeMerger {
  private readonly events = new TupleEvents();
  private readonly seen = new Set<number>();
  private docs = 0;
  private tokenCount = 0;

  add(index: number, part: RangeSummaryJSON): void {
    if (part?.type !== RANGE_SUMMARY_TYPE || part.version !== 1) throw new RangeError(`range summary ${index}: not a ${RANGE_SUMMARY_TYPE} v1 record`);
    if (!Number.isInteger(index) || index < 0 || index >= 2 ** 20) throw new RangeError(`range summary index must be an integer in [0, 2^20), got ${index}`);
    if (this.seen.has(index)) throw new RangeError(`range summary ${index} given twice`);
    this.seen.add(index);
    const n = part.tuples;
    const ids = fromBase64(part.ids, Uint32Array, 2 * n, 'ids');
    const [first, second, prompt] = [part.firstBody, part.secondBody, part.firstPrompt].map((t, p) => fromBase64(t, Uint32Array, n, ['firstBody', 'secondBody', 'firstPrompt'][p]!));
    const scores = fromBase64(part.scores, Float64Array, n, 'scores');
    const base = index * 2 ** 32;
    const at = (d: number) => (d === NONE ? Infinity : base + d);
    for (let k = 0; k < n; k++) {
      const s = this.events.slot(ids[2 * k]!, ids[2 * k + 1]!);
      if (Number.isNaN(this.events.vals[s + 3]!)) this.events.vals[s + 3] = scores[k]!;
      this.events.merge(s, at(first![k]!), at(second![k]!), at(prompt![k]!));
    }
    this.docs += part.documents;
    this.tokenCount += part.tokens;
  }

  result(): MergedRanges {
    const { lanes, vals, capacity } = this.events;
    const score = new ExactSum();
    let scored = 0;
    let sharedTuples = 0;
    for (let i = 0; i < capacity; i++) {
      if (lanes[12 * i] === 0 && lanes[12 * i + 1] === 0) continue;
      const v = 6 * i + 2;
      const prompt = vals[v + 2]!;
      if (!(vals[v]! < prompt)) continue;
      scored++;
      score.add(vals[v + 3]!);
      if (vals[v + 1]! < prompt) sharedTuples++;
    }
    return { documents: this.docs, tokens: this.tokenCount, scored, score, sharedTuples };
  }
}
