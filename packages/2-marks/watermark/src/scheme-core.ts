/**
 * What every scheme provides: the embedding half (`Watermarker`) and the detection half, a score
 * per position plus the identity of the pseudo-random function's input at that position.
 *
 * Detection scores each distinct PRF input once. Two positions with the same PRF input receive the
 * same pseudo-random value, so counting both would add a perfectly correlated observation and
 * repetitive human text would look watermarked; deduplicating on the PRF input keeps the scored
 * values independent under the null hypothesis, which is what makes the binomial and gamma tails
 * exact. For most schemes the PRF input is (previous h tokens, token); for Unigram it is the token;
 * for KGW self-hash it is (min-hash value, token).
 */
import { mix32, seedContext } from './prf.ts';
import { type Watermarker } from './types.ts';

export interface SchemeCore extends Watermarker {
  /** h: positions before index h have no complete context and are never scored. */
  readonly contextWidth: number;
  /** `binomial`: score counts successes of `trialsPerTuple` Bernoulli(nullProbability) trials per tuple. `gamma`: each tuple scores an Exp(1) variable (or one stochastically smaller). */
  readonly statistic: 'binomial' | 'gamma';
  readonly trialsPerTuple: number;
  readonly nullProbability: number;
  /** Score position `i` (`i ≥ contextWidth`); writes the PRF input's 64-bit identity into `keyOut`. */
  scoreAt(tokens: Uint32Array, i: number, keyOut: Uint32Array): number;
  /**
   * Optional batch form of `scoreAt` for positions `from … to-1` (`from ≥ contextWidth`): position
   * `from + j` writes its identity to `ids[2j], ids[2j+1]` and its score to `scores[j]`, exactly
   * the values `scoreAt` gives (`scheme-core.test.ts` compares both).
   */
  scoreRange?(tokens: Uint32Array, from: number, to: number, ids: Uint32Array, scores: Float64Array): void;
}

/** `core.scoreRange`, or `scoreAt` position by position for a scheme without the batch form. */
export function scoreRange(core: SchemeCore, tokens: Uint32Array, from: number, to: number, ids: Uint32Array, scores: Float64Array): void {
  if (core.scoreRange) return core.scoreRange(tokens, from, to, ids, scores);
  const id = new Uint32Array(2);
  for (let i = from, j = 0; i < to; i++, j++) {
    scores[j] = core.scoreAt(tokens, i, id);
    ids[2 * j] = id[0]!;
    ids[2 * j + 1] = id[1]!;
  }
}

/** Fixed words (hex digits of π) for the unkeyed tuple identity: the same for every key. */
export const UNKEYED = Uint32Array.of(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344);

/** Unkeyed 64-bit identity of the window tokens[i-h..i-1] alone (the context that seeds position i). */
export function windowIdentity(tokens: Uint32Array, i: number, h: number, out: Uint32Array): void {
  seedContext(UNKEYED, tokens, i, h, out);
  out[1] = mix32(out[1]! ^ h);
}

/** Unkeyed 64-bit identity of (tokens[i-h..i-1], tokens[i]). Independent of the watermark key, so
 * the set of scored tuples is the same under every key. */
export function tupleIdentity(tokens: Uint32Array, i: number, h: number, out: Uint32Array): void {
  const t = tokens[i]!;
  if (h === 0) {
    out[0] = mix32(Math.imul(t + 1, 0x9e3779b9) ^ UNKEYED[0]!);
    out[1] = t;
    return;
  }
  seedContext(UNKEYED, tokens, i, h, out);
  out[0] = mix32(out[0]! ^ Math.imul(t + 1, 0x9e3779b9));
  out[1] = mix32(out[1]! + Math.imul(t ^ 0x7f4a7c15, 0xcc9e2d51));
}

/**
 * True when the last `h` tokens of `context` already occurred as a window earlier in `context`.
 * Distortion-free schemes choose deterministically given (context, key), so a repeated context
 * would repeat the same choice and push the text into loops; like SynthID's repeated-context
 * masking, they sample plainly at such steps, which keeps every step's distribution unchanged
 * across the whole sequence. O(length) per step with early exits.
 */
export function contextRepeats(context: Uint32Array, h: number): boolean {
  const n = context.length;
  if (n <= h) return false;
  const last = context[n - 1]!;
  for (let end = n - 1; end >= h; end--) {
    if (context[end - 1] !== last) continue;
    let j = 1;
    while (j < h && context[end - 1 - j] === context[n - 1 - j]) j++;
    if (j === h) return true;
  }
  return false;
}
