/**
 * A string kernel for MMD tests: the normalised spectrum kernel (Leslie, Eskin & Noble, "The
 * spectrum kernel: a string kernel for SVM protein classification", PSB 2002), i.e. the cosine of
 * two texts' character n-gram count vectors. It is positive semi-definite (an inner product of
 * unit vectors), k(x, x) = 1 for non-empty x, and cheap: texts are embedded once as sparse
 * vectors over interned n-gram ids and each kernel value is a merge of two sorted lists.
 */
import { charNgrams } from './text-features.ts';

/** A text as a unit-norm sparse vector: ascending feature ids and their weights. */
export interface SpectrumVector {
  readonly ids: Uint32Array;
  readonly weights: Float64Array;
}

/** Character n-gram orders of the kernel (3–5: long enough to see phrasing, short enough to match across inflections). */
export const KERNEL_MIN_N = 3;
export const KERNEL_MAX_N = 5;

/** Interns n-gram strings to ids, shared by every text of one analysis. */
export class FeatureInterner {
  private readonly ids = new Map<string, number>();
  id(feature: string): number {
    let i = this.ids.get(feature);
    if (i === undefined) this.ids.set(feature, (i = this.ids.size));
    return i;
  }
  get size(): number {
    return this.ids.size;
  }
}

/** Embed a text for the spectrum kernel. The empty text maps to the zero vector. */
export function spectrumVector(text: string, interner: FeatureInterner): SpectrumVector {
  const bag = charNgrams(text, KERNEL_MIN_N, KERNEL_MAX_N);
  const entries = [...bag].map(([f, c]) => [interner.id(f), c] as const).sort((a, b) => a[0] - b[0]);
  let norm = 0;
  for (const [, c] of entries) norm += c * c;
  norm = Math.sqrt(norm);
  const ids = new Uint32Array(entries.length);
  const weights = new Float64Array(entries.length);
  entries.forEach(([i, c], j) => {
    ids[j] = i;
    weights[j] = c / norm;
  });
  return { ids, weights };
}

/**
 * k(x, y) = ⟨φ(x), φ(y)⟩ for unit vectors φ: in [0, 1]; 0 if either text is empty. O(|x| + |y|).
 *
 * @example
 * const t = new FeatureInterner();
 * spectrumKernel(spectrumVector('abc', t), spectrumVector('abc', t)); // 1
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
