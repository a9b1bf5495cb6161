/**
 * The data of a trained n-gram model, as flat typed arrays: what training produces, what a model
 * file stores and what `NgramModel` queries. No per-n-gram objects exist anywhere.
 *
 * Contexts form a suffix trie: context (h₁ … h_k) is a child of its suffix (h₂ … h_k) through its
 * oldest token h₁, so looking up the longest known suffix of a query context takes one step per
 * order. Context 0 is the empty context (the unigram level). Contexts are numbered breadth-first
 * with siblings in token order, which makes the numbering canonical (independent of document
 * order) and puts every context after its suffix. `bos` (= vocabSize) is the padding token that
 * marks the start of a document; it only ever appears inside contexts.
 *
 * Each context owns a contiguous run `offsets[c] … offsets[c+1]` of (token, count) entries,
 * sorted by count descending, then token ascending. Counts are raw counts at the highest order
 * and for contexts that begin with `bos`, and Kneser-Ney continuation counts N₁₊(• h w) — the
 * number of distinct tokens seen before h w — everywhere else (Chen & Goodman 1998, §3).
 */

export interface NgramTables {
  /** n: the model predicts a token from at most n − 1 previous tokens. */
  readonly order: number;
  readonly vocabSize: number;
  /** Per context: its suffix context (0 for the root and for length-1 contexts). */
  readonly ctxParent: Uint32Array;
  /** Per context: its oldest token, possibly `bos` (= vocabSize); 0 for the root. */
  readonly ctxToken: Uint32Array;
  /** numContexts + 1 offsets into `tokens` / `counts`. */
  readonly offsets: Uint32Array;
  readonly tokens: Uint32Array;
  readonly counts: Uint32Array;
  /**
   * Modified Kneser-Ney discounts D₁, D₂, D₃₊ per context length k = 0 … order − 1, flattened:
   * `discounts[3k + r - 1]` is D_r for contexts of length k.
   */
  readonly discounts: Float64Array;
}

/** Bounds that keep every context's backoff weight positive and the discounted count monotone in the count. */
const MIN_D1 = 0.01;
const MAX_D1 = 0.99;

/**
 * Modified Kneser-Ney discounts from count-of-counts (Chen & Goodman 1998, eq. 26):
 * Y = n₁ / (n₁ + 2 n₂), D₁ = 1 − 2Y n₂/n₁, D₂ = 2 − 3Y n₃/n₂, D₃₊ = 3 − 4Y n₄/n₃.
 *
 * Small corpora can make these undefined or out of range (n₂ = 0 …), so each falls back to Y (or
 * 0.5) and is then clamped: D₁ ∈ [0.01, 0.99], D₁ ≤ D₂ ≤ min(D₁ + 1, 1.99),
 * D₂ ≤ D₃₊ ≤ min(D₂ + 1, 2.99). The clamps guarantee 0 < r − D_r (every seen n-gram keeps mass and
 * every context leaves some to its backoff) and r − D_r non-decreasing in r (so entries sorted by
 * count are sorted by probability, which top-k relies on).
 */
export function discountsFromCountOfCounts(n1: number, n2: number, n3: number, n4: number): [number, number, number] {
  const y = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  const fallback = y > 0 && y < 1 ? y : 0.5;
  const pick = (v: number) => (Number.isFinite(v) && v > 0 ? v : fallback);
  let d1 = pick(1 - (2 * y * n2) / n1);
  let d2 = pick(2 - (3 * y * n3) / n2);
  let d3 = pick(3 - (4 * y * n4) / n3);
  d1 = Math.min(Math.max(d1, MIN_D1), MAX_D1);
  d2 = Math.min(Math.max(d2, d1), d1 + 1, 1.99);
  d3 = Math.min(Math.max(d3, d2), d2 + 1, 2.99);
  return [d1, d2, d3];
}

/** Discounts for every context length, from the entries of `tables` (its `discounts` are ignored). */
export function computeDiscounts(tables: Omit<NgramTables, 'discounts'>): Float64Array {
  const { order, offsets, counts, ctxParent } = tables;
  const numCtx = offsets.length - 1;
  const level = contextLevels(ctxParent);
  const coc = new Float64Array(order * 4);
  for (let c = 0; c < numCtx; c++) {
    const base = level[c]! * 4;
    for (let p = offsets[c]!; p < offsets[c + 1]!; p++) {
      const r = counts[p]!;
      if (r <= 4) coc[base + r - 1]!++;
    }
  }
  const out = new Float64Array(order * 3);
  for (let k = 0; k < order; k++) {
    const [d1, d2, d3] = discountsFromCountOfCounts(coc[4 * k]!, coc[4 * k + 1]!, coc[4 * k + 2]!, coc[4 * k + 3]!);
    out[3 * k] = d1;
    out[3 * k + 1] = d2;
    out[3 * k + 2] = d3;
  }
  return out;
}

/** Context lengths from the suffix links (each context comes after its suffix). */
export function contextLevels(ctxParent: Uint32Array): Uint8Array {
  const level = new Uint8Array(ctxParent.length);
  for (let c = 1; c < ctxParent.length; c++) level[c] = level[ctxParent[c]!]! + 1;
  return level;
}

/**
 * Structural checks for tables read from outside (a model file): every invariant the query code
 * relies on, so a damaged file fails here with a message instead of returning wrong numbers.
 * O(contexts + entries).
 *
 * @throws RangeError naming the first violated invariant.
 */
export function checkNgramTables(t: NgramTables): void {
  const fail = (what: string) => {
    throw new RangeError(`invalid n-gram tables: ${what}`);
  };
  if (!Number.isInteger(t.order) || t.order < 2 || t.order > 6) fail(`order ${t.order} is not in 2–6`);
  if (!Number.isInteger(t.vocabSize) || t.vocabSize < 1 || t.vocabSize >= 0xffff_ffff) fail(`vocabSize ${t.vocabSize}`);
  const numCtx = t.ctxParent.length;
  if (numCtx < 1 || t.ctxToken.length !== numCtx || t.offsets.length !== numCtx + 1) fail('context arrays differ in length');
  if (t.tokens.length !== t.counts.length) fail('token and count arrays differ in length');
  if (t.offsets[0] !== 0 || t.offsets[numCtx] !== t.tokens.length) fail('offsets do not span the entries');
  if (t.discounts.length !== 3 * t.order) fail('wrong number of discounts');
  for (let i = 0; i < t.discounts.length; i++) {
    const r = (i % 3) + 1;
    if (!(t.discounts[i]! > 0 && t.discounts[i]! < r)) fail(`discount ${i} (${t.discounts[i]}) outside (0, ${r})`);
  }
  const level = new Uint8Array(numCtx);
  for (let c = 0; c < numCtx; c++) {
    if (c > 0) {
      const parent = t.ctxParent[c]!;
      if (parent >= c) fail(`context ${c} precedes its suffix ${parent}`);
      const prev = t.ctxParent[c - 1]!;
      if (c > 1 && (parent < prev || (parent === prev && t.ctxToken[c]! <= t.ctxToken[c - 1]!)))
        fail(`context ${c} is out of breadth-first order`);
      if (t.ctxToken[c]! > t.vocabSize) fail(`context ${c} has token ${t.ctxToken[c]}`);
      level[c] = level[parent]! + 1;
      if (level[c]! >= t.order) fail(`context ${c} is longer than order − 1`);
    }
    const lo = t.offsets[c]!;
    const hi = t.offsets[c + 1]!;
    if (hi <= lo) fail(`context ${c} has no entries`);
    for (let p = lo; p < hi; p++) {
      if (t.tokens[p]! >= t.vocabSize) fail(`entry ${p} has token ${t.tokens[p]}`);
      if (t.counts[p]! < 1) fail(`entry ${p} has count 0`);
      if (p > lo && (t.counts[p]! > t.counts[p - 1]! || (t.counts[p] === t.counts[p - 1] && t.tokens[p]! <= t.tokens[p - 1]!)))
        fail(`entries of context ${c} are not sorted`);
    }
  }
}
