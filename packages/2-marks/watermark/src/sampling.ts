/**
 * Turning logits into a candidate distribution (temperature, top-k, top-p) and drawing from it.
 * Shared by every scheme so that a watermarked step and a plain step truncate identically: the
 * distortion-free schemes are distortion-free relative to exactly this distribution.
 *
 * Dense inputs (`ids === null`) cover the whole vocabulary; top-k selection over V uses a size-k
 * min-heap, O(V log k). Sparse inputs (`ids` given) cost O(k log k).
 *
 * This is the only sampler in tracemark: plain generation (`@tracemark/models`), the engines, the
 * attacks and the gateway all draw unwatermarked tokens with `samplePlain`, so a plain run and a
 * run whose watermark leaves the distribution unchanged see identically truncated candidates.
 */
import { type SampleOptions } from './types.ts';

/** Candidates after truncation: token ids and their probabilities (sum 1). */
export interface Candidates {
  readonly ids: Uint32Array;
  readonly probs: Float64Array;
}

/** Validate per-step sampling options once, with messages naming the option. */
export function checkSampleOptions(o: SampleOptions): void {
  const t = o.temperature ?? 1;
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`temperature must be a finite number ≥ 0, got ${t}`);
  const k = o.topK ?? 0;
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`topK must be an integer ≥ 0 (0 = all), got ${k}`);
  const p = o.topP ?? 1;
  if (!(p > 0 && p <= 1)) throw new RangeError(`topP must be in (0, 1], got ${p}`);
  if (typeof o.random !== 'function') throw new TypeError('random must be a function returning numbers in [0, 1)');
}

/** Indices of the k largest values of `logits` (unordered), by a size-k min-heap. */
function topKIndices(logits: ArrayLike<number>, k: number): Uint32Array {
  const heap = new Uint32Array(k);
  let size = 0;
  const less = (a: number, b: number) => logits[a]! < logits[b]!;
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && less(heap[l]!, heap[m]!)) m = l;
      if (r < size && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      const tmp = heap[i]!;
      heap[i] = heap[m]!;
      heap[m] = tmp;
      i = m;
    }
  };
  for (let i = 0; i < logits.length; i++) {
    if (size < k) {
      heap[size] = i;
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!less(heap[c]!, heap[p]!)) break;
        const tmp = heap[c]!;
        heap[c] = heap[p]!;
        heap[p] = tmp;
        c = p;
      }
    } else if (logits[i]! > logits[heap[0]!]!) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap;
}

/**
 * The truncated, tempered distribution of one step. Temperature 0 means greedy: the single
 * most likely candidate with probability 1. Ties keep the lower index.
 *
 * @throws RangeError for empty logits, `ids` of another length, or no finite maximum (all
 *   `-Infinity` or NaN: no token is possible).
 */
export function prepareCandidates(ids: ArrayLike<number> | null, logits: ArrayLike<number>, o: SampleOptions): Candidates {
  const n = logits.length;
  if (n === 0) throw new RangeError('logits must not be empty');
  if (ids !== null && ids.length !== n) throw new RangeError(`ids (${ids.length}) and logits (${n}) differ in length`);
  const temperature = o.temperature ?? 1;
  const topK = o.topK ?? 0;
  const topP = o.topP ?? 1;
  if (temperature === 0) {
    const best = argmax(logits);
    return { ids: Uint32Array.of(ids ? ids[best]! : best), probs: Float64Array.of(1) };
  }
  let idx: Uint32Array;
  if (topK > 0 && topK < n) idx = topKIndices(logits, topK);
  else {
    idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
  }
  const m = idx.length;
  let max = -Infinity;
  for (let j = 0; j < m; j++) if (logits[idx[j]!]! > max) max = logits[idx[j]!]!;
  if (max === -Infinity || Number.isNaN(max)) throw new RangeError('logits must contain a finite maximum');
  const probs = new Float64Array(m);
  let sum = 0;
  const invT = 1 / temperature;
  for (let j = 0; j < m; j++) {
    const e = Math.exp((logits[idx[j]!]! - max) * invT);
    probs[j] = e;
    sum += e;
  }
  for (let j = 0; j < m; j++) probs[j]! /= sum;
  if (topP < 1) {
    const order = Array.from(idx.keys()).sort((a, b) => probs[b]! - probs[a]! || idx[a]! - idx[b]!);
    let cum = 0;
    let keep = 0;
    while (keep < m && cum < topP) cum += probs[order[keep++]!]!;
    const kIds = new Uint32Array(keep);
    const kProbs = new Float64Array(keep);
    for (let j = 0; j < keep; j++) {
      kIds[j] = ids ? ids[idx[order[j]!]!]! : idx[order[j]!]!;
      kProbs[j] = probs[order[j]!]! / cum;
    }
    return { ids: kIds, probs: kProbs };
  }
  const outIds = new Uint32Array(m);
  for (let j = 0; j < m; j++) outIds[j] = ids ? ids[idx[j]!]! : idx[j]!;
  return { ids: outIds, probs };
}

/** The index of the first maximal logit. @throws RangeError when no logit is finite (all `-Infinity` or NaN). */
function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  const max = logits[best]!;
  if (max === -Infinity || Number.isNaN(max)) throw new RangeError('logits must contain a finite maximum');
  return best;
}

/** Inverse-CDF draw of an index from `probs` (sum 1) with one uniform `u` in [0, 1). */
export function drawIndex(probs: Float64Array, u: number): number {
  let cum = 0;
  for (let j = 0; j < probs.length; j++) {
    cum += probs[j]!;
    if (u < cum) return j;
  }
  // Rounding can leave cum a hair below 1: fall back to the last candidate with mass.
  for (let j = probs.length - 1; j >= 0; j--) if (probs[j]! > 0) return j;
  return probs.length - 1;
}

/** Scratch for the untruncated path, grown on demand: a dense step over a 200k vocabulary would otherwise allocate 1.6 MB per token. */
let scratch = new Float64Array(256);

/**
 * An unwatermarked draw: the baseline every scheme is compared against, and the plain sampler of
 * every generator. Returns a token id (`ids[i]`, or the index `i` for dense logits).
 *
 * Method: as `prepareCandidates` then `drawIndex` with one `random()` draw; greedy (temperature 0)
 * takes no draw. Without truncation (no top-k below n, top-p 1) the same arithmetic runs in a
 * reused scratch buffer instead of allocating candidate arrays, O(n) per step.
 *
 * @throws RangeError or TypeError for bad options (naming the option), and as `prepareCandidates`.
 * @example
 * samplePlain(Uint32Array.of(7, 9), Float32Array.of(-1, -0.1), { temperature: 0, random: Math.random }); // 9
 */
export function samplePlain(ids: ArrayLike<number> | null, logits: ArrayLike<number>, o: SampleOptions): number {
  checkSampleOptions(o);
  const n = logits.length;
  const temperature = o.temperature ?? 1;
  const topK = o.topK ?? 0;
  if (temperature === 0 || (topK > 0 && topK < n) || (o.topP ?? 1) < 1) {
    const c = prepareCandidates(ids, logits, o);
    return temperature === 0 ? c.ids[0]! : c.ids[drawIndex(c.probs, o.random())]!;
  }
  if (n === 0) throw new RangeError('logits must not be empty');
  if (ids !== null && ids.length !== n) throw new RangeError(`ids (${ids.length}) and logits (${n}) differ in length`);
  const max = logits[argmax(logits)]!;
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  const probs = scratch;
  const invT = 1 / temperature;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((logits[i]! - max) * invT);
    probs[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) probs[i]! /= sum;
  const index = drawIndex(probs.subarray(0, n), o.random());
  return ids ? ids[index]! : index;
}
