/**
 * Open-model radioactivity tests (Sander et al. 2024, §5 "reading mode"): when the suspect exposes
 * next-token probabilities, teacher-force text through it — no generation — and test whether its
 * predictions favour the teacher's green tokens.
 *
 * - Reading mode (top-1): at each position the suspect's most likely next token is scored under the
 *   key; distinct (window, predicted token) tuples are scored once; exact binomial/gamma tail.
 * - Probability mass: the suspect's probability on each candidate is summed per distinct PRF input
 *   (so repeated inputs share one pseudo-random value), and S = Σ_u w_u·X_u is tested with a
 *   Chernoff bound (see chernoff-tail.ts).
 *
 * Validity: tuples that occur anywhere in the forced text (or the prompts) are never scored. The
 * text may itself be watermarked, and any model — innocent or not — can copy a phrase it has just
 * read; excluding the text's own tuples removes that path, so under the null hypothesis every
 * scored value is independent of what the suspect saw.
 */
import { createSchemeCore, type SchemeCore, type TupleSet, type WatermarkKey } from '@tracemark/watermark';
import { pValueFromLn, type PValue } from '@tracemark/stats';
import { type AuditTest, exactTest, verdictText } from './audit-test.ts';
import { chernoffUpperTail, type NullDistribution, nullMean } from './chernoff-tail.ts';
import { collectTuples } from './tuples.ts';
import { TupleSet as Tuples } from '@tracemark/watermark';

/**
 * Top-k next-token predictions: ids and natural-log probabilities. Sync or async (endpoints,
 * engines). A predictor over HTTP may offer `prepare`, called once with every text before the
 * positions are asked one by one, so it can ask a server for whole windows in parallel (one vLLM
 * request answers every position of a window) instead of one round trip per position.
 */
export type NextTokenPredictor = ((context: Uint32Array, k: number) => { ids: Uint32Array; logProbs: Float64Array } | Promise<{ ids: Uint32Array; logProbs: Float64Array }>) & {
  readonly prepare?: (texts: readonly Uint32Array[], k: number) => Promise<void>;
};

export interface OpenModelOptions {
  readonly alpha: number;
  /** Candidates per position for the mass test (default 20). */
  readonly topK?: number;
  /** Extra tuples never to score (e.g. the prompts'). */
  readonly exclude?: TupleSet;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface OpenModelResult {
  readonly reading: AuditTest;
  readonly mass: AuditTest;
  readonly positions: number;
}

function nullOf(core: SchemeCore): NullDistribution {
  if (core.statistic === 'gamma') return { kind: 'exponential' };
  if (core.trialsPerTuple === 1) return { kind: 'bernoulli', p: core.nullProbability };
  return { kind: 'binomial', trials: core.trialsPerTuple, p: core.nullProbability };
}

export async function openModelTest(
  key: WatermarkKey,
  predict: NextTokenPredictor,
  texts: readonly Uint32Array[],
  options: OpenModelOptions,
): Promise<OpenModelResult> {
  const core = createSchemeCore(key);
  const h = core.contextWidth;
  const k = options.topK ?? 20;
  const excluded = collectTuples(core, texts, new Tuples(8192));
  if (options.exclude) for (const [lo, hi] of options.exclude.entries()) excluded.add(lo, hi);
  const readingSeen = new Tuples(8192);
  let readingScored = 0;
  let readingScore = 0;
  // Mass test: weight and score per distinct PRF input.
  const weightOf = new Map<string, number>();
  const scoreOf = new Map<string, number>();
  const scratch = new Uint32Array(h + 1);
  const id = new Uint32Array(2);
  const total = texts.reduce((a, t) => a + Math.max(0, t.length - h), 0);
  let done = 0;
  await predict.prepare?.(texts, k);
  for (const text of texts) {
    for (let i = h; i < text.length; i++) {
      const { ids, logProbs } = await predict(text.subarray(0, i), k);
      for (let j = 0; j < h; j++) scratch[j] = text[i - h + j]!;
      let best = 0;
      for (let c = 0; c < ids.length; c++) {
        if (logProbs[c]! > logProbs[best]!) best = c;
        scratch[h] = ids[c]!;
        const s = core.scoreAt(scratch, h, id);
        if (excluded.has(id[0]!, id[1]!)) continue;
        const key2 = `${id[0]},${id[1]}`;
        weightOf.set(key2, (weightOf.get(key2) ?? 0) + Math.exp(logProbs[c]!));
        scoreOf.set(key2, s);
      }
      if (ids.length > 0) {
        scratch[h] = ids[best]!;
        const s = core.scoreAt(scratch, h, id);
        if (!excluded.has(id[0]!, id[1]!) && readingSeen.add(id[0]!, id[1]!)) {
          readingScored++;
          readingScore += s;
        }
      }
      options.onProgress?.(++done, total);
    }
  }
  const reading = exactTest(core, 'open-model-reading', "suspect's top-1 prediction on teacher-forced text, distinct tuples scored once", readingScored, readingScore, options.alpha);

  const weights = new Float64Array(weightOf.size);
  let s = 0;
  let wSum = 0;
  let j = 0;
  for (const [u, w] of weightOf) {
    weights[j++] = w;
    s += w * scoreOf.get(u)!;
    wSum += w;
  }
  const d = nullOf(core);
  const tail: PValue = weightOf.size > 0 ? chernoffUpperTail(weights, s, d) : pValueFromLn(0);
  const perTrial = d.kind === 'binomial' ? d.trials : 1;
  const rate = wSum > 0 ? s / wSum / perTrial : 0;
  const expectedRate = nullMean(d) / perTrial;
  const detected = tail.log10PValue < Math.log10(options.alpha);
  const mass: AuditTest = {
    name: 'open-model-mass',
    description: "suspect's predicted probability mass on green tokens (per distinct PRF input), Chernoff bound",
    method: 'chernoff-bound',
    scored: weightOf.size,
    score: s,
    rate,
    expectedRate,
    effect: rate - expectedRate,
    confidenceInterval: null,
    minimumDetectableRate: null,
    pValue: tail.pValue,
    log10PValue: tail.log10PValue,
    alpha: options.alpha,
    detected,
    verdict: verdictText(detected, tail.log10PValue, weightOf.size, null, expectedRate),
  };
  return { reading, mass, positions: done };
}
