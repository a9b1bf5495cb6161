/**
 * Maximum mean discrepancy between two models' answers with a string kernel, as in Gao, Liang &
 * Guestrin, "Model Equality Testing: Which Model Is This API Serving?" (ICLR 2025): samples are
 * (prompt, completion) pairs, the kernel is 1[same prompt]·k(completion, completion′), and the
 * unbiased MMD² (Gretton et al., "A Kernel Two-Sample Test", JMLR 2012, eq. 3) is referred to its
 * permutation distribution. Here k is the normalised character-spectrum kernel.
 *
 * Two uses: `mmdSquared` is a per-probe distance (the "mmd" measure of the paired test), and
 * `mmdTest` is the two-sample test of "the suspect answers like the teacher itself".
 */
import { createRng, type PValue, pValueFromProbability } from '@tracemark/stats';
import { type SpectrumVector, spectrumKernel } from './string-kernel.ts';

/**
 * MMD² between two sets of embedded texts.
 *
 * Unbiased (U-statistic: within-set sums skip the diagonal) when both sets have ≥ 2 texts and
 * `unbiased` is set; otherwise the biased V-statistic, which includes k(x, x). O((m + n)²) kernel
 * evaluations.
 *
 * @throws RangeError if either set is empty.
 */
export function mmdSquared(x: readonly SpectrumVector[], y: readonly SpectrumVector[], unbiased = true): number {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('mmdSquared needs at least one text on each side');
  const u = unbiased && m >= 2 && n >= 2;
  const within = (s: readonly SpectrumVector[]): number => {
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      if (!u) sum += spectrumKernel(s[i]!, s[i]!);
      for (let j = i + 1; j < s.length; j++) sum += 2 * spectrumKernel(s[i]!, s[j]!);
    }
    return u ? sum / (s.length * (s.length - 1)) : sum / (s.length * s.length);
  };
  let cross = 0;
  for (const a of x) for (const b of y) cross += spectrumKernel(a, b);
  return within(x) + within(y) - (2 * cross) / (m * n);
}

/** The texts two models gave to one probe. */
export interface MmdGroup {
  readonly x: readonly SpectrumVector[];
  readonly y: readonly SpectrumVector[];
}

export interface MmdTestResult {
  /** Unbiased MMD² over all probes with the prompt-indicator kernel. */
  readonly statistic: number;
  /** Permutation p-value (1 + #{T* ≥ T}) / (1 + B): valid at every B, never 0. */
  readonly pValue: PValue;
  readonly permutations: number;
  readonly probes: number;
}

export interface MmdTestOptions {
  /** Label permutations B; default 999. The smallest reachable p-value is 1/(B + 1). */
  readonly permutations?: number;
  readonly seed?: number;
}

/**
 * Test H0: the two models' answer distributions are equal on every probe, against "they differ".
 *
 * Method: each probe's texts are embedded once and its (m_p + n_p)² kernel matrix computed; the
 * statistic sums within-x, within-y and cross terms over probes. Labels are permuted within each
 * probe (the prompt-indicator kernel makes probes independent strata), which is exact under H0.
 * O(Σ_p (m_p + n_p)²·(B + 1)).
 *
 * @throws RangeError if there are fewer than 2 texts on a side in total, or B < 1.
 */
export function mmdTest(groups: readonly MmdGroup[], options: MmdTestOptions = {}): MmdTestResult {
  const permutations = options.permutations ?? 999;
  if (!Number.isInteger(permutations) || permutations < 1) throw new RangeError(`permutations must be a positive integer, got ${permutations}`);
  const random = createRng(options.seed ?? 0x5eed);
  const usable = groups.filter((g) => g.x.length > 0 && g.y.length > 0);
  let m = 0;
  let n = 0;
  const blocks = usable.map((g) => {
    const items = [...g.x, ...g.y];
    const size = items.length;
    const k = new Float64Array(size * size);
    for (let i = 0; i < size; i++) {
      for (let j = i + 1; j < size; j++) {
        const v = spectrumKernel(items[i]!, items[j]!);
        k[i * size + j] = v;
        k[j * size + i] = v;
      }
    }
    m += g.x.length;
    n += g.y.length;
    return { size, mx: g.x.length, k };
  });
  if (m < 2 || n < 2) throw new RangeError(`an MMD test needs at least 2 texts per model, got ${m} and ${n}`);
  const statistic = (labels: Uint8Array[]): number => {
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    blocks.forEach((b, bi) => {
      const lab = labels[bi]!;
      for (let i = 0; i < b.size; i++) {
        for (let j = i + 1; j < b.size; j++) {
          const v = b.k[i * b.size + j]!;
          if (lab[i] === lab[j]) {
            if (lab[i] === 1) sxx += v;
            else syy += v;
          } else sxy += v;
        }
      }
    });
    return (2 * sxx) / (m * (m - 1)) + (2 * syy) / (n * (n - 1)) - (2 * sxy) / (m * n);
  };
  const labels = blocks.map((b) => {
    const l = new Uint8Array(b.size);
    l.fill(1, 0, b.mx);
    return l;
  });
  const observed = statistic(labels);
  let atLeast = 0;
  for (let r = 0; r < permutations; r++) {
    for (const l of labels) {
      for (let i = l.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const t = l[i]!;
        l[i] = l[j]!;
        l[j] = t;
      }
    }
    // A relative tolerance keeps permutations that reproduce the observed split (ties) counted.
    if (statistic(labels) >= observed - 1e-12 * Math.abs(observed)) atLeast++;
  }
  return { statistic: observed, pValue: pValueFromProbability((1 + atLeast) / (1 + permutations)), permutations, probes: blocks.length };
}
