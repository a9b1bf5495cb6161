/**
 * Robustness and text quality of every scheme under every attack, on the reference model:
 * - the order-4 n-gram model trained on the State of the Union training split generates N
 *   watermarked ~200-token samples per scheme (default parameters, top-k 50, T = 1) from
 *   held-out six-word prompts, and N unwatermarked ones as the baseline;
 * - each attack of `@tracemark/attacks` is applied at several strengths, and detection (exact
 *   p-value, default normalizers, no prompt) reports the true-positive rate at FPR 1e-3 and the
 *   median number of tokens after which p < 1e-3;
 * - the FPR is checked empirically on held-out human text chunks and on unwatermarked output;
 * - the normalizers' effect is shown beside the trivial attacks they target;
 * - text quality is the perplexity of each scheme's output under the (unwatermarked) generator.
 * Samples per scheme: TRACEMARK_BENCH_ATTACK_SAMPLES (default 100), spread over
 * TRACEMARK_BENCH_ATTACK_KEYS keys (default 10). A robustness figure from one key is an anecdote:
 * how a green list meets an attack's substitutions depends on the key (Unigram after 30% synonyms
 * went from 71% on one key to 14–38% over five), so each cell reports the mean TPR over keys and
 * the range of the per-key TPRs.
 */
import {
  changeCase,
  changeWhitespace,
  copyPaste,
  deleteWords,
  generateWithEmojiAttack,
  insertInvisible,
  insertWords,
  changePunctuation,
  regenerateSpans,
  substituteHomoglyphs,
  substituteSynonyms,
  truncate,
} from '@tracemark/attacks';
import { builtinPrompts, chunkTokens, loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { generate, type NgramModel, perplexity, trainNgram } from '@tracemark/models';
import { binomialUpperCritical } from '@tracemark/stats';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import {
  createDetector,
  createWatermarker,
  type Detector,
  generateKey,
  normalizeText,
  type ParamOverrides,
  type SchemeName,
  type Watermarker,
} from '@tracemark/watermark';
import { type BenchSection, fmt, markdownTable } from './lib.ts';

const SAMPLES = Number(process.env.TRACEMARK_BENCH_ATTACK_SAMPLES ?? 100);
const KEYS = Number(process.env.TRACEMARK_BENCH_ATTACK_KEYS ?? 10);
const TOKENS = 200;
const ALPHA = 1e-3;
/** Prefix lengths scanned for "tokens needed": every STEP tokens. */
const STEP = 10;
const HUMAN_CHUNKS = 2000;
/** Keys whose false positives on human text are counted, per scheme. */
const FPR_KEYS = 8;

const CONFIGS: { label: string; scheme: SchemeName; params: ParamOverrides }[] = [
  { label: 'kgw h=1', scheme: 'kgw', params: { context: 1 } },
  { label: 'kgw selfhash h=4', scheme: 'kgw', params: { context: 4, seeding: 'selfhash' } },
  { label: 'unigram', scheme: 'unigram', params: {} },
  { label: 'gumbel h=4', scheme: 'gumbel', params: {} },
  { label: 'synthid h=4 m=30', scheme: 'synthid', params: {} },
];

interface Sample {
  readonly index: number;
  readonly prompt: Uint32Array;
  readonly tokens: Uint32Array;
  readonly text: string;
}

interface Context {
  readonly model: NgramModel;
  readonly watermarker: Watermarker;
  readonly human: readonly string[];
}

interface BenchAttack {
  readonly label: string;
  /** Detection restored by the normalizers is shown for these (the trivial attacks). */
  readonly trivial?: boolean;
  apply(s: Sample, c: Context): string;
}

const text = (f: (t: string, o: { strength: number; seed: number }) => { text: string }, strength: number) => (s: Sample) =>
  f(s.text, { strength, seed: s.index }).text;

const ATTACK_ROWS: BenchAttack[] = [
  { label: 'none', apply: (s) => s.text },
  ...[0.1, 0.3, 0.5].map((x) => ({ label: `delete words ${x * 100}%`, apply: text(deleteWords, x) })),
  ...[0.1, 0.3, 0.5].map((x) => ({ label: `insert words ${x * 100}%`, apply: text(insertWords, x) })),
  ...[0.1, 0.3, 0.5].map((x) => ({ label: `synonyms ${x * 100}%`, apply: text(substituteSynonyms, x) })),
  ...[0.5, 1].map((x) => ({ label: `punctuation ${x * 100}%`, apply: text(changePunctuation, x) })),
  ...[0.25, 0.5, 1].map((x) => ({ label: `case (mixed) ${x * 100}%`, trivial: x === 0.5, apply: text(changeCase, x) })),
  { label: 'case: all upper', trivial: true, apply: (s) => changeCase(s.text, { strength: 1, seed: s.index, mode: 'upper' }).text },
  ...[0.5, 1].map((x) => ({ label: `whitespace ${x * 100}%`, trivial: x === 1, apply: text(changeWhitespace, x) })),
  ...[0.05, 0.2].map((x) => ({ label: `invisible ${x} per char`, trivial: x === 0.2, apply: text(insertInvisible, x) })),
  ...[0.1, 0.3].map((x) => ({ label: `homoglyphs ${x * 100}%`, trivial: x === 0.3, apply: text(substituteHomoglyphs, x) })),
  { label: 'fullwidth letters 50%', trivial: true, apply: (s) => substituteHomoglyphs(s.text, { strength: 0.5, seed: s.index, style: 'fullwidth' }).text },
  ...[0.5, 0.75].map((x) => ({ label: `truncate ${x * 100}%`, apply: text(truncate, x) })),
  ...[0.5, 0.25, 0.1].map((f) => ({
    label: `copy-paste ${f * 100}% watermarked`,
    apply: (s: Sample, c: Context) => copyPaste(s.text, c.human[s.index % c.human.length]!, f, s.index).text,
  })),
  ...[0.1, 0.3, 0.5].map((x) => ({
    label: `regenerate ${x * 100}% (8-token spans)`,
    apply: (s: Sample, c: Context) => c.model.tokenizer.decode(regenerateSpans(s.tokens, c.model, x, s.index, { prompt: s.prompt }).tokens),
  })),
  ...[0.5, 1].map((x) => ({
    label: `emoji ${x === 1 ? 'after every word' : `after ${x * 100}% of words`}`,
    apply: (s: Sample, c: Context) =>
      generateWithEmojiAttack(c.model, { prompt: s.prompt, maxTokens: TOKENS, seed: `bench/${s.index}`, watermarker: c.watermarker, strength: x }).text,
  })),
];

interface Outcome {
  readonly detected: boolean;
  /** Shortest prefix (in steps of STEP tokens) with p < ALPHA; Infinity when none. */
  readonly needed: number;
}

function score(detector: Detector, tokenizer: Tokenizer, attacked: string, normalize: boolean, withNeeded: boolean): Outcome {
  const ids = tokenizer.encode(normalize ? normalizeText(attacked).text : attacked);
  const detected = detector.detect(ids).aggregate.pValue < ALPHA;
  let needed = Infinity;
  if (detected && withNeeded) {
    for (let n = STEP; n < ids.length + STEP; n += STEP) {
      if (detector.detect(ids.subarray(0, Math.min(n, ids.length))).aggregate.pValue < ALPHA) {
        needed = Math.min(n, ids.length);
        break;
      }
    }
  }
  return { detected, needed };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(0)}%`;

/** Mean of per-key rates (each key has the same number of samples ± 1) and their range. */
function overKeys(hits: readonly number[], sizes: readonly number[]): { mean: string; range: string } {
  const rates = hits.map((h, k) => h / sizes[k]!);
  const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
  const p = (x: number) => `${(100 * x).toFixed(0)}`;
  return { mean: `${p(mean)}%`, range: `${p(Math.min(...rates))}–${p(Math.max(...rates))}` };
}

export async function benchAttacks(): Promise<BenchSection[]> {
  const t0 = performance.now();
  const log = (m: string) => process.stderr.write(`bench attacks [${((performance.now() - t0) / 1000).toFixed(0)} s]: ${m}\n`);
  const tokenizer = await getTokenizer('o200k_base');
  const identity = tokenizer.identity();
  const { train, heldOut } = splitHeldOut(loadBuiltinCorpus('sotu'));
  const model = trainNgram({ tokenizer, sources: [{ name: 'sotu', documents: train.map((d) => tokenizer.encode(d.text)) }] });
  log(`trained ${model.name} on ${model.stats().trainingTokens.toLocaleString('en-US')} tokens`);
  const prompts = builtinPrompts('sotu', SAMPLES).map((p) => tokenizer.encode(p.prompt));
  while (prompts.length < SAMPLES) prompts.push(prompts[prompts.length % Math.max(1, prompts.length)]!);
  const human = heldOut.map((d) => d.text);

  // Human text for the empirical FPR: held-out addresses and every other Moby-Dick chapter, 200-token chunks.
  const humanChunks = [...heldOut.map((d) => d.text), ...loadBuiltinCorpus('moby-dick').filter((_, i) => i % 2 === 0).map((d) => d.text)]
    .flatMap((t) => chunkTokens(tokenizer.encode(t), TOKENS))
    .slice(0, HUMAN_CHUNKS)
    .map((c) => tokenizer.encode(normalizeText(tokenizer.decode(c)).text));

  const plain: Sample[] = prompts.map((prompt, index) => {
    const tokens = generate(model, { prompt, maxTokens: TOKENS, seed: `bench/plain/${index}` }).tokens;
    return { index, prompt, tokens, text: tokenizer.decode(tokens) };
  });
  const pplOf = (samples: readonly Sample[]) =>
    samples.map((s) => {
      const all = new Uint32Array(s.prompt.length + s.tokens.length);
      all.set(s.prompt);
      all.set(s.tokens, s.prompt.length);
      return perplexity(model, all, { startAt: s.prompt.length }).perplexity;
    });
  const plainPpl = pplOf(plain);

  const robustRows: (string | number)[][] = ATTACK_ROWS.map((a) => [a.label]);
  const trivial = ATTACK_ROWS.filter((a) => a.trivial || a.label === 'none');
  const normRows: (string | number)[][] = trivial.map((a) => [a.label]);
  const cleanChanged: string[] = [];
  const fprRows: (string | number)[][] = [];
  const qualityRows: (string | number)[][] = [['unwatermarked (baseline)', fmt(median(plainPpl)), fmt(plainPpl.reduce((a, b) => a + b) / plainPpl.length), '1.00']];
  const bound2 = binomialUpperCritical(humanChunks.length, 1e-2, 0.01);
  const bound3 = binomialUpperCritical(humanChunks.length, 1e-3, 0.01);

  // Sample i is generated, attacked and scored under key i mod KEYS of its scheme.
  const keyOfSample = (i: number) => i % KEYS;
  const sizes = Array.from({ length: KEYS }, (_, k) => prompts.filter((_, i) => keyOfSample(i) === k).length);
  if (sizes.some((n) => n === 0)) throw new Error(`bench attacks: ${SAMPLES} samples cannot cover ${KEYS} keys`);
  for (const [ci, c] of CONFIGS.entries()) {
    const keys = Array.from({ length: KEYS }, (_, k) =>
      generateKey({ scheme: c.scheme, tokenizer: identity, params: c.params, secret: new Uint8Array(32).fill(0x40 + ci).fill(k, 0, 4), createdAt: new Date(0) }),
    );
    const watermarkers = keys.map((k) => createWatermarker(k));
    const detectors = keys.map((k) => createDetector(k, { tokenizer }));
    const detector = detectors[0]!;
    const samples: Sample[] = prompts.map((prompt, index) => {
      const tokens = generate(model, { prompt, maxTokens: TOKENS, seed: `bench/${c.label}/${index}`, watermarker: watermarkers[keyOfSample(index)]! }).tokens;
      return { index, prompt, tokens, text: tokenizer.decode(tokens) };
    });
    const ppl = pplOf(samples);
    qualityRows.push([c.label, fmt(median(ppl)), fmt(ppl.reduce((a, b) => a + b) / ppl.length), fmt(median(ppl) / median(plainPpl))]);
    log(`${c.label}: generated ${samples.length} samples under ${KEYS} keys`);
    const contexts: Context[] = watermarkers.map((watermarker) => ({ model, watermarker, human }));
    ATTACK_ROWS.forEach((a, ai) => {
      const attacked = samples.map((s) => a.apply(s, contexts[keyOfSample(s.index)]!));
      const outcomes = attacked.map((t, i) => score(detectors[keyOfSample(i)]!, tokenizer, t, true, true));
      const hits = sizes.map((_, k) => outcomes.filter((o, i) => o.detected && keyOfSample(i) === k).length);
      const need = median(outcomes.map((o) => o.needed));
      const tpr = overKeys(hits, sizes);
      robustRows[ai]!.push(`${tpr.mean} (${tpr.range}) · ${Number.isFinite(need) ? need : '—'}`);
      const ti = trivial.indexOf(a);
      if (ti >= 0) {
        const rawHits = sizes.map((_, k) => attacked.filter((t, i) => keyOfSample(i) === k && score(detectors[k]!, tokenizer, t, false, false).detected).length);
        normRows[ti]!.push(`${overKeys(rawHits, sizes).mean} → ${tpr.mean}`);
      }
    });
    cleanChanged.push(`${samples.filter((s) => normalizeText(s.text).applied.length > 0).length}/${samples.length}`);
    log(`${c.label}: attacked and scored`);

    // The benchmark key and FPR_KEYS − 1 more: a lab uses one key for a long time, so the FPR of each key matters, not only the average.
    const perKey: [number, number][] = [];
    for (let k = 0; k < FPR_KEYS; k++) {
      const d = k === 0 ? detector : createDetector(generateKey({ scheme: c.scheme, tokenizer: identity, params: c.params, secret: new Uint8Array(32).fill(0x80 + k), createdAt: new Date(0) }));
      const ps = humanChunks.map((ids) => d.detect(ids).aggregate.pValue);
      perKey.push([ps.filter((p) => p < 1e-2).length, ps.filter((p) => p < 1e-3).length]);
    }
    const plainPs = plain.map((s) => detector.detect(tokenizer.encode(normalizeText(s.text).text)).aggregate.pValue);
    fprRows.push([
      c.label,
      `${perKey[0]![0]} (≤ ${bound2})`,
      `${perKey[0]![1]} (≤ ${bound3})`,
      `${Math.min(...perKey.map(([x]) => x))}–${Math.max(...perKey.map(([x]) => x))}`,
      `${Math.min(...perKey.map(([, y]) => y))}–${Math.max(...perKey.map(([, y]) => y))}`,
      `${perKey.filter(([x, y]) => x > bound2 || y > bound3).length} of ${FPR_KEYS}`,
      `${plainPs.filter((p) => p < 1e-3).length} / ${plain.length}`,
    ]);
    log(`${c.label}: false positives checked`);
  }
  normRows.push(['clean samples changed by the normalizers', ...cleanChanged]);
  log('done');

  const schemes = CONFIGS.map((c) => c.label);
  return [
    {
      title: `Robustness: true-positive rate at FPR ${ALPHA} · median tokens to p < ${ALPHA}`,
      body: [
        `${SAMPLES} watermarked samples of ${TOKENS} tokens per scheme (default parameters) from ${model.name} (order ${model.order}, ` +
          `${model.stats().trainingTokens.toLocaleString('en-US')} training tokens of State of the Union addresses; held-out six-word prompts; top-k 50, T = 1). ` +
          `The samples are spread over ${KEYS} keys per scheme (${sizes[0]} per key). Each cell: the share of samples with exact p < ${ALPHA} after the attack, ` +
          `averaged over the ${KEYS} keys, with the range of the per-key shares in parentheses (one key's figure can be far from the mean), then the median over samples of the shortest prefix ` +
          `(in steps of ${STEP} tokens of the attacked, normalized text) with p < ${ALPHA} ("—" when fewer than half get there). ` +
          'Detection scores the text alone (no prompt) with the default normalizers. Strength semantics are those of `ATTACKS` in `@tracemark/attacks`; ' +
          'copy-paste documents are the watermarked sample pasted into a held-out address (whole-document test, no windowing).',
        '',
        markdownTable(['attack', ...schemes], robustRows),
      ].join('\n'),
    },
    {
      title: 'Normalizers: detection without → with the default normalizers',
      body: [
        `True-positive rate at FPR 1e-3 (mean over the ${KEYS} keys) on the same samples scored on the raw attacked text and after \`normalizeText\` (invisible-character removal, homoglyph folding, NFKC, case restoration, whitespace folding). ` +
          'The last row counts clean watermarked samples the normalizers changed at all: a normalizer that changes none costs no power.',
        '',
        markdownTable(['attack', ...schemes], normRows),
      ].join('\n'),
    },
    {
      title: 'False positives: human text and unwatermarked output',
      body: [
        `${humanChunks.length} normalized 200-token chunks of human text (held-out State of the Union addresses, then Moby-Dick) scored under the benchmark key ` +
          `and under ${FPR_KEYS} keys in all (the benchmark key and ${FPR_KEYS - 1} more); in parentheses the binomial 99% upper bound on the count at the nominal rate ` +
          `(${bound2} at 1e-2, ${bound3} at 1e-3); "keys over a bound" counts keys exceeding either. ` +
          `The last column scores the ${plain.length} unwatermarked samples with the benchmark key. A key is used for a long time, so each key's false-positive rate must hold, ` +
          'not only the average over keys: the per-key range shows how much it moves.',
        '',
        markdownTable(
          ['scheme', 'benchmark key: p < 1e-2', 'benchmark key: p < 1e-3', `p < 1e-2, per key (${FPR_KEYS} keys)`, `p < 1e-3, per key`, 'keys over a bound', 'unwatermarked samples: p < 1e-3'],
          fprRows,
        ),
      ].join('\n'),
    },
    {
      title: 'Text quality: perplexity under the unwatermarked generator',
      body: [
        `Perplexity of the ${TOKENS} generated tokens given the prompt, under ${model.name} itself without the watermark, ${SAMPLES} samples each. ` +
          'The distortion-free schemes (gumbel, synthid) should match the baseline; KGW and Unigram pay for their bias.',
        '',
        markdownTable(['output', 'median perplexity', 'mean perplexity', 'median ÷ baseline'], qualityRows),
      ].join('\n'),
    },
  ];
}
