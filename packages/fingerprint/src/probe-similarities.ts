/**
 * Per-probe similarity of each model's answers to an anchor model's (the teacher's), under every
 * measure. Every measure is a function of (this model's answers, the teacher's answers) only, the
 * same function for every model — except the TF-IDF weights, which are computed from all models
 * alike — so swapping the suspect with a reference swaps their values: the symmetry the paired
 * test's null hypothesis rests on.
 */
import { Matrix } from 'ml-matrix';
import { preparedEditSimilarity } from './edit-similarity.ts';
import { mmdSquared } from './mmd-test.ts';
import { type ProbeFeatures, type ResponseFeatures } from './response-features.ts';
import { type HashedBag } from './_feature-hash.ts';

export const MEASURES = ['phrases', 'edit', 'word-ngram', 'char-ngram', 'mmd', 'refusal'] as const;
export type MeasureName = (typeof MEASURES)[number];

export const MEASURE_DESCRIPTIONS: Readonly<Record<MeasureName, string>> = {
  phrases: "share of the answer's word 2–3-grams that occur anywhere in the teacher's transcript",
  edit: 'normalised edit similarity (Levenshtein) to the teacher, mean over sample pairs',
  'word-ngram': 'cosine of TF-IDF word 1–2-gram vectors',
  'char-ngram': 'cosine of TF-IDF character 3–4-gram vectors',
  mmd: 'minus MMD² with the character-spectrum string kernel (Gao et al. 2025)',
  refusal: 'overlap of refusal-template profiles',
};

/** Samples per model used by the edit measure: its cost is quadratic in samples and in length. */
export const EDIT_MAX_SAMPLES = 4;

/**
 * TF-IDF cosine of each model's pooled bag with the anchor's (model 0). Document frequencies
 * count each answer of each model as a document, so n-grams every model uses on this probe weigh
 * little and wording that tells models apart weighs most. Weights: (1 + ln tf)·(ln((1 + N)/(1 + df)) + 1).
 * Only the anchor's features can contribute to a dot product with it, so the `ml-matrix` product is
 * models × (anchor's features); norms are taken over all features.
 */
function tfidfCosines(bags: readonly (readonly HashedBag[])[]): Float64Array {
  const df = new Map<number, number>();
  let documents = 0;
  for (const model of bags)
    for (const bag of model) {
      documents++;
      for (const f of bag.keys()) df.set(f, (df.get(f) ?? 0) + 1);
    }
  const weigh = (f: number, c: number) => (1 + Math.log(c)) * (Math.log((1 + documents) / (1 + df.get(f)!)) + 1);
  const pooled = bags.map((model) => {
    const m = new Map<number, number>();
    for (const bag of model) for (const [f, c] of bag) m.set(f, (m.get(f) ?? 0) + c);
    return m;
  });
  const anchorFeatures = [...pooled[0]!.keys()];
  const out = new Float64Array(bags.length);
  if (anchorFeatures.length === 0) return out;
  const x = new Matrix(bags.length, anchorFeatures.length);
  const norms = new Float64Array(bags.length);
  pooled.forEach((m, i) => {
    let n = 0;
    for (const [f, c] of m) n += weigh(f, c) ** 2;
    norms[i] = Math.sqrt(n);
    anchorFeatures.forEach((f, j) => {
      const c = m.get(f);
      if (c !== undefined) x.set(i, j, weigh(f, c));
    });
  });
  const dots = x.mmul(x.getRowVector(0).transpose());
  for (let i = 0; i < bags.length; i++) {
    const d = norms[i]! * norms[0]!;
    out[i] = d > 0 ? dots.get(i, 0) / d : 0;
  }
  return out;
}

/** Σ_t min(p_a(t), p_b(t)) over the template profiles (share of samples matching each template). */
function profileOverlap(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): number {
  const share = (samples: readonly (readonly string[])[]) => {
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

function phraseHitRate(answers: readonly ResponseFeatures[], teacherPhrases: ReadonlySet<number>): number {
  let s = 0;
  for (const a of answers) {
    let hits = 0;
    for (const p of a.phrases) if (teacherPhrases.has(p)) hits++;
    s += a.phrases.length > 0 ? hits / a.phrases.length : 0;
  }
  return s / answers.length;
}

/** What `probeSimilarities` needs beyond one probe's answers. */
export interface SimilarityContext {
  /** Every distinct word 2–3-gram of the teacher's transcript (all probes). */
  readonly teacherPhrases: ReadonlySet<number>;
  /** Use the unbiased MMD² estimator (every model has ≥ 2 samples on every probe). */
  readonly unbiasedMmd: boolean;
}

/** The context for an analysis whose teacher transcript has these features. */
export function createSimilarityContext(teacher: ReadonlyMap<string, ProbeFeatures>, unbiasedMmd: boolean): SimilarityContext {
  const teacherPhrases = new Set<number>();
  for (const { answers } of teacher.values()) for (const a of answers) for (const p of a.phrases) teacherPhrases.add(p);
  return { teacherPhrases, unbiasedMmd };
}

/** Measures whose value for a model depends only on its answers and the teacher's (so can be memoised). */
const PAIRWISE: ReadonlySet<MeasureName> = new Set(['phrases', 'edit', 'mmd', 'refusal']);

/**
 * Memo of pairwise measures, keyed by the (cached, hence identity-stable) answer arrays of the
 * teacher and of the model: re-analysing the same transcripts against other panels — calibration
 * runs hundreds — recomputes only the panel-dependent TF-IDF measures.
 */
const memo = new WeakMap<readonly ResponseFeatures[], WeakMap<readonly ResponseFeatures[], Map<string, number>>>();

function pairwise(measure: MeasureName, model: readonly ResponseFeatures[], anchor: readonly ResponseFeatures[], context: SimilarityContext): number {
  switch (measure) {
    case 'phrases':
      return phraseHitRate(model, context.teacherPhrases);
    case 'edit': {
      const a = anchor.slice(0, EDIT_MAX_SAMPLES);
      const b = model.slice(0, EDIT_MAX_SAMPLES);
      let s = 0;
      for (const x of a) for (const y of b) s += preparedEditSimilarity(x.editText, y.editText);
      return s / (a.length * b.length);
    }
    case 'mmd':
      return -mmdSquared(
        model.map((a) => a.spectrum),
        anchor.map((a) => a.spectrum),
        context.unbiasedMmd,
      );
    case 'refusal':
      return profileOverlap(
        model.map((a) => a.refusals),
        anchor.map((a) => a.refusals),
      );
    default:
      throw new RangeError(`${measure} is not a pairwise measure`);
  }
}

/**
 * Similarity of every model's answers to the anchor's (model 0) on one probe, for each measure.
 * Entry 0 (the anchor with itself) is computed like the others and not used.
 *
 * @throws RangeError if a model has no answer.
 */
export function probeSimilarities(
  answers: readonly (readonly ResponseFeatures[])[],
  measures: readonly MeasureName[],
  context: SimilarityContext,
): Map<MeasureName, Float64Array> {
  const models = answers.length;
  answers.forEach((a, i) => {
    if (a.length === 0) throw new RangeError(`model ${i} has no answer to this probe`);
  });
  const anchor = answers[0]!;
  let byModel = memo.get(anchor);
  if (!byModel) memo.set(anchor, (byModel = new WeakMap()));
  const out = new Map<MeasureName, Float64Array>();
  for (const measure of measures) {
    const sims = new Float64Array(models);
    if (PAIRWISE.has(measure)) {
      const key = `${measure}${measure === 'mmd' ? `:${context.unbiasedMmd}` : ''}`;
      for (let i = 0; i < models; i++) {
        const model = answers[i]!;
        let cached = byModel.get(model);
        if (!cached) byModel.set(model, (cached = new Map()));
        let v = cached.get(key);
        if (v === undefined) cached.set(key, (v = pairwise(measure, model, anchor, context)));
        sims[i] = v;
      }
    } else {
      sims.set(tfidfCosines(answers.map((m) => m.map((a) => (measure === 'word-ngram' ? a.words : a.chars)))));
    }
    out.set(measure, sims);
  }
  return out;
}
