/**
 * Per-probe similarity of each model's answers to an anchor model's (the teacher's), under every
 * measure. Every measure is a function of (this model's answers, the teacher's transcript) only,
 * the same function for every model, so swapping the suspect with a reference swaps their values:
 * the symmetry the paired test's null hypothesis rests on. That also makes every value memoisable
 * per (teacher, model) pair.
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
  'word-ngram': "cosine of TF-IDF word 1–2-gram vectors (IDF over the teacher's answers)",
  'char-ngram': "cosine of TF-IDF character 3–4-gram vectors (IDF over the teacher's answers)",
  mmd: 'minus MMD² to the teacher with the character-spectrum string kernel (Gao et al. 2025)',
  refusal: 'overlap of refusal-template profiles',
};

/** Samples per model used by the edit measure: its cost is quadratic in samples and in length. */
export const EDIT_MAX_SAMPLES = 4;

/** Document frequencies of features over the teacher's answers (every probe, every sample). */
export interface TeacherDocumentFrequencies {
  readonly documents: number;
  readonly words: ReadonlyMap<number, number>;
  readonly chars: ReadonlyMap<number, number>;
}

/**
 * TF-IDF cosine of each model's pooled bag (its samples summed) with the anchor's (model 0).
 * Inverse document frequencies come from the teacher's whole transcript, each answer a document:
 * n-grams the teacher uses everywhere ("the", "of the", "I'm") weigh little, its distinctive
 * wording weighs most, and the weight of a feature is the same whichever model is compared — the
 * measure is a function of (model, teacher) alone. Weights: (1 + ln tf)·(ln((1 + N)/(1 + df)) + 1).
 * Only the anchor's features contribute to a dot product with it, so the `ml-matrix` product is
 * models × (anchor's features); norms are taken over all of a model's features.
 */
function tfidfCosines(bags: readonly (readonly HashedBag[])[], df: ReadonlyMap<number, number>, documents: number): Float64Array {
  const weigh = (f: number, c: number) => (1 + Math.log(c)) * (Math.log((1 + documents) / (1 + (df.get(f) ?? 0))) + 1);
  const pooled = bags.map((model) => {
    if (model.length === 1) return model[0]!;
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

/** What `probeSimilarities` needs beyond one probe's answers: facts about the teacher's whole transcript. */
export interface SimilarityContext {
  /** Every distinct word 2–3-gram of the teacher's transcript (all probes). */
  readonly teacherPhrases: ReadonlySet<number>;
  readonly teacherDf: TeacherDocumentFrequencies;
  /** Use the unbiased MMD² estimator (every model has ≥ 2 samples on every probe). */
  readonly unbiasedMmd: boolean;
}

/** The context for an analysis whose teacher transcript has these features. */
export function createSimilarityContext(teacher: ReadonlyMap<string, ProbeFeatures>, unbiasedMmd: boolean): SimilarityContext {
  let facts = teacherFacts.get(teacher);
  if (!facts) {
    const teacherPhrases = new Set<number>();
    const words = new Map<number, number>();
    const chars = new Map<number, number>();
    let documents = 0;
    for (const { answers } of teacher.values())
      for (const a of answers) {
        documents++;
        for (const p of a.phrases) teacherPhrases.add(p);
        for (const f of a.words.keys()) words.set(f, (words.get(f) ?? 0) + 1);
        for (const f of a.chars.keys()) chars.set(f, (chars.get(f) ?? 0) + 1);
      }
    teacherFacts.set(teacher, (facts = { teacherPhrases, teacherDf: { documents, words, chars } }));
  }
  return { ...facts, unbiasedMmd };
}

const teacherFacts = new WeakMap<ReadonlyMap<string, ProbeFeatures>, Omit<SimilarityContext, 'unbiasedMmd'>>();


/**
 * Memo of measure values, keyed by the (cached, hence identity-stable) answer arrays of the
 * teacher and of the model: re-analysing the same transcripts against other panels — calibration
 * runs hundreds of analyses — costs only the tests.
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
    const key = `${measure}${measure === 'mmd' ? `:${context.unbiasedMmd}` : ''}`;
    const cached = answers.map((model) => {
      let c = byModel.get(model);
      if (!c) byModel.set(model, (c = new Map()));
      return c;
    });
    if (measure === 'word-ngram' || measure === 'char-ngram') {
      if (cached.some((c) => !c.has(key))) {
        const words = measure === 'word-ngram';
        const df = words ? context.teacherDf.words : context.teacherDf.chars;
        const v = tfidfCosines(answers.map((m) => m.map((a) => (words ? a.words : a.chars))), df, context.teacherDf.documents);
        cached.forEach((c, i) => c.set(key, v[i]!));
      }
      for (let i = 0; i < models; i++) sims[i] = cached[i]!.get(key)!;
    } else {
      for (let i = 0; i < models; i++) {
        let v = cached[i]!.get(key);
        if (v === undefined) cached[i]!.set(key, (v = pairwise(measure, answers[i]!, anchor, context)));
        sims[i] = v;
      }
    }
    out.set(measure, sims);
  }
  return out;
}
