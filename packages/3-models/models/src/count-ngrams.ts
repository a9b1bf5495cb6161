/**
 * Counting the n-grams of token documents into `NgramTables` for interpolated modified
 * Kneser-Ney (Chen & Goodman 1998, "An Empirical Study of Smoothing Techniques for Language
 * Modeling", §3–4; the counting scheme of KenLM's `lmplz`, Heafield et al. 2013).
 *
 * Each document is read as if preceded by order − 1 `bos` tokens. At every position the
 * contexts of length 1 … n − 1 are interned in a suffix trie (one probe each), the full n-gram's
 * raw count is incremented, and the count of each shorter n-gram (h w) is incremented only when
 * its one-longer extension (x h w) was seen for the first time: that makes it the continuation
 * count N₁₊(• h w) without ever storing the set of x. Contexts that begin with `bos` keep raw
 * counts, as in KenLM, since nothing can precede a document start.
 *
 * Memory layout, chosen by measurement on sotu (2.1M o200k tokens) on a 2-core EPYC VM where a
 * random access into a large array costs 50–100 ns, and a chain of dependent ones 500+ ns:
 * - one table per context length, so the short, hot contexts stay in cache instead of being
 *   scattered over one big table; length-1 contexts and unigram counts are plain arrays indexed
 *   by token;
 * - 4-word slots holding key and value together, so a probe touches one cache line;
 * - the top-order tables are sized up front (they can hold at most one new key per token), so
 *   the biggest tables are never rehashed;
 * - finalisation orders contexts and entries with radix sorts (a few sequential passes) and
 *   short in-place sorts, not scatter-heavy counting sorts.
 * Together these took order-4 training from ~8 s to ~3 s of CPU (measured with the V8 profiler).
 */
import { pairHash } from './_pair-hash.ts';
import { computeDiscounts, type NgramTables } from './ngram-tables.ts';

/** Positions per chunk: big enough to amortise the passes, small enough for the chunk arrays to stay in cache. */
const CHUNK = 8192;

/** Grow a counting table past this load: linear probing then stays within one or two cache lines. */
const MAX_LOAD = 0.7;

/** Open-addressing table of 4-word slots [a, b, value, –]; value 0 marks an empty slot. */
class PairTable {
  slots: Uint32Array;
  mask: number;
  size = 0;

  constructor(expected: number) {
    let cap = 64;
    while (cap * MAX_LOAD < expected) cap *= 2;
    this.slots = new Uint32Array(4 * cap);
    this.mask = cap - 1;
  }

  grow(): void {
    const old = this.slots;
    const cap = (this.mask + 1) * 2;
    const mask = cap - 1;
    const slots = new Uint32Array(4 * cap);
    for (let at = 0; at < old.length; at += 4) {
      if (old[at + 2] === 0) continue;
      let s = pairHash(old[at]!, old[at + 1]!) & mask;
      while (slots[(s << 2) + 2] !== 0) s = (s + 1) & mask;
      const to = s << 2;
      slots[to] = old[at]!;
      slots[to + 1] = old[at + 1]!;
      slots[to + 2] = old[at + 2]!;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** Contexts of one length k ≥ 2: (suffix id at length k − 1, oldest token) → id at length k. */
class ContextLevel {
  readonly table: PairTable;
  parent: Uint32Array = new Uint32Array(1024);
  token: Uint32Array = new Uint32Array(1024);

  constructor(expected: number) {
    this.table = new PairTable(expected);
  }

  intern(suffix: number, token: number): number {
    const t = this.table;
    const slots = t.slots;
    const mask = t.mask;
    let s = pairHash(suffix, token) & mask;
    for (;;) {
      const at = s << 2;
      const v = slots[at + 2]!;
      if (v === 0) break;
      if (slots[at] === suffix && slots[at + 1] === token) return v - 1;
      s = (s + 1) & mask;
    }
    const id = t.size++;
    if (id === this.parent.length) {
      this.parent = grow(this.parent);
      this.token = grow(this.token);
    }
    this.parent[id] = suffix;
    this.token[id] = token;
    const at = s << 2;
    slots[at] = suffix;
    slots[at + 1] = token;
    slots[at + 2] = id + 1;
    if (t.size > MAX_LOAD * (mask + 1)) t.grow();
    return id;
  }
}

/** Entries of contexts of one length k ≥ 1: (context id at length k, token) → count. */
class EntryLevel {
  readonly table: PairTable;

  constructor(expected: number) {
    this.table = new PairTable(expected);
  }

  /** Increment the count of (context, token) and return the new count. */
  bump(ctx: number, token: number): number {
    const t = this.table;
    const slots = t.slots;
    const mask = t.mask;
    let s = pairHash(ctx, token) & mask;
    for (;;) {
      const at = s << 2;
      const v = slots[at + 2]!;
      if (v === 0) break;
      if (slots[at] === ctx && slots[at + 1] === token) return (slots[at + 2] = v + 1);
      s = (s + 1) & mask;
    }
    const at = s << 2;
    slots[at] = ctx;
    slots[at + 1] = token;
    slots[at + 2] = 1;
    if (++t.size > MAX_LOAD * (mask + 1)) t.grow();
    return 1;
  }
}

function grow(a: Uint32Array): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Count the n-grams of `documents` (token ids < vocabSize) into canonical `NgramTables`, with
 * modified Kneser-Ney discounts estimated per order. About order + 1 probes per token.
 *
 * @throws RangeError for an order outside 2–6, a token id ≥ vocabSize (naming the document), or no tokens at all.
 */
export function countNgrams(documents: readonly Uint32Array[], order: number, vocabSize: number): NgramTables {
  const total = checkCountInputs(documents, order, vocabSize);
  const pad = order - 1;
  const counters = createCounters(pad, vocabSize, total);
  const { stream, targets } = paddedStream(documents, pad, vocabSize, total);
  countPositions(counters, stream, targets);
  const contexts = numberContexts(counters);
  const { tokens, counts, offsets } = gatherEntries(counters, contexts);
  sortEntries(tokens, counts, offsets);
  const base = { order, vocabSize, ctxParent: contexts.ctxParent, ctxToken: contexts.ctxToken, offsets, tokens, counts };
  return { ...base, discounts: computeDiscounts(base) };
}

/** The token count of `documents`, after checking order, vocabulary size and every token id. */
function checkCountInputs(documents: readonly Uint32Array[], order: number, vocabSize: number): number {
  if (!Number.isInteger(order) || order < 2 || order > 6) throw new RangeError(`order must be an integer in 2–6, got ${order}`);
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || vocabSize >= 0x1f_ffff)
    throw new RangeError(`vocabSize must be a positive integer below 2^21 − 1, got ${vocabSize}`);
  let total = 0;
  documents.forEach((doc, d) => {
    for (let i = 0; i < doc.length; i++) {
      if (doc[i]! >= vocabSize) throw new RangeError(`document ${d}: token id ${doc[i]} at ${i} is outside the vocabulary (size ${vocabSize})`);
    }
    total += doc.length;
  });
  if (total === 0) throw new RangeError('no training tokens: every document is empty');
  return total;
}

/** The counting state: the context trie by length and the entry counts by context length. */
interface Counters {
  readonly pad: number;
  readonly vocabSize: number;
  /** Length-1 contexts: token (or bos = vocabSize) → id, −1 when absent. */
  readonly ctx1: Int32Array;
  numCtx1: number;
  /** Unigram (length-0 context) continuation counts by token. */
  readonly unigram: Uint32Array;
  /** Index k ≥ 2: contexts of length k. */
  readonly ctxLevels: ContextLevel[];
  /** Index k ≥ 1: entries of contexts of length k. */
  readonly entLevels: EntryLevel[];
}

function createCounters(pad: number, vocabSize: number, total: number): Counters {
  const ctxLevels: ContextLevel[] = [];
  const entLevels: EntryLevel[] = [];
  for (let k = 2; k <= pad; k++) ctxLevels[k] = new ContextLevel(k === pad ? total : 1024);
  for (let k = 1; k <= pad; k++) entLevels[k] = new EntryLevel(k === pad ? total : 1024);
  return { pad, vocabSize, ctx1: new Int32Array(vocabSize + 1).fill(-1), numCtx1: 0, unigram: new Uint32Array(vocabSize), ctxLevels, entLevels };
}

/**
 * Every non-empty document preceded by `pad` bos tokens (bos = vocabSize), concatenated, and the
 * stream positions of the real tokens (the positions that are predicted).
 */
function paddedStream(documents: readonly Uint32Array[], pad: number, bos: number, total: number): { stream: Uint32Array; targets: Uint32Array } {
  const stream = new Uint32Array(pad * documents.length + total);
  const targets = new Uint32Array(total);
  let at = 0;
  let t = 0;
  for (const doc of documents) {
    if (doc.length === 0) continue;
    stream.fill(bos, at, at + pad);
    at += pad;
    stream.set(doc, at);
    for (let i = 0; i < doc.length; i++) targets[t++] = at + i;
    at += doc.length;
  }
  return { stream, targets };
}

/**
 * Count every target position: intern its contexts of length 1 … pad, bump the full n-gram, then
 * the continuation counts of the shorter ones.
 *
 * Positions are processed in chunks, one context length at a time: the probes of different
 * positions are independent, so the CPU overlaps their cache misses, where a position-by-position
 * walk waits for each miss in turn (1.1–1.7× faster at order 4 in interleaved A/B runs, measured).
 * Counts are the same either way: each level still sees its positions in document order.
 */
function countPositions(counters: Counters, stream: Uint32Array, targets: Uint32Array): void {
  const { pad, ctx1, unigram, ctxLevels, entLevels } = counters;
  const bos = counters.vocabSize;
  const total = targets.length;
  let numCtx1 = counters.numCtx1;
  const chunk = Math.min(CHUNK, total);
  const ctxOf = Array.from({ length: pad + 1 }, () => new Uint32Array(chunk));
  const cnt = new Uint32Array(chunk);
  for (let start = 0; start < total; start += chunk) {
    const n = Math.min(chunk, total - start);
    const c1 = ctxOf[1]!;
    for (let j = 0; j < n; j++) {
      const prev = stream[targets[start + j]! - 1]!;
      let c = ctx1[prev]!;
      if (c < 0) c = ctx1[prev] = numCtx1++;
      c1[j] = c;
    }
    for (let k = 2; k <= pad; k++) {
      const level = ctxLevels[k]!;
      const below = ctxOf[k - 1]!;
      const here = ctxOf[k]!;
      for (let j = 0; j < n; j++) here[j] = level.intern(below[j]!, stream[targets[start + j]! - k]!);
    }
    {
      const top = entLevels[pad]!;
      const ctx = ctxOf[pad]!;
      for (let j = 0; j < n; j++) cnt[j] = top.bump(ctx[j]!, stream[targets[start + j]!]!);
    }
    for (let k = pad - 1; k >= 0; k--) {
      // Count (h w) when (x h w) was new — or always, when h starts with bos (one possible x).
      const ctx = ctxOf[k]!;
      const level = k === 0 ? null : entLevels[k]!;
      for (let j = 0; j < n; j++) {
        const i = targets[start + j]!;
        if (cnt[j] !== 1 && !(k >= 1 && stream[i - k] === bos)) {
          cnt[j] = 0;
          continue;
        }
        const w = stream[i]!;
        cnt[j] = level === null ? ++unigram[w]! : level.bump(ctx[j]!, w);
      }
    }
  }
  counters.numCtx1 = numCtx1;
}

/** Contexts in canonical numbering, and for each length the map from counting id to canonical id. */
interface NumberedContexts {
  readonly numCtx: number;
  readonly ctxParent: Uint32Array;
  readonly ctxToken: Uint32Array;
  /** Index k: counting id of a length-k context → canonical id. */
  readonly newIds: readonly Uint32Array[];
}

/** Canonical numbering: by length, then suffix, then oldest token (a breadth-first order of the trie). */
function numberContexts(counters: Counters): NumberedContexts {
  const { pad, vocabSize, ctx1, numCtx1, ctxLevels } = counters;
  const sizes = [1, numCtx1];
  for (let k = 2; k <= pad; k++) sizes[k] = ctxLevels[k]!.table.size;
  const numCtx = sizes.reduce((a, b) => a + b, 0);
  const ctxParent = new Uint32Array(numCtx);
  const ctxToken = new Uint32Array(numCtx);
  const newIds: Uint32Array[] = [Uint32Array.of(0)];
  let next = 1;
  {
    const ids = new Uint32Array(numCtx1);
    for (let t = 0; t <= vocabSize; t++) {
      if (ctx1[t]! < 0) continue;
      ids[ctx1[t]!] = next;
      ctxToken[next++] = t;
    }
    newIds[1] = ids;
  }
  for (let k = 2; k <= pad; k++) {
    const level = ctxLevels[k]!;
    const n = sizes[k]!;
    const prevIds = newIds[k - 1]!;
    const parent = new Uint32Array(n);
    for (let j = 0; j < n; j++) parent[j] = prevIds[level.parent[j]!]!;
    const local = new Uint32Array(n);
    for (let j = 0; j < n; j++) local[j] = j;
    const [sortedParent, sortedToken, sortedLocal] = radixSortBy(parent, next, [level.token.subarray(0, n), local]);
    sortRunsBy(sortedParent, sortedToken, sortedLocal);
    const ids = new Uint32Array(n);
    for (let j = 0; j < n; j++) {
      ids[sortedLocal[j]!] = next;
      ctxParent[next] = sortedParent[j]!;
      ctxToken[next++] = sortedToken[j]!;
    }
    newIds[k] = ids;
  }
  return { numCtx, ctxParent, ctxToken, newIds };
}

/**
 * Entries: gathered level by level (levels occupy consecutive id ranges) and grouped by context
 * with a radix sort; the caller then sorts each context's run by (count descending, token).
 */
function gatherEntries(counters: Counters, contexts: NumberedContexts): { tokens: Uint32Array; counts: Uint32Array; offsets: Uint32Array } {
  const { pad, vocabSize, unigram, entLevels } = counters;
  const { numCtx, newIds } = contexts;
  let numEnt = 0;
  for (let t = 0; t < vocabSize; t++) if (unigram[t] !== 0) numEnt++;
  for (let k = 1; k <= pad; k++) numEnt += entLevels[k]!.table.size;
  const tokens = new Uint32Array(numEnt);
  const counts = new Uint32Array(numEnt);
  const offsets = new Uint32Array(numCtx + 1);
  let p = 0;
  for (let t = 0; t < vocabSize; t++) {
    if (unigram[t] === 0) continue;
    tokens[p] = t;
    counts[p++] = unigram[t]!;
  }
  offsets[1] = p;
  for (let k = 1; k <= pad; k++) {
    const { slots, size } = entLevels[k]!.table;
    const ids = newIds[k]!;
    const ctx = new Uint32Array(size);
    const tok = new Uint32Array(size);
    const cnt = new Uint32Array(size);
    let j = 0;
    for (let at = 0; at < slots.length; at += 4) {
      if (slots[at + 2] === 0) continue;
      ctx[j] = ids[slots[at]!]!;
      tok[j] = slots[at + 1]!;
      cnt[j++] = slots[at + 2]!;
    }
    const [sCtx, sTok, sCnt] = radixSortBy(ctx, numCtx, [tok, cnt]);
    tokens.set(sTok, p);
    counts.set(sCnt, p);
    for (let i = 0; i < size; i++) offsets[sCtx[i]! + 1]!++;
    p += size;
  }
  for (let c = 2; c <= numCtx; c++) offsets[c]! += offsets[c - 1]!;
  return { tokens, counts, offsets };
}

/** Radix digit width: 2^11 buckets keep every bucket's write position in cache. */
const RADIX_BITS = 11;

/**
 * Stable LSD radix sort of `key` (values < range) carrying `columns` along. Returns new arrays
 * [key, ...columns]. ⌈log₂(range) / 11⌉ passes, each sequential except for 2048 write streams.
 */
function radixSortBy(key: Uint32Array, range: number, columns: Uint32Array[]): Uint32Array[] {
  const n = key.length;
  let cur = [key, ...columns];
  let bits = 0;
  while (2 ** bits < range) bits++;
  const radix = 1 << RADIX_BITS;
  const mask = radix - 1;
  const count = new Uint32Array(radix);
  for (let shift = 0; shift < bits; shift += RADIX_BITS) {
    count.fill(0);
    const k = cur[0]!;
    for (let i = 0; i < n; i++) count[(k[i]! >>> shift) & mask]!++;
    let acc = 0;
    for (let b = 0; b < radix; b++) {
      const c = count[b]!;
      count[b] = acc;
      acc += c;
    }
    const out = cur.map(() => new Uint32Array(n));
    const pos = new Uint32Array(n);
    for (let i = 0; i < n; i++) pos[i] = count[(k[i]! >>> shift) & mask]!++;
    for (let c = 0; c < cur.length; c++) {
      const src = cur[c]!;
      const dst = out[c]!;
      for (let i = 0; i < n; i++) dst[pos[i]!] = src[i]!;
    }
    cur = out;
  }
  return cur;
}

/** Runs longer than this go through a packed-key native sort; shorter ones through insertion sort. */
const SMALL_RUN = 24;

/** Within each run of equal `group`, sort by `token` (distinct within a run), carrying `item`. */
function sortRunsBy(group: Uint32Array, token: Uint32Array, item: Uint32Array): void {
  const n = group.length;
  let lo = 0;
  while (lo < n) {
    let hi = lo + 1;
    while (hi < n && group[hi] === group[lo]) hi++;
    if (hi - lo <= SMALL_RUN) {
      for (let i = lo + 1; i < hi; i++) {
        const t = token[i]!;
        const x = item[i]!;
        let j = i - 1;
        while (j >= lo && token[j]! > t) {
          token[j + 1] = token[j]!;
          item[j + 1] = item[j]!;
          j--;
        }
        token[j + 1] = t;
        item[j + 1] = x;
      }
    } else {
      // token · 2^32 + item < 2^53 (tokens < 2^21): exact in a double; a native typed-array sort beats a comparator ~10×.
      const packed = new Float64Array(hi - lo);
      for (let i = lo; i < hi; i++) packed[i - lo] = token[i]! * 4_294_967_296 + item[i]!;
      packed.sort();
      for (let i = lo; i < hi; i++) {
        const v = packed[i - lo]!;
        const x = v % 4_294_967_296;
        item[i] = x;
        token[i] = (v - x) / 4_294_967_296;
      }
    }
    lo = hi;
  }
}

/** Sort each context's entries by count descending, then token ascending. */
function sortEntries(tokens: Uint32Array, counts: Uint32Array, offsets: Uint32Array): void {
  const numCtx = offsets.length - 1;
  for (let c = 0; c < numCtx; c++) {
    const lo = offsets[c]!;
    const hi = offsets[c + 1]!;
    const n = hi - lo;
    if (n < 2) continue;
    if (n <= SMALL_RUN) {
      for (let i = lo + 1; i < hi; i++) {
        const t = tokens[i]!;
        const r = counts[i]!;
        let j = i - 1;
        while (j >= lo && (counts[j]! < r || (counts[j] === r && tokens[j]! > t))) {
          tokens[j + 1] = tokens[j]!;
          counts[j + 1] = counts[j]!;
          j--;
        }
        tokens[j + 1] = t;
        counts[j + 1] = r;
      }
      continue;
    }
    // (2^32 − 1 − count) · 2^21 + token < 2^53: exact in a double.
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = (0xffff_ffff - counts[lo + i]!) * 2_097_152 + tokens[lo + i]!;
    packed.sort();
    for (let i = 0; i < n; i++) {
      const v = packed[i]!;
      const t = v % 2_097_152;
      tokens[lo + i] = t;
      counts[lo + i] = 0xffff_ffff - (v - t) / 2_097_152;
    }
  }
}
