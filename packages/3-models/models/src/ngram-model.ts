/**
 * The reference language model: an interpolated modified Kneser-Ney n-gram model (Chen &
 * Goodman 1998, "An Empirical Study of Smoothing Techniques for Language Modeling", eqs. 17
 * and 26) over the ids of a real tokenizer. Every vocabulary token has non-zero probability: the
 * unigram level interpolates with the uniform distribution over `vocabSize`.
 *
 * For a context whose longest known suffix has length m, with h_k its length-k suffix:
 *
 *     P(w | h) = Σ_{k=0..m} B_k · max(c_k(w) − D_k(c_k(w)), 0) / c_k(•)  +  B_{−1} / V
 *     γ(h_k)  = (D_k1 N₁(h_k •) + D_k2 N₂(h_k •) + D_k3+ N₃₊(h_k •)) / c_k(•)
 *     B_m = 1,  B_{k−1} = B_k · γ(h_k)
 *
 * where c_k are the counts of `NgramTables` (raw at the top order, continuation counts below).
 * The three query paths — dense `logProbs`, sparse `topK` and single-token `logProb` — evaluate
 * this sum with the same operations in the same order, so they agree to the last bit.
 *
 * A context shorter than order − 1 is read as the start of a document (padded with `bos`).
 */
import { type Tokenizer } from '@tracemark/tokenizers';
import { pairHash, tableCapacity } from './_pair-hash.ts';
import { type LanguageModel, type SparseLogProbs } from './language-model.ts';
import { contextLevels, type NgramTables } from './ngram-tables.ts';

/** Where training tokens came from: one row per source, as realised by `trainNgram`. */
export interface SourceSummary {
  readonly name: string;
  /** The requested share of training tokens, or null when the source was used whole. */
  readonly fraction: number | null;
  /** Tokens of this source actually trained on. */
  readonly tokens: number;
  /** Documents used (the last one possibly truncated). */
  readonly documents: number;
  /** Tokens the source offered. */
  readonly availableTokens: number;
}

export interface NgramModelInit {
  readonly tables: NgramTables;
  readonly tokenizer: Tokenizer;
  readonly name: string;
  readonly sources: readonly SourceSummary[];
}

/** Summary numbers of a model, for reports and benchmarks. */
export interface NgramModelStats {
  readonly order: number;
  readonly contexts: number;
  readonly entries: number;
  /** Contexts per length 0 … order − 1. */
  readonly contextsByLength: readonly number[];
  readonly trainingTokens: number;
  /** Bytes held by the model's tables and per-context arrays. */
  readonly bytes: number;
  /** Bytes of the (context, token) index, built on the first `topK` / `logProb` call (0 before). */
  readonly indexBytes: number;
}

export class NgramModel implements LanguageModel {
  readonly name: string;
  readonly tokenizer: Tokenizer;
  readonly vocabSize: number;
  readonly order: number;
  readonly sources: readonly SourceSummary[];
  readonly tables: NgramTables;

  private readonly bos: number;
  private readonly offsets: Uint32Array;
  private readonly tokens: Uint32Array;
  private readonly counts: Uint32Array;
  private readonly ctxParent: Uint32Array;
  private readonly ctxToken: Uint32Array;
  private readonly discounts: Float64Array;
  /** Per context: total count c(h •). */
  private readonly totals: Float64Array;
  /** Per context: backoff weight γ(h). */
  private readonly gammas: Float64Array;
  /** Children of context c are the ids firstChild[c] … firstChild[c+1] − 1, in token order (breadth-first numbering). */
  private readonly firstChild: Uint32Array;
  /** (context, token) → entry position + 1; built on the first sparse query (dense-only use never needs it). */
  private entSlots: Uint32Array | null = null;
  private entMask = 0;
  private readonly levels: Uint8Array;

  // Per-query scratch, allocated once (queries are synchronous, so never shared mid-flight).
  private readonly matched: Uint32Array;
  private readonly weights: Float64Array;
  private floorProb = 0;
  private stamps: Uint32Array | null = null;
  private stamp = 0;
  private readonly cursor: Uint32Array;
  private readonly cursorEnd: Uint32Array;
  private readonly heads: Float64Array;
  private readonly found: Int32Array;

  /**
   * Wrap tables from `countNgrams` or a model file (which `checkNgramTables` has vetted); the
   * per-context totals and backoff weights are derived here, in one O(entries) pass.
   *
   * @throws RangeError when the tokenizer's vocabulary size differs from the tables'.
   */
  constructor(init: NgramModelInit) {
    const t = init.tables;
    if (init.tokenizer.vocabSize !== t.vocabSize)
      throw new RangeError(`tokenizer ${init.tokenizer.name} has ${init.tokenizer.vocabSize} ids but the tables were built for ${t.vocabSize}`);
    this.name = init.name;
    this.tokenizer = init.tokenizer;
    this.vocabSize = t.vocabSize;
    this.order = t.order;
    this.sources = init.sources;
    this.tables = t;
    this.bos = t.vocabSize;
    this.offsets = t.offsets;
    this.tokens = t.tokens;
    this.counts = t.counts;
    this.ctxParent = t.ctxParent;
    this.ctxToken = t.ctxToken;
    this.discounts = t.discounts;
    this.levels = contextLevels(t.ctxParent);

    const numCtx = t.ctxParent.length;
    this.totals = new Float64Array(numCtx);
    this.gammas = new Float64Array(numCtx);
    for (let c = 0; c < numCtx; c++) {
      const base = 3 * this.levels[c]!;
      const d1 = this.discounts[base]!;
      const d2 = this.discounts[base + 1]!;
      const d3 = this.discounts[base + 2]!;
      let total = 0;
      let n1 = 0;
      let n2 = 0;
      let n3 = 0;
      for (let p = t.offsets[c]!; p < t.offsets[c + 1]!; p++) {
        const r = t.counts[p]!;
        total += r;
        if (r === 1) n1++;
        else if (r === 2) n2++;
        else n3++;
      }
      this.totals[c] = total;
      this.gammas[c] = (d1 * n1 + d2 * n2 + d3 * n3) / total;
    }

    // Suffix trie: contexts are numbered breadth-first, so each context's children are a run of ids.
    this.firstChild = new Uint32Array(numCtx + 1);
    for (let c = 1; c < numCtx; c++) this.firstChild[t.ctxParent[c]! + 1]!++;
    this.firstChild[0] = 1;
    for (let c = 1; c <= numCtx; c++) this.firstChild[c]! += this.firstChild[c - 1]!;

    this.matched = new Uint32Array(this.order);
    this.weights = new Float64Array(this.order);
    this.cursor = new Uint32Array(this.order);
    this.cursorEnd = new Uint32Array(this.order);
    this.heads = new Float64Array(this.order);
    this.found = new Int32Array(this.order);
  }

  /** Modified Kneser-Ney discounts D₁, D₂, D₃₊ for context length k. */
  discountsFor(k: number): [number, number, number] {
    if (!Number.isInteger(k) || k < 0 || k >= this.order) throw new RangeError(`context length must be in 0–${this.order - 1}, got ${k}`);
    return [this.discounts[3 * k]!, this.discounts[3 * k + 1]!, this.discounts[3 * k + 2]!];
  }

  stats(): NgramModelStats {
    const byLength = new Array<number>(this.order).fill(0);
    for (let c = 0; c < this.levels.length; c++) byLength[this.levels[c]!]!++;
    let bytes = 0;
    for (const a of [
      this.offsets, this.tokens, this.counts, this.ctxParent, this.ctxToken, this.totals, this.gammas,
      this.firstChild, this.levels,
    ])
      bytes += a.byteLength;
    return {
      order: this.order,
      contexts: this.ctxParent.length,
      entries: this.tokens.length,
      contextsByLength: byLength,
      trainingTokens: this.sources.reduce((s, x) => s + x.tokens, 0),
      bytes,
      indexBytes: this.entSlots?.byteLength ?? 0,
    };
  }

  /**
   * Natural-log probabilities of every token after `context`, into `out` when given (length
   * vocabSize). O(V + entries of the matched contexts). The probabilities sum to 1 within
   * rounding (~1e-12) and are all > 0.
   */
  logProbs(context: Uint32Array, out?: Float64Array): Float64Array {
    const probs = this.probs(context, out);
    for (let i = 0; i < probs.length; i++) probs[i] = Math.log(probs[i]!);
    return probs;
  }

  /** Like `logProbs` but plain probabilities. */
  probs(context: Uint32Array, out?: Float64Array): Float64Array {
    const V = this.vocabSize;
    if (out !== undefined && out.length !== V) throw new RangeError(`out must have length vocabSize (${V}), got ${out.length}`);
    const m = this.prepare(context);
    const p = out ?? new Float64Array(V);
    p.fill(this.floorProb);
    const { offsets, tokens, counts, discounts, totals, matched, weights } = this;
    for (let k = 0; k <= m; k++) {
      const c = matched[k]!;
      const w = weights[k]!;
      const total = totals[c]!;
      const d1 = discounts[3 * k]!;
      const d2 = discounts[3 * k + 1]!;
      const d3 = discounts[3 * k + 2]!;
      for (let e = offsets[c]!; e < offsets[c + 1]!; e++) {
        const r = counts[e]!;
        p[tokens[e]!]! += w * ((r - (r === 1 ? d1 : r === 2 ? d2 : d3)) / total);
      }
    }
    return p;
  }

  /**
   * Natural-log probability of one `token` after `context`. O(order) hash probes: a token absent
   * from a context's entries is absent from every longer context's too, so the walk stops at the
   * first miss.
   *
   * @throws RangeError when `token` is not a vocabulary id.
   */
  logProb(context: Uint32Array, token: number): number {
    if (!Number.isInteger(token) || token < 0 || token >= this.vocabSize)
      throw new RangeError(`token must be an id in 0–${this.vocabSize - 1}, got ${token}`);
    const m = this.prepare(context);
    const { counts, discounts, totals, matched, weights } = this;
    let s = this.floorProb;
    for (let k = 0; k <= m; k++) {
      const c = matched[k]!;
      const e = this.entryOf(c, token);
      if (e < 0) break;
      const r = counts[e]!;
      s += weights[k]! * ((r - (r === 1 ? discounts[3 * k]! : r === 2 ? discounts[3 * k + 1]! : discounts[3 * k + 2]!)) / totals[c]!);
    }
    return Math.log(s);
  }

  /**
   * The `k` most probable next tokens, most probable first (ties: lower id first), with their
   * natural-log probabilities — equal to the corresponding entries of `logProbs`.
   *
   * Method: Fagin's threshold algorithm over the matched contexts' runs, which are sorted by
   * count and hence by their term of the interpolation sum. Runs are read best-head-first; each
   * newly seen token is scored exactly by probing the other levels; the scan stops once the k-th
   * best score beats the sum of the run heads (the most any unseen token can reach). Cost
   * O((k + entries read) · order), typically a few hundred entries, never O(V) — except to fill
   * the answer with unseen tokens when k exceeds the tokens seen after these contexts.
   *
   * @throws RangeError when k is not a non-negative integer.
   *
   * Why one long method: it is the per-step hot path of generation; its state (a dozen typed
   * arrays and cursors) stays in locals across one scan loop, and splitting it would hand all of
   * them to each piece on every step.
   */
  topK(context: Uint32Array, k: number): SparseLogProbs {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
    const V = this.vocabSize;
    if (k > V) k = V;
    const m = this.prepare(context);
    if (k === 0) return { ids: new Uint32Array(0), logProbs: new Float64Array(0) };
    const { offsets, tokens, counts, discounts, totals, matched, weights, cursor, cursorEnd, heads, found } = this;
    const floor = this.floorProb;
    if (this.stamps === null) this.stamps = new Uint32Array(V);
    const stamps = this.stamps;
    if (this.stamp === 0xffff_ffff) {
      stamps.fill(0);
      this.stamp = 0;
    }
    const mark = ++this.stamp;

    const term = (level: number, e: number): number => {
      const r = counts[e]!;
      const d = r === 1 ? discounts[3 * level]! : r === 2 ? discounts[3 * level + 1]! : discounts[3 * level + 2]!;
      return weights[level]! * ((r - d) / totals[matched[level]!]!);
    };
    for (let l = 0; l <= m; l++) {
      const c = matched[l]!;
      cursor[l] = offsets[c]!;
      cursorEnd[l] = offsets[c + 1]!;
      heads[l] = term(l, cursor[l]!);
    }

    // Min-heap of the best k so far; the root is the worst (lowest score, then highest id).
    const heapScore = new Float64Array(k);
    const heapId = new Uint32Array(k);
    let size = 0;
    const worse = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);

    for (;;) {
      let best = -1;
      let bestHead = 0;
      let bound = floor;
      for (let l = 0; l <= m; l++) {
        if (cursor[l]! < cursorEnd[l]!) {
          const h = heads[l]!;
          bound += h;
          if (h > bestHead || best < 0) {
            best = l;
            bestHead = h;
          }
        }
      }
      if (best < 0) break;
      // The relative margin absorbs rounding differences between `bound` and an exact score.
      if (size === k && heapScore[0]! > bound * (1 + 1e-12)) break;
      const e = cursor[best]!++;
      if (cursor[best]! < cursorEnd[best]!) heads[best] = term(best, cursor[best]!);
      const token = tokens[e]!;
      if (stamps[token] === mark) continue;
      stamps[token] = mark;
      // Positions of `token` at every level where it occurs (0 … top): levels are nested.
      let top = best;
      found[best] = e;
      for (let l = 0; l < best; l++) found[l] = this.entryOf(matched[l]!, token);
      while (top < m) {
        const f = this.entryOf(matched[top + 1]!, token);
        if (f < 0) break;
        found[++top] = f;
      }
      let s = floor;
      for (let l = 0; l <= top; l++) s += term(l, found[l]!);
      if (size < k) {
        let i = size++;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!worse(s, token, heapScore[parent]!, heapId[parent]!)) break;
          heapScore[i] = heapScore[parent]!;
          heapId[i] = heapId[parent]!;
          i = parent;
        }
        heapScore[i] = s;
        heapId[i] = token;
      } else if (worse(heapScore[0]!, heapId[0]!, s, token)) {
        siftDownReplace(heapScore, heapId, size, s, token, worse);
      }
    }

    // Fewer than k tokens seen after these contexts: the rest share the uniform floor; lowest ids first.
    const n = k;
    const ids = new Uint32Array(n);
    const logProbs = new Float64Array(n);
    let filled = size;
    // Pop the heap worst-first into the tail of the seen part.
    let count = size;
    while (count > 0) {
      const s = heapScore[0]!;
      const id = heapId[0]!;
      count--;
      ids[count] = id;
      logProbs[count] = Math.log(s);
      if (count > 0) siftDownReplace(heapScore, heapId, count, heapScore[count]!, heapId[count]!, worse);
    }
    if (filled < n) {
      const logFloor = Math.log(floor);
      for (let t = 0; t < V && filled < n; t++) {
        if (stamps[t] === mark) continue;
        ids[filled] = t;
        logProbs[filled++] = logFloor;
      }
    }
    return { ids, logProbs };
  }

  /**
   * Walk the suffix trie from the empty context towards `context`'s start (bos past its
   * beginning); fill `matched` with the contexts of length 0 … m and `weights` with B_0 … B_m,
   * and `floorProb` with B_{−1} / V. Returns m.
   */
  private prepare(context: Uint32Array): number {
    const n = context.length;
    const V = this.vocabSize;
    const matched = this.matched;
    matched[0] = 0;
    let m = 0;
    let c = 0;
    for (let k = 1; k < this.order; k++) {
      let token: number;
      if (k <= n) {
        token = context[n - k]!;
        if (token >= V) throw new RangeError(`context token ${token} at ${n - k} is outside the vocabulary (size ${V})`);
      } else token = this.bos;
      const child = this.childOf(c, token);
      if (child < 0) break;
      c = child;
      matched[++m] = c;
    }
    const weights = this.weights;
    let b = 1;
    for (let k = m; k >= 0; k--) {
      weights[k] = b;
      b *= this.gammas[matched[k]!]!;
    }
    this.floorProb = b / V;
    return m;
  }

  /** Binary search among the children of `suffix` (in token order) for the one extended by `token`. */
  private childOf(suffix: number, token: number): number {
    const ctxToken = this.ctxToken;
    let lo = this.firstChild[suffix]!;
    let hi = this.firstChild[suffix + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = ctxToken[mid]!;
      if (t === token) return mid;
      if (t < token) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /**
   * Build the (context, token) → position index: a 4-byte-slot open-addressing table whose keys
   * are read back from `offsets` / `tokens`, at load factor ≤ 1/2. ~0.5 s for sotu order 4.
   */
  private buildEntryIndex(): Uint32Array {
    const { offsets, tokens } = this;
    const cap = tableCapacity(tokens.length);
    const slots = new Uint32Array(cap);
    const mask = cap - 1;
    const numCtx = offsets.length - 1;
    for (let c = 0; c < numCtx; c++) {
      for (let p = offsets[c]!; p < offsets[c + 1]!; p++) {
        let s = pairHash(c, tokens[p]!) & mask;
        while (slots[s] !== 0) s = (s + 1) & mask;
        slots[s] = p + 1;
      }
    }
    this.entMask = mask;
    this.entSlots = slots;
    return slots;
  }

  private entryOf(ctx: number, token: number): number {
    const slots = this.entSlots ?? this.buildEntryIndex();
    const mask = this.entMask;
    const lo = this.offsets[ctx]!;
    const hi = this.offsets[ctx + 1]!;
    let s = pairHash(ctx, token) & mask;
    for (;;) {
      const v = slots[s]!;
      if (v === 0) return -1;
      const p = v - 1;
      if (p >= lo && p < hi && this.tokens[p] === token) return p;
      s = (s + 1) & mask;
    }
  }
}

/** Replace the heap root with (s, id) and restore the heap over `size` items. */
function siftDownReplace(
  score: Float64Array,
  id: Uint32Array,
  size: number,
  s: number,
  t: number,
  worse: (sa: number, ia: number, sb: number, ib: number) => boolean,
): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    let child = l;
    if (r < size && worse(score[r]!, id[r]!, score[l]!, id[l]!)) child = r;
    if (!worse(score[child]!, id[child]!, s, t)) break;
    score[i] = score[child]!;
    id[i] = id[child]!;
    i = child;
  }
  score[i] = s;
  id[i] = t;
}
