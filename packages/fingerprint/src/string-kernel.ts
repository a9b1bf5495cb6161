/**
 * A string kernel for MMD tests: the normalised spectrum kernel (Leslie, Eskin & Noble, "The
 * spectrum kernel: a string kernel for SVM protein classification", PSB 2002), i.e. the cosine of
 * two texts' character n-gram count vectors. It is positive semi-definite (an inner product of
 * unit vectors) and k(x, x) = 1 for non-empty x.
 */
import { charNgrams } from './text-features.ts';

/** A text as a unit-norm sparse vector over its character n-grams (the zero vector for ''). */
export type SpectrumVector = ReadonlyMap<string, number>;

/** Character n-gram orders of the kernel (3–5: long enough to see phrasing, short enough to match across inflections). */
export const KERNEL_MIN_N = 3;
export const KERNEL_MAX_N = 5;

/** Embed a text for the spectrum kernel. O(length). */
export function spectrumVector(text: string): SpectrumVector {
  const bag = charNgrams(text, KERNEL_MIN_N, KERNEL_MAX_N);
  let norm = 0;
  for (const c of bag.values()) norm += c * c;
  norm = Math.sqrt(norm);
  for (const [f, c] of bag) bag.set(f, c / norm);
  return bag;
}

/**
 * k(x, y) = ⟨φ(x), φ(y)⟩ for unit vectors φ: in [0, 1]; 0 if either text is empty.
 * O(min(|x|, |y|)) map look-ups.
 *
 * @example
 * spectrumKernel(spectrumVector('abc'), spectrumVector('abc')); // 1 (up to rounding)
 */
export function spectrumKernel(x: SpectrumVector, y: SpectrumVector): number {
  const [small, large] = x.size <= y.size ? [x, y] : [y, x];
  let s = 0;
  for (const [f, w] of small) {
    const v = large.get(f);
    if (v !== undefined) s += w * v;
  }
  return s;
}
