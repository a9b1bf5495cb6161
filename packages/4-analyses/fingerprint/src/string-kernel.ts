/**
 * A string kernel for MMD tests: the normalised spectrum kernel (Leslie, Eskin & Noble, "The
 * spectrum kernel: a string kernel for SVM protein classification", PSB 2002), i.e. the cosine of
 * two texts' character n-gram count vectors (n-grams hashed to 32 bits, see `_feature-hash.ts`).
 * It is positive semi-definite (an inner product of unit vectors) and k(x, x) = 1 for non-empty x.
 */
import { hashBag } from './_feature-hash.ts';
import { charNgrams } from './text-features.ts';

/** A text as a unit-norm sparse vector: ascending feature hashes and their weights. */
export interface SpectrumVector {
  readonly ids: Uint32Array;
  readonly weights: Float64Array;
}

/** Character n-gram orders of the kernel (3–5: long enough to see phrasing, short enough to match across inflections). */
export const KERNEL_MIN_N = 3;
export const KERNEL_MAX_N = 5;

/** Embed a text for the spectrum kernel; '' maps to the zero vector. O(length · log length). */
export function spectrumVector(text: string): SpectrumVector {
  const bag = hashBag(charNgrams(text, KERNEL_MIN_N, KERNEL_MAX_N));
  const ids = Uint32Array.from(bag.keys()).sort();
  let norm = 0;
  for (const c of bag.values()) norm += c * c;
  norm = Math.sqrt(norm);
  const weights = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) weights[i] = bag.get(ids[i]!)! / norm;
  return { ids, weights };
}

/**
 * k(x, y) = ⟨φ(x), φ(y)⟩ for unit vectors φ: in [0, 1]; 0 if either text is empty. A merge of two
 * sorted lists, O(|x| + |y|).
 *
 * @example
 * spectrumKernel(spectrumVector('abc'), spectrumVector('abc')); // 1 (up to rounding)
 */
export function spectrumKernel(x: SpectrumVector, y: SpectrumVector): number {
  const a = x.ids;
  const b = y.ids;
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.length && j < b.length) {
    const u = a[i]!;
    const v = b[j]!;
    if (u === v) s += x.weights[i++]! * y.weights[j++]!;
    else if (u < v) i++;
    else j++;
  }
  return s;
}
