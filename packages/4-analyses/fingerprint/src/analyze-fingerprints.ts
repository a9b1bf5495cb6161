/**
 * The behavioural-fingerprint analysis: is the suspect closer to the teacher than independent
 * reference models are, by more than chance? (Compare Nikolic et al. 2025, "Model Provenance
 * Testing for Large Language Models": similarity against a panel of unrelated models, Holm–
 * Bonferroni; and Gao et al. 2025, "Model Equality Testing": MMD with a string kernel.)
 *
 * Two lines of evidence, each with its own p-value:
 *
 * - **behaviour** — for every measure m and reference R_j, the per-probe difference
 *   d_p = sim_m(S, T, p) − sim_m(R_j, T, p) goes into an exact one-sided paired test across probes
 *   (signed-rank by default). Holm adjusts the |R|·|M| p-values together; the suspect must beat
 *   *every* reference on a measure (an intersection–union claim, so the measure's p-value is the
 *   largest adjusted one), and the line's p-value is the best measure's. Any false "closer" claim
 *   needs a Holm rejection of a true null, so the line is valid at every α.
 * - **identity** — among answers to identity probes, the share naming the teacher's vendor, suspect
 *   against the pooled panel: one-sided Fisher exact test.
 *
 * The lines are combined by Bonferroni (valid under any dependence). When even a perfect suspect
 * could not reach α with the probes and references given, the verdict is "inconclusive" and says
 * what would be needed. The p-values are over probes, conditional on the panel: they say "closer
 * than these references", so the panel must be as close to the teacher in domain and kind as an
 * innocent suspect would be.
 */
import { bonferroniBound, bonferroniCombine, fisherExactGreater, formatPValue, holmAdjust, type PValue, pValueFromLog10 } from '@tracemark/stats';
import { vendorById, VENDORS } from './identity-claims.ts';
import { type MmdGroup, mmdTest, type MmdTestResult } from './mmd-test.ts';
import {
  createSimilarityContext,
  MEASURE_DESCRIPTIONS,
  MEASURES,
  type MeasureName,
  probeSimilarities,
} from './probe-similarities.ts';
import { type PairedTestResult, signedRankTest, signTest } from './signed-rank-test.ts';
import { type ProbeFeatures, transcriptFeatures } from './response-features.ts';
import { type Transcript } from './transcript.ts';
import { InputError } from '@tracemark/errors';

export const DEFAULT_FINGERPRINT_ALPHA = 1e-3;
/** Fewer references than this make the behaviour line inconclusive: one reference is a coin, not a panel. */
export const DEFAULT_MIN_REFERENCES = 2;
export const IDENTITY_CATEGORY = 'identity';

export type Verdict = 'detected' | 'not-detected' | 'inconclusive';

export interface FingerprintOptions {
  /** Significance level of the verdict; default 1e-3. */
  readonly alpha?: number;
  /** Measures of the behaviour line; default all of `MEASURES`. */
  readonly measures?: readonly MeasureName[];
  /** Paired test across probes; default `signed-rank`. */
  readonly test?: 'signed-rank' | 'sign';
  /** The teacher's vendor id (see `VENDORS`); default: the vendor the teacher names most on identity probes. */
  readonly teacherVendor?: string;
  /** Default 2. */
  readonly minReferences?: number;
  /** Permutations of the suspect-vs-teacher MMD equality test; default 999, 0 skips it. */
  readonly mmdPermutations?: number;
  /** Seeds the permutation test; default 0x5eed. */
  readonly seed?: number;
  /** Probes listed as carrying the signal; default 10. */
  readonly topProbes?: number;
}

/** A problem with the inputs as a set (different suites, no common probes); names the files. */
export class FingerprintInputError extends InputError {
  override name = 'FingerprintInputError';
}

export interface ModelInfo {
  readonly label: string;
  readonly model: string;
  readonly endpoint: string;
  readonly source: string;
  readonly responses: number;
}

export interface Comparison {
  readonly reference: string;
  readonly measure: MeasureName;
  readonly test: PairedTestResult['test'];
  /** Probes with a non-tied comparison. */
  readonly n: number;
  /** Probes where the suspect is closer to the teacher than this reference. */
  readonly wins: number;
  readonly losses: number;
  readonly ties: number;
  readonly pValue: PValue;
  /** Holm-adjusted over references × measures. */
  readonly adjustedPValue: PValue;
  /** Matched-pairs rank-biserial correlation (sign test: (wins − losses)/n), in [−1, 1]. */
  readonly effectSize: number;
  /** Mean of sim(S, T) − sim(R, T) over probes. */
  readonly meanDifference: number;
}

export interface MeasureSummary {
  readonly measure: MeasureName;
  readonly description: string;
  /** Largest Holm-adjusted p-value over references: the p-value of "closer than every reference". */
  readonly pValue: PValue;
  readonly closerThanAllReferences: boolean;
  /** Probes on which the suspect beats every reference. */
  readonly probesBeatingAllReferences: number;
}

export interface SignalProbe {
  readonly probeId: string;
  readonly category: string;
  /** sim(S, T) − max_j sim(R_j, T). */
  readonly margin: number;
  readonly suspect: number;
  readonly bestReference: number;
}

export interface PanelSpread {
  readonly measure: MeasureName;
  readonly closer: string | null;
  readonly than: string | null;
  /** Bonferroni-adjusted over the J(J − 1) ordered pairs; 1 with fewer than 2 references. */
  readonly pValue: PValue;
}

export interface IdentityResult {
  readonly teacherVendor: string | null;
  readonly teacherVendorSource: 'option' | 'teacher-transcript' | null;
  readonly probes: number;
  readonly teacher: { readonly responses: number; readonly naming: number };
  readonly suspect: { readonly responses: number; readonly naming: number; readonly rate: number; readonly vendors: Readonly<Record<string, number>> };
  readonly panel: {
    readonly responses: number;
    readonly naming: number;
    readonly rate: number;
    readonly perReference: readonly { readonly label: string; readonly responses: number; readonly naming: number }[];
  };
  readonly pValue: PValue | null;
  readonly minimumPValue: PValue | null;
}

export interface EvidenceLine {
  readonly line: 'behaviour' | 'identity';
  readonly testable: boolean;
  /** The line's own p-value (null when untestable). */
  readonly pValue: PValue | null;
  /** The smallest p-value this line could have given with these probes and references. */
  readonly minimumPValue: PValue | null;
  readonly summary: string;
}

export interface FingerprintAnalysis {
  readonly suite: { readonly name: string; readonly version: string; readonly hash: string };
  readonly alpha: number;
  readonly test: 'signed-rank' | 'sign';
  readonly measures: readonly MeasureName[];
  readonly models: { readonly suspect: ModelInfo; readonly teacher: ModelInfo; readonly references: readonly ModelInfo[] };
  readonly probes: {
    readonly used: number;
    readonly byCategory: Readonly<Record<string, number>>;
    /** Probes missing from at least one transcript (not analysed). */
    readonly dropped: readonly string[];
  };
  readonly comparisons: readonly Comparison[];
  readonly perMeasure: readonly MeasureSummary[];
  readonly signal: {
    readonly measure: MeasureName | null;
    readonly probes: readonly SignalProbe[];
    readonly byCategory: readonly { readonly category: string; readonly probes: number; readonly beatingAllReferences: number }[];
  };
  readonly identity: IdentityResult;
  /**
   * How far apart the references themselves are: per measure, the most extreme "reference A is
   * closer to the teacher than reference B" test (Bonferroni over the ordered pairs). A panel whose
   * members differ significantly among themselves is heterogeneous — some are of another domain or
   * kind — and a suspect that beats all of them may only share the teacher's domain.
   */
  readonly panel: readonly PanelSpread[];
  readonly panelHeterogeneous: boolean;
  /** Gao et al.'s test of "the suspect answers like the teacher itself" (informational; not a line of evidence). */
  readonly equality: MmdTestResult | null;
  /** One entry per line of evidence, for combining with other evidence (e.g. a watermark test). */
  readonly evidence: readonly EvidenceLine[];
  readonly combined: { readonly method: 'bonferroni'; readonly lines: number; readonly pValue: PValue | null; readonly minimumPValue: PValue | null };
  readonly verdict: Verdict;
  /** Plain-language reasons for the verdict; for "inconclusive", what would be needed. */
  readonly reasons: readonly string[];
  readonly needed: { readonly probes?: number; readonly references?: number } | null;
}

function labelsFor(transcripts: readonly Transcript[]): string[] {
  const models = transcripts.map((t) => t.header.model);
  return transcripts.map((t, i) => (models.indexOf(t.header.model) !== models.lastIndexOf(t.header.model) ? `${t.header.model} (${t.source})` : models[i]!));
}

function modelInfo(t: Transcript, label: string): ModelInfo {
  return { label, model: t.header.model, endpoint: t.header.endpoint, source: t.source, responses: t.records.length };
}

function checkOptions(o: FingerprintOptions): Required<Omit<FingerprintOptions, 'teacherVendor'>> & { teacherVendor?: string } {
  const alpha = o.alpha ?? DEFAULT_FINGERPRINT_ALPHA;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const measures = o.measures ?? MEASURES;
  if (measures.length === 0) throw new RangeError('at least one measure is required');
  for (const m of measures) if (!(MEASURES as readonly string[]).includes(m)) throw new RangeError(`unknown measure "${m}" (known: ${MEASURES.join(', ')})`);
  if (new Set(measures).size !== measures.length) throw new RangeError('measures must not repeat');
  const test = o.test ?? 'signed-rank';
  if (test !== 'signed-rank' && test !== 'sign') throw new RangeError(`test must be "signed-rank" or "sign", got ${String(test)}`);
  if (o.teacherVendor !== undefined && !vendorById(o.teacherVendor))
    throw new RangeError(`unknown vendor "${o.teacherVendor}" (known: ${VENDORS.map((v) => v.id).join(', ')})`);
  const minReferences = o.minReferences ?? DEFAULT_MIN_REFERENCES;
  if (!Number.isInteger(minReferences) || minReferences < 1) throw new RangeError(`minReferences must be a positive integer, got ${minReferences}`);
  const mmdPermutations = o.mmdPermutations ?? 999;
  if (!Number.isInteger(mmdPermutations) || mmdPermutations < 0) throw new RangeError(`mmdPermutations must be an integer ≥ 0, got ${mmdPermutations}`);
  return {
    alpha,
    measures,
    test,
    minReferences,
    mmdPermutations,
    seed: o.seed ?? 0x5eed,
    topProbes: o.topProbes ?? 10,
    ...(o.teacherVendor !== undefined ? { teacherVendor: o.teacherVendor } : {}),
  };
}

/** Holm over all comparisons when every raw p-value sits at its floor 2⁻ⁿ: the best case. */
function bestBehaviourPValue(floors: readonly PValue[][]): PValue {
  const adjusted = holmAdjust(floors.flat());
  let k = 0;
  let bestLog = 0;
  for (const row of floors) {
    let worst = -Infinity;
    for (let j = 0; j < row.length; j++) worst = Math.max(worst, adjusted[k++]!.log10PValue);
    if (row.length > 0 && worst < bestLog) bestLog = worst;
  }
  return pValueFromLog10(bestLog);
}

/**
 * Analyse transcripts of the suspect, the teacher and a reference panel, all answering the same
 * probe suite.
 *
 * Cost: answer features once per transcript (cached), then per probe and (teacher, model) pair
 * O(samples²) edit distances on ≤ 400 characters, a TF-IDF cosine and O(samples²) kernel
 * evaluations (memoised per pair); then |R|·|M| + |M|·|R|(|R| − 1) exact paired tests (O(1) each
 * without ties, O(n·(Σrank − W)) with) and the MMD permutation test. Measured on 123 probes × 3
 * samples × 5 transcripts: ~1 s the first time the transcripts are seen, ~10 ms for each further
 * panel without the permutation test, ~70 ms more with 999 permutations.
 *
 * @throws FingerprintInputError when the transcripts come from different suites (naming the files)
 *   or share no probe; RangeError for bad options.
 * @example
 * const r = analyzeFingerprints(suspect, teacher, [ref1, ref2, ref3]);
 * r.verdict; // 'detected' | 'not-detected' | 'inconclusive'
 * r.evidence.map((e) => [e.line, e.pValue?.pValue]);
 */
export function analyzeFingerprints(
  suspect: Transcript,
  teacher: Transcript,
  references: readonly Transcript[],
  options: FingerprintOptions = {},
): FingerprintAnalysis {
  const o = checkOptions(options);
  const probes = alignProbes([teacher, suspect, ...references]);
  const { all, labels, grouped, probeIds } = probes;
  const J = references.length;
  const runTest = o.test === 'sign' ? signTest : signedRankTest;

  const sims = similaritiesToTeacher(grouped, probeIds, o.measures);
  const { raw, comparisons } = compareWithReferences(sims, o.measures, J, runTest, labels);
  const { perMeasure, margins } = summariseMeasures(sims, comparisons, o.measures, J, o.alpha);
  const panel = panelSpread(sims, o.measures, J, runTest, labels);
  const panelHeterogeneous = panel.some((p) => p.pValue.log10PValue <= Math.log10(o.alpha));
  const identity = identityTest(all, labels, probeIds.filter((id) => probes.categoryOf(id) === IDENTITY_CATEGORY), grouped, o.teacherVendor);
  const equality = equalityTest(grouped, probeIds, o);

  const { evidence, bestMeasure } = evidenceLines(perMeasure, raw, identity, J, probeIds.length, o);
  const combined = combineLines(evidence);
  const decision = decideVerdict(evidence, combined, panel, panelHeterogeneous, raw, J, o);

  return {
    suite: { name: teacher.header.suite.name, version: teacher.header.suite.version, hash: teacher.header.suite.hash },
    alpha: o.alpha,
    test: o.test,
    measures: o.measures,
    models: {
      suspect: modelInfo(suspect, labels[1]!),
      teacher: modelInfo(teacher, labels[0]!),
      references: references.map((r, j) => modelInfo(r, labels[2 + j]!)),
    },
    probes: { used: probeIds.length, byCategory: probes.byCategory, dropped: probes.dropped },
    comparisons,
    perMeasure,
    signal: signalOf(bestMeasure?.measure ?? null, margins, sims, probes, o.topProbes),
    identity,
    panel,
    panelHeterogeneous,
    equality,
    evidence,
    combined,
    ...decision,
  };
}

/** The transcripts (teacher, suspect, references…) reduced to the probes all of them answered. */
interface AlignedProbes {
  readonly all: readonly Transcript[];
  readonly labels: readonly string[];
  readonly grouped: readonly Map<string, ProbeFeatures>[];
  /** Probes every transcript answered, sorted. */
  readonly probeIds: readonly string[];
  readonly dropped: readonly string[];
  readonly byCategory: Readonly<Record<string, number>>;
  readonly categoryOf: (id: string) => string;
}

/** Step 1: check that all transcripts answer one suite, extract answer features, keep the common probes. */
function alignProbes(all: readonly Transcript[]): AlignedProbes {
  const teacher = all[0]!;
  const hash = teacher.header.suite.hash;
  const odd = all.filter((t) => t.header.suite.hash !== hash);
  if (odd.length > 0) {
    const describe = (t: Transcript) => `${t.source} (suite ${t.header.suite.name}@${t.header.suite.version}, ${t.header.suite.hash.slice(0, 19)}…)`;
    throw new FingerprintInputError(
      `transcripts answer different probe suites and cannot be compared probe by probe: ${describe(teacher)} vs ${odd.map(describe).join(', ')}`,
    );
  }
  const grouped = all.map((t) => transcriptFeatures(t));
  const probeIds = [...grouped[0]!.keys()].filter((id) => grouped.every((g) => g.has(id))).sort();
  const union = new Set(grouped.flatMap((g) => [...g.keys()]));
  const dropped = [...union].filter((id) => !probeIds.includes(id)).sort();
  if (probeIds.length === 0) throw new FingerprintInputError(`the transcripts have no probe in common (${all.map((t) => t.source).join(', ')})`);
  const categoryOf = (id: string) => grouped[0]!.get(id)!.category;
  const byCategory: Record<string, number> = {};
  for (const id of probeIds) byCategory[categoryOf(id)] = (byCategory[categoryOf(id)] ?? 0) + 1;
  return { all, labels: labelsFor(all), grouped, probeIds, dropped, byCategory, categoryOf };
}

/** Per measure, one row per probe: similarity to the teacher of model 0 (teacher), 1 (suspect), 2… (references). */
type SimilarityRows = Map<MeasureName, Float64Array[]>;

/** Step 2: per-probe similarities of every model's answers to the teacher's. */
function similaritiesToTeacher(grouped: readonly Map<string, ProbeFeatures>[], probeIds: readonly string[], measures: readonly MeasureName[]): SimilarityRows {
  const unbiasedMmd = probeIds.every((id) => grouped.every((g) => g.get(id)!.answers.length >= 2));
  const context = createSimilarityContext(grouped[0]!, unbiasedMmd);
  const sims: SimilarityRows = new Map(measures.map((m) => [m, []]));
  for (const id of probeIds) {
    const perMeasure = probeSimilarities(grouped.map((g) => g.get(id)!.answers), measures, context);
    for (const m of measures) sims.get(m)!.push(perMeasure.get(m)!);
  }
  return sims;
}

type PairedTest = (d: Float64Array) => PairedTestResult;
interface RawComparison {
  readonly measure: MeasureName;
  readonly j: number;
  readonly result: PairedTestResult;
  readonly meanDifference: number;
}

/** Step 3: the paired test "suspect closer to the teacher than reference j" per measure and reference, Holm over all of them. */
function compareWithReferences(sims: SimilarityRows, measures: readonly MeasureName[], J: number, runTest: PairedTest, labels: readonly string[]): { raw: RawComparison[]; comparisons: Comparison[] } {
  const raw: RawComparison[] = [];
  for (const m of measures) {
    const rows = sims.get(m)!;
    for (let j = 0; j < J; j++) {
      const d = new Float64Array(rows.length);
      let mean = 0;
      rows.forEach((r, p) => {
        d[p] = r[1]! - r[2 + j]!;
        mean += d[p]! / rows.length;
      });
      raw.push({ measure: m, j, result: runTest(d), meanDifference: mean });
    }
  }
  const adjusted = holmAdjust(raw.map((r) => r.result.pValue));
  const comparisons: Comparison[] = raw.map((r, i) => ({
    reference: labels[2 + r.j]!,
    measure: r.measure,
    test: r.result.test,
    n: r.result.n,
    wins: r.result.wins,
    losses: r.result.losses,
    ties: r.result.ties,
    pValue: r.result.pValue,
    adjustedPValue: adjusted[i]!,
    effectSize: r.result.effectSize,
    meanDifference: r.meanDifference,
  }));
  return { raw, comparisons };
}

/** Step 4: per measure, "closer than every reference" (the largest adjusted p) and the per-probe margin over the best reference. */
function summariseMeasures(
  sims: SimilarityRows,
  comparisons: readonly Comparison[],
  measures: readonly MeasureName[],
  J: number,
  alpha: number,
): { perMeasure: MeasureSummary[]; margins: Map<MeasureName, Float64Array> } {
  const margins = new Map<MeasureName, Float64Array>();
  const perMeasure: MeasureSummary[] = measures.map((m) => {
    const rows = sims.get(m)!;
    const margin = new Float64Array(rows.length);
    rows.forEach((r, p) => {
      let best = -Infinity;
      for (let j = 0; j < J; j++) best = Math.max(best, r[2 + j]!);
      margin[p] = r[1]! - best;
    });
    margins.set(m, margin);
    const mine = comparisons.filter((c) => c.measure === m);
    const worst = mine.reduce((w, c) => Math.max(w, c.adjustedPValue.log10PValue), J === 0 ? 0 : -Infinity);
    const pValue = pValueFromLog10(worst);
    return {
      measure: m,
      description: MEASURE_DESCRIPTIONS[m],
      pValue,
      closerThanAllReferences: J > 0 && worst <= Math.log10(alpha),
      probesBeatingAllReferences: J === 0 ? 0 : margin.filter((x) => x > 1e-12).length,
    };
  });
  return { perMeasure, margins };
}

/** Step 5: how far apart the references themselves are — per measure the most extreme ordered pair, Bonferroni over the J(J − 1) pairs. */
function panelSpread(sims: SimilarityRows, measures: readonly MeasureName[], J: number, runTest: PairedTest, labels: readonly string[]): PanelSpread[] {
  const pairs = J * (J - 1);
  return measures.map((m) => {
    const rows = sims.get(m)!;
    let best: PanelSpread = { measure: m, closer: null, than: null, pValue: pValueFromLog10(0) };
    for (let k = 0; k < J; k++)
      for (let j = 0; j < J; j++) {
        if (k === j) continue;
        const d = Float64Array.from(rows, (r) => r[2 + k]! - r[2 + j]!);
        const adjusted = bonferroniBound(runTest(d).pValue, pairs);
        if (adjusted.log10PValue < best.pValue.log10PValue) best = { measure: m, closer: labels[2 + k]!, than: labels[2 + j]!, pValue: adjusted };
      }
    return best;
  });
}

/** Step 6 (informational): Gao et al.'s MMD test of "the suspect answers like the teacher itself"; null when skipped or too few answers. */
function equalityTest(grouped: readonly Map<string, ProbeFeatures>[], probeIds: readonly string[], o: { mmdPermutations: number; seed: number }): MmdTestResult | null {
  if (o.mmdPermutations <= 0) return null;
  const groups: MmdGroup[] = probeIds.map((id) => ({
    x: grouped[1]!.get(id)!.answers.map((a) => a.spectrum),
    y: grouped[0]!.get(id)!.answers.map((a) => a.spectrum),
  }));
  const total = groups.reduce((n, g) => n + Math.min(g.x.length, g.y.length), 0);
  return total >= 2 ? mmdTest(groups, { permutations: o.mmdPermutations, seed: o.seed }) : null;
}

type CheckedOptions = ReturnType<typeof checkOptions>;

/** Step 7: the behaviour and identity lines of evidence, each with its p-value and the best it could have been. */
function evidenceLines(
  perMeasure: readonly MeasureSummary[],
  raw: readonly RawComparison[],
  identity: IdentityResult,
  J: number,
  probes: number,
  o: CheckedOptions,
): { evidence: EvidenceLine[]; bestMeasure: MeasureSummary | null } {
  const behaviourTestable = J >= o.minReferences;
  const bestMeasure = J === 0 ? null : perMeasure.reduce((a, b) => (b.pValue.log10PValue < a.pValue.log10PValue ? b : a));
  const floors = o.measures.map((m) => raw.filter((r) => r.measure === m).map((r) => r.result.minimumPValue));
  const identityTestable = identity.pValue !== null;
  const evidence: EvidenceLine[] = [
    {
      line: 'behaviour',
      testable: behaviourTestable,
      pValue: behaviourTestable && bestMeasure ? bestMeasure.pValue : null,
      minimumPValue: behaviourTestable ? bestBehaviourPValue(floors) : null,
      summary: behaviourTestable
        ? `suspect closer to the teacher than all ${J} references on ${perMeasure.filter((m) => m.closerThanAllReferences).map((m) => m.measure).join(', ') || 'no measure'} (${o.test} test over ${probes} probes, Holm over ${J}×${o.measures.length})`
        : `needs at least ${o.minReferences} reference models, got ${J}`,
    },
    {
      line: 'identity',
      testable: identityTestable,
      pValue: identity.pValue,
      minimumPValue: identity.minimumPValue,
      summary: identityTestable
        ? `suspect names ${vendorById(identity.teacherVendor!)!.name} in ${identity.suspect.naming}/${identity.suspect.responses} identity answers, the panel in ${identity.panel.naming}/${identity.panel.responses} (one-sided Fisher exact)`
        : identity.teacherVendor === null
          ? 'untestable: the teacher names no vendor on the identity probes (give the teacher vendor explicitly)'
          : identity.probes === 0
            ? 'untestable: no identity probes in common'
            : 'untestable: no reference transcripts',
    },
  ];
  return { evidence, bestMeasure };
}

/** Step 8: Bonferroni over the testable lines (valid under any dependence), for the p-value and for its floor. */
function combineLines(evidence: readonly EvidenceLine[]): FingerprintAnalysis['combined'] {
  const testable = evidence.filter((e) => e.testable);
  const L = testable.length;
  return {
    method: 'bonferroni' as const,
    lines: L,
    pValue: L === 0 ? null : bonferroniCombine(testable.map((e) => e.pValue!)),
    minimumPValue: L === 0 ? null : bonferroniCombine(testable.map((e) => e.minimumPValue!)),
  };
}

/**
 * Step 9: the verdict and its plain-language reasons. "detected" when the combined p reaches α;
 * "inconclusive" when even a perfect suspect could not (saying what would be needed);
 * "not-detected" otherwise.
 */
function decideVerdict(
  evidence: readonly EvidenceLine[],
  combined: FingerprintAnalysis['combined'],
  panel: readonly PanelSpread[],
  panelHeterogeneous: boolean,
  raw: readonly RawComparison[],
  J: number,
  o: CheckedOptions,
): Pick<FingerprintAnalysis, 'verdict' | 'reasons' | 'needed'> {
  const testable = evidence.filter((e) => e.testable);
  const L = testable.length;
  const combinedLog = combined.pValue?.log10PValue ?? null;
  const combinedMinLog = combined.minimumPValue?.log10PValue ?? null;
  const logAlpha = Math.log10(o.alpha);
  const reasons: string[] = [];
  if (combinedLog !== null && combinedLog <= logAlpha) {
    for (const e of testable) if (bonferroniBound(e.pValue!, L).log10PValue <= logAlpha) reasons.push(e.summary);
    if (panelHeterogeneous) {
      const worst = panel.reduce((a, b) => (b.pValue.log10PValue < a.pValue.log10PValue ? b : a));
      reasons.push(
        `caution: the reference panel is heterogeneous (${worst.closer} is closer to the teacher than ${worst.than} on ${worst.measure}, p = ${formatP(worst.pValue)}); ` +
          'the behaviour line only shows the suspect is closer than these references — make sure they are as close to the teacher in domain and kind as an innocent model would be',
      );
    }
    return { verdict: 'detected', reasons, needed: null };
  }
  if (combinedMinLog === null || combinedMinLog > logAlpha) {
    const needed: { probes?: number; references?: number } = {};
    if (J < o.minReferences) {
      needed.references = o.minReferences;
      reasons.push(`too few references: ${J} given, at least ${o.minReferences} needed for the behaviour line`);
    }
    // Non-tied probes needed so that J·M·L·2⁻ⁿ ≤ α even if the suspect won every comparison.
    const panelSize = Math.max(J, o.minReferences);
    const probesNeeded = Math.ceil(Math.log2((panelSize * o.measures.length * Math.max(1, L)) / o.alpha));
    const have = raw.length === 0 ? 0 : Math.max(...o.measures.map((m) => Math.min(...raw.filter((r) => r.measure === m).map((r) => r.result.n))));
    if (have < probesNeeded) {
      needed.probes = probesNeeded;
      reasons.push(
        `too few probes to reach alpha ${o.alpha}: even a suspect closer to the teacher on every probe would give p ≥ ${formatP(combined.minimumPValue)}; ` +
          `${probesNeeded} probes with a non-tied comparison are needed for ${panelSize} references × ${o.measures.length} measures, ${have} available`,
      );
    }
    if (!evidence[1]!.testable) reasons.push(`identity line ${evidence[1]!.summary}`);
    if (reasons.length === 0) reasons.push(`no line of evidence can reach alpha ${o.alpha} with these inputs`);
    return { verdict: 'inconclusive', reasons, needed: Object.keys(needed).length > 0 ? needed : null };
  }
  reasons.push(
    `combined p = ${formatP(combined.pValue)} > alpha ${o.alpha}: the suspect is not closer to the teacher than the reference panel by more than chance`,
  );
  return { verdict: 'not-detected', reasons, needed: null };
}

/** Step 10: the probes that carry the signal on the best measure (suspect beats every reference), strongest first, and their categories. */
function signalOf(
  signalMeasure: MeasureName | null,
  margins: ReadonlyMap<MeasureName, Float64Array>,
  sims: SimilarityRows,
  probes: AlignedProbes,
  topProbes: number,
): FingerprintAnalysis['signal'] {
  const signalProbes: SignalProbe[] = [];
  const byCat = new Map<string, { probes: number; beatingAllReferences: number }>();
  if (signalMeasure) {
    const margin = margins.get(signalMeasure)!;
    const rows = sims.get(signalMeasure)!;
    probes.probeIds.forEach((id, p) => {
      const c = probes.categoryOf(id);
      const e = byCat.get(c) ?? { probes: 0, beatingAllReferences: 0 };
      e.probes++;
      if (margin[p]! > 1e-12) {
        e.beatingAllReferences++;
        signalProbes.push({ probeId: id, category: c, margin: margin[p]!, suspect: rows[p]![1]!, bestReference: rows[p]![1]! - margin[p]! });
      }
      byCat.set(c, e);
    });
    signalProbes.sort((a, b) => b.margin - a.margin);
  }
  return {
    measure: signalMeasure,
    probes: signalProbes.slice(0, topProbes),
    byCategory: [...byCat].map(([category, v]) => ({ category, ...v })).sort((a, b) => (a.category < b.category ? -1 : 1)),
  };
}

function formatP(p: PValue | null): string {
  return p === null ? 'n/a' : formatPValue(p.log10PValue, 'e');
}

function identityTest(
  all: readonly Transcript[],
  labels: readonly string[],
  identityProbes: readonly string[],
  grouped: readonly Map<string, ProbeFeatures>[],
  teacherVendorOption: string | undefined,
): IdentityResult {
  const claims = grouped.map((g) => identityProbes.flatMap((id) => g.get(id)!.answers.map((a) => a.vendors)));
  let teacherVendor: string | null = teacherVendorOption ?? null;
  let source: IdentityResult['teacherVendorSource'] = teacherVendor ? 'option' : null;
  if (!teacherVendor) {
    const counts = new Map<string, number>();
    for (const c of claims[0]!) for (const v of c) counts.set(v, (counts.get(v) ?? 0) + 1);
    let best = 0;
    for (const v of VENDORS) {
      const n = counts.get(v.id) ?? 0;
      if (n > best) {
        best = n;
        teacherVendor = v.id;
      }
    }
    if (teacherVendor) source = 'teacher-transcript';
  }
  const naming = (i: number) => (teacherVendor ? claims[i]!.filter((c) => c.includes(teacherVendor!)).length : 0);
  const vendors: Record<string, number> = {};
  for (const c of claims[1]!) for (const v of c) vendors[v] = (vendors[v] ?? 0) + 1;
  const perReference = all.slice(2).map((_, j) => ({ label: labels[2 + j]!, responses: claims[2 + j]!.length, naming: naming(2 + j) }));
  const panelResponses = perReference.reduce((n, r) => n + r.responses, 0);
  const panelNaming = perReference.reduce((n, r) => n + r.naming, 0);
  const suspectResponses = claims[1]!.length;
  const suspectNaming = naming(1);
  const testable = teacherVendor !== null && identityProbes.length > 0 && all.length > 2 && suspectResponses > 0 && panelResponses > 0;
  return {
    teacherVendor,
    teacherVendorSource: source,
    probes: identityProbes.length,
    teacher: { responses: claims[0]!.length, naming: naming(0) },
    suspect: { responses: suspectResponses, naming: suspectNaming, rate: suspectResponses ? suspectNaming / suspectResponses : 0, vendors },
    panel: { responses: panelResponses, naming: panelNaming, rate: panelResponses ? panelNaming / panelResponses : 0, perReference },
    pValue: testable ? fisherExactGreater(suspectNaming, suspectResponses, panelNaming, panelResponses) : null,
    minimumPValue: testable ? fisherExactGreater(suspectResponses, suspectResponses, panelNaming, panelResponses) : null,
  };
}

