/**
 * Plain (unwatermarked) sampling of one token from scores: temperature, then top-p nucleus
 * truncation (Holtzman et al. 2020, "The Curious Case of Neural Text Degeneration"), then one
 * inverse-CDF draw. The arithmetic follows `@tracemark/watermark`'s `prepareCandidates` /
 * `drawIndex` step for step (same softmax, same tie order, same draw), so a plain run and a run
 * whose watermark leaves the distribution unchanged see identically truncated candidates.
 */

/** Per-step options. `random` returns uniform draws in [0, 1); one draw is used per call. */
export interface SamplingOptions {
  /** Softmax temperature; 0 means greedy (the first maximal score). Default 1. */
  readonly temperature?: number;
  /** Nucleus mass in (0, 1]: keep the most probable candidates until their mass reaches it. Default 1. */
  readonly topP?: number;
  readonly random: () => number;
}

/** Scratch for softmax weights, grown on demand: a dense step over a 200k vocabulary would otherwise allocate 1.6 MB per token. */
let scratch = new Float64Array(256);

/** Validate options once, with messages naming the option. */
export function checkSamplingOptions(options: SamplingOptions): void {
  const t = options.temperature ?? 1;
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`temperature must be a finite number ≥ 0, got ${t}`);
  const p = options.topP ?? 1;
  if (!(p > 0 && p <= 1)) throw new RangeError(`topP must be in (0, 1], got ${p}`);
  if (typeof options.random !== 'function') throw new TypeError('random must be a function returning numbers in [0, 1)');
}

/**
 * Draw an index into `logits` (raw scores or log-probabilities).
 *
 * Method: softmax of `logits / temperature` after subtracting the maximum (so `exp` never
 * overflows and the largest weight is exactly 1); with `topP < 1`, candidates are ranked by
 * probability (ties: lower index first) and the smallest prefix whose mass reaches `topP` is
 * kept and renormalised; then `random()` is inverted through the cumulative sum. Cost O(n), or
 * O(n log n) when `topP < 1`. `-Infinity` scores have probability 0.
 *
 * @throws RangeError for empty logits, no finite maximum (all `-Infinity` or NaN), or bad options.
 * @example
 * sampleIndex(Float32Array.of(0, 2, 1), { temperature: 0, random: Math.random }); // 1
 */
export function sampleIndex(logits: ArrayLike<number>, options: SamplingOptions): number {
  checkSamplingOptions(options);
  const n = logits.length;
  if (n === 0) throw new RangeError('logits must not be empty');
  const temperature = options.temperature ?? 1;
  const topP = options.topP ?? 1;
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[i]! > logits[best]!) best = i;
  const max = logits[best]!;
  if (max === -Infinity || Number.isNaN(max)) throw new RangeError('logits must contain a finite maximum');
  if (temperature === 0) return best;
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
  const u = options.random();
  if (topP < 1) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
    let cum = 0;
    let keep = 0;
    while (keep < n && cum < topP) cum += probs[order[keep++]!]!;
    let acc = 0;
    for (let j = 0; j < keep; j++) {
      acc += probs[order[j]!]! / cum;
      if (u < acc) return order[j]!;
    }
    for (let j = keep - 1; j >= 0; j--) if (probs[order[j]!]! > 0) return order[j]!;
    return order[keep - 1]!;
  }
  let cum = 0;
  for (let i = 0; i < n; i++) {
    cum += probs[i]!;
    if (u < cum) return i;
  }
  // Rounding can leave the sum a hair below 1: fall back to the last candidate with mass.
  for (let i = n - 1; i >= 0; i--) if (probs[i]! > 0) return i;
  return n - 1;
}

/**
 * Draw a token id from candidates `ids` with scores `logits` (same length); see `sampleIndex`.
 *
 * @throws RangeError when `ids` and `logits` differ in length, or as `sampleIndex`.
 * @example
 * sampleFromLogits(Uint32Array.of(7, 9), Float32Array.of(-1, -0.1), { temperature: 0, random: Math.random }); // 9
 */
export function sampleFromLogits(ids: ArrayLike<number>, logits: ArrayLike<number>, options: SamplingOptions): number {
  if (ids.length !== logits.length) throw new RangeError(`ids (${ids.length}) and logits (${logits.length}) differ in length`);
  return ids[sampleIndex(logits, options)]!;
}
