/**
 * Per-probe similarity of each model's answers to an anchor model's (the teacher's), under every
 * measure: normalised edit similarity, TF-IDF-weighted word and character n-gram cosine (rows of
 * an `ml-matrix` matrix), negative MMD² with the spectrum string kernel, and refusal-template
 * overlap. Every measure is a symmetric function of the models other than the anchor, so swapping
 * the suspect with a reference swaps their values — the symmetry the paired test's null rests on.
 */
import { Matrix } from 'ml-matrix';
import { editSimilarity } from './edit-similarity.ts';
import { mmdSquared } from './mmd-test.ts';
import { matchRefusalTemplates } from './refusal-templates.ts';
import { FeatureInterner, type SpectrumVector, spectrumVector } from './string-kernel.ts';
import { charNgrams, type FeatureBag, wordNgrams } from './text-features.ts';

export const MEASURES = ['edit', 'word-ngram', 'char-ngram', 'mmd', 'refusal'] as const;
export type MeasureName = (typeof MEASURES)[number];

export const MEASURE_DESCRIPTIONS: Readonly<Record<MeasureName, string>> = {
  edit: 'normalised edit similarity (Levenshtein), mean over sample pairs',
  'word-ngram': 'cosine of TF-IDF word 1–2-gram vectors',
  'char-ngram': 'cosine of TF-IDF character 3–4-gram vectors',
  mmd: 'minus MMD² with the character-spectrum string kernel (Gao et al. 2025)',
  refusal: 'overlap of refusal-template profiles',
};

/** Samples per model used by the edit measure: its cost is quadratic in samples and in length. */
export const EDIT_MAX_SAMPLES = 4;

/** One probe's answers: `texts[i]` are model i's samples; model 0 is the anchor. */
export interface ProbeAnswers {
  readonly texts: readonly (readonly string[])[];
}

/** Shared state of one analysis (interned kernel features). */
export interface SimilarityContext {
  readonly interner: FeatureInterner;
  /** Use the unbiased MMD² estimator (every model has ≥ 2 samples on every probe). */
  readonly unbiasedMmd: boolean;
}

export function createSimilarityContext(unbiasedMmd: boolean): SimilarityContext {
  return { interner: new FeatureInterner(), unbiasedMmd };
}

/**
 * TF-IDF cosine of each model's pooled bag with the anchor's. Document frequencies count each
 * sample of each model as a document, so n-grams every model uses on this probe weigh little and
 * the wording that distinguishes models weighs most. Weights: (1 + ln tf)·(ln((1 + N)/(1 + df)) + 1).
 */
function tfidfCosines(bagsPerSample: readonly (readonly FeatureBag[])[]): Float64Array {
  const df = new Map<string, number>();
  let documents = 0;
  for (const model of bagsPerSample)
    for (const bag of model) {
      documents++;
      for (const f of bag.keys()) df.set(f, (df.get(f) ?? 0) + 1);
    }
  const column = new Map<string, number>();
  for (const f of df.keys()) column.set(f, column.size);
  const models = bagsPerSample.length;
  const out = new Float64Array(models);
  if (column.size === 0) return out;
  const x = new Matrix(models, column.size);
  bagsPerSample.forEach((model, i) => {
    const pooled = new Map<string, number>();
    for (const bag of model) for (const [f, c] of bag) pooled.set(f, (pooled.get(f) ?? 0) + c);
    for (const [f, c] of pooled) {
      const idf = Math.log((1 + documents) / (1 + df.get(f)!)) + 1;
      x.set(i, column.get(f)!, (1 + Math.log(c)) * idf);
    }
  });
  const norms = rowNorms(x);
  const dots = x.mmul(x.getRowVector(0).transpose());
  for (let i = 0; i < models; i++) {
    const denominator = norms[i]! * norms[0]!;
    out[i] = denominator > 0 ? dots.get(i, 0) / denominator : 0;
  }
  return out;
}

function rowNorms(x: Matrix): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) out[i] = x.getRowVector(i).norm('frobenius');
  return out;
}

/** Σ_t min(p_a(t), p_b(t)) over the template profiles (share of samples matching each template). */
function profileOverlap(a: readonly string[][], b: readonly string[][]): number {
  const share = (samples: readonly string[][]) => {
    const m = new Map<string, number>();
    for (const s of samples) for (const t of s) m.set(t, (m.get(t) ?? 0) + 1 / samples.length);
    return m;
  };
  const pa = share(a);
  const pb = share(b);
  let s = 0;
  for (const [t, v] of pa) s += Math.min(v, pb.get(t) ?? 0);
  return s;
}

/**
 * Similarity of every model's answers to the anchor's on one probe, for each measure in `measures`.
 * Entry 0 (the anchor with itself) is not meaningful and is left as computed.
 *
 * @throws RangeError if a model has no answer.
 */
export function probeSimilarities(
  answers: ProbeAnswers,
  measures: readonly MeasureName[],
  context: SimilarityContext,
): Map<MeasureName, Float64Array> {
  const { texts } = answers;
  const models = texts.length;
  texts.forEach((t, i) => {
    if (t.length === 0) throw new RangeError(`model ${i} has no answer to this probe`);
  });
  const out = new Map<MeasureName, Float64Array>();
  const anchor = texts[0]!;
  for (const measure of measures) {
    const sims = new Float64Array(models);
    switch (measure) {
      case 'edit': {
        const a = anchor.slice(0, EDIT_MAX_SAMPLES);
        for (let i = 0; i < models; i++) {
          const b = texts[i]!.slice(0, EDIT_MAX_SAMPLES);
          let s = 0;
          for (const x of a) for (const y of b) s += editSimilarity(x, y);
          sims[i] = s / (a.length * b.length);
        }
        break;
      }
      case 'word-ngram':
        sims.set(tfidfCosines(texts.map((m) => m.map((t) => wordNgrams(t, 1, 2)))));
        break;
      case 'char-ngram':
        sims.set(tfidfCosines(texts.map((m) => m.map((t) => charNgrams(t, 3, 4)))));
        break;
      case 'mmd': {
        const vectors: SpectrumVector[][] = texts.map((m) => m.map((t) => spectrumVector(t, context.interner)));
        for (let i = 0; i < models; i++) sims[i] = -mmdSquared(vectors[i]!, vectors[0]!, context.unbiasedMmd);
        break;
      }
      case 'refusal': {
        const profiles = texts.map((m) => m.map((t) => matchRefusalTemplates(t)));
        for (let i = 0; i < models; i++) sims[i] = profileOverlap(profiles[i]!, profiles[0]!);
        break;
      }
    }
    out.set(measure, sims);
  }
  return out;
}
