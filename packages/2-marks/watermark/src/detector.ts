/**
 * Detection: score token sequences against a key and return exact p-values.
 *
 * Each position whose PRF input is complete is scored once per distinct PRF input (see
 * `scheme-core.ts`), within a document and, separately, across all documents of a session for the
 * aggregate. Binomial schemes (KGW, Unigram, SynthID) report P(Binomial(n·m, γ') ≥ score); Gumbel
 * reports P(Gamma(n, 1) ≥ score). Both tails are exact and computed in log space, so p = 1e-400 is
 * reported as log10PValue = -400 rather than 0.
 *
 * One key, many documents. A lab commits to one key and screens many documents with it, and the
 * p-values above are exact over the draw of the key, not for a fixed key. Documents that share text
 * (a licence header, an e-mail footer, a template) share tuples, so under the fixed key they would
 * pass or fail together: on 88 TypeScript lib files sharing an Apache header, the worst of 200
 * keys flagged 21–52 files at α = 1e-2 where the binomial bound is 7 (`shared-boilerplate.test.ts`
 * in test/). So each
 * document is scored only on the tuples no other document of the run contains; a tuple two
 * documents share counts once, in the aggregate. Documents' scored tuple sets are then disjoint,
 * their p-values independent under the key, and the number flagged is Binomial(D, ≤ α). The price:
 * a document's verdict rests on its own text only, and a passage shared by several documents can
 * only be detected by the aggregate. Per-document results are therefore final only when the run
 * ends (`documents()`), and an optional Holm or BH correction across documents serves screening.
 *
 * Windowed mode scans windows of consecutive scored tuples (several widths, stride = width/4) for a
 * watermarked passage inside a longer human document. The whole document counts as one more
 * window, and the smallest p-value among all of them is multiplied by their number (Bonferroni,
 * valid however they overlap): one verdict, so "flagged" means one thing. Read side by side (the
 * whole document or the window-corrected best window), they flagged 0.9–2.4% of long human
 * documents at α = 1% (`window-verdict.test.ts` in test/).
 */
import {
  binomialUpperTail,
  bonferroniBound,
  gammaUpperTail,
  type PValue,
} from '@tracemark/stats';
import { correctAcrossDocuments, DOCUMENT_CORRECTIONS, type DocumentCorrection } from './correct-across-documents.ts';
import { assertSameTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { createNormalizer, enabledNormalizers, type NormalizeOptions, type NormalizeResult, type NormalizerName } from './normalize.ts';
import { type SchemeCore, scoreRange, windowIdentity } from './scheme-core.ts';
import { ExactSum } from './exact-sum.ts';
import { mix32 } from './prf.ts';
import { TupleSet } from './tuple-set.ts';
import { REPEAT, SHARED, TupleOwners } from './tuple-owners.ts';
import { type SchemeName, type WatermarkKey } from './types.ts';
import { createSchemeCore } from './watermarker.ts';

export const DEFAULT_ALPHA = 1e-3;
/** Positions up to which `add` prepares into the session's scratch arrays (at most 16 MiB of them). */
const MAX_SCRATCH = 1 << 20;
export const DEFAULT_WINDOW_SIZES: readonly number[] = [32, 64, 128, 256, 512];

export interface WindowOptions {
  /** Window widths in scored tuples; widths not smaller than the document's scored count are skipped. */
  readonly sizes?: readonly number[];
}

export interface DetectOptions {
  /** Significance level for `detected`. Default 1e-3. */
  readonly alpha?: number;
  /** Also search for the most significant window (a passage inside a longer document). */
  readonly window?: boolean | WindowOptions;
  /**
   * Score only tuples in this set (the radioactivity "supervised filter": tuples seen in the
   * teacher's own watermarked data). The set must not depend on the suspect text being scored.
   */
  readonly restrictTo?: TupleSet;
  /**
   * Score only positions whose context window (the h tokens before it, see `windowIdentity`) is in
   * this set. The radioactivity audit's supervised filter uses it with the teacher's windows and
   * excludes the teacher's own tuples, which keeps it valid (see packages/audit).
   */
  readonly restrictWindows?: TupleSet;
  /**
   * Score only tuples routed to this shard (`shardOf`). Every distinct tuple belongs to exactly one
   * of `count` shards, so shard results merge into exactly the single run's counts.
   */
  readonly shard?: { readonly index: number; readonly count: number };
  /**
   * Detection-side normalizers for text inputs (documents, prompts, excluded text), applied before
   * tokenization; token ids are scored as given. Default `DEFAULT_NORMALIZATION` (all on); `false`
   * scores text exactly as written. Normalizing depends on the text alone, never on the key, so
   * the p-values stay exact (see `normalize.ts`).
   */
  readonly normalize?: NormalizeOptions | false;
  /**
   * Multiplicity correction of the per-document verdicts across the run's documents: `holm`
   * (family-wise error ≤ α), `bh` (false discovery rate ≤ α) or `none` (default: each document is
   * its own test at α, and about α·D innocent documents of D are flagged).
   */
  readonly correction?: DocumentCorrection;
  /** false: keep no per-document state (only the aggregate; bounded memory). Default true. */
  readonly documents?: boolean;
}

/** A document after phase one of scoring (see `DetectionSession.prepare`); plain typed arrays, transferable between threads. */
export interface PreparedDocument {
  readonly id?: string;
  /** Body length in tokens. */
  readonly tokens: number;
  readonly normalized: NormalizerName[];
  /** Identities (lo, hi pairs) of the prompt's own tuples, never scored. */
  readonly promptIds: Uint32Array;
  /** Identities (lo, hi pairs) and scores of the scorable positions, in order. */
  readonly ids: Uint32Array;
  readonly scores: Float64Array;
  /** Window identities per position, when the session filters on windows. */
  readonly windows?: Uint32Array;
  /** Index (in prompt + body) of the first scorable position, and the prompt length. */
  readonly first: number;
  readonly offset: number;
}

/** The exact per-document counts of one shard. */
export interface PartialDocument {
  readonly id: string;
  readonly tokens: number;
  readonly scored: number;
  /** Score in units of 2^-32, as a decimal string (exact). */
  readonly scoreUnits: string;
  /** Distinct tuples of this document (in this shard) left out because another document holds them too. */
  readonly shared: number;
}

/** The shard a tuple identity is routed to: a hash of both lanes, modulo the shard count. */
export function shardOf(lo: number, hi: number, count: number): number {
  return mix32(lo ^ mix32(hi + 0x6a09e667)) % count;
}

/** One document to score: tokens or text, an optional prompt whose tuples are excluded. */
export interface DocumentInput {
  readonly id?: string;
  readonly tokens?: Uint32Array;
  readonly text?: string;
  /** Context that preceded the document (e.g. the prompt): it seeds the first positions and its own tuples are never scored. */
  readonly prompt?: Uint32Array | string;
}

/** A test statistic with its exact tail. */
export interface ScoreSummary extends PValue {
  /** Distinct tuples scored. */
  readonly scored: number;
  /** Green count (KGW, Unigram), sum of g-values (SynthID), or sum of −ln(1−r) (Gumbel). */
  readonly score: number;
  /** Bernoulli trials behind a binomial score (scored × layers); equals `scored` for Gumbel. */
  readonly trials: number;
  /** The score's expectation under the null: trials·γ', or scored for Gumbel. */
  readonly expected: number;
  /** score / trials: the observed green rate, mean g-value, or mean Gumbel score. */
  readonly rate: number;
  readonly detected: boolean;
}

export interface WindowResult extends PValue {
  /** Token range [start, end) of the most significant window (the whole document when it won), in the document's own tokens. */
  readonly start: number;
  readonly end: number;
  readonly scored: number;
  readonly score: number;
  /** Windows tested, the whole document counted as one; the p-value is already multiplied by this (Bonferroni). */
  readonly windowsTested: number;
  readonly detected: boolean;
}

/**
 * A document's one verdict: its whole-document test, or (windowed mode) the corrected minimum over
 * the document and its windows, then corrected across documents when asked. `detected` on the
 * document equals `verdict.detected`.
 */
export interface DocumentVerdict extends PValue {
  /** Tests behind this document's p-value before the cross-document correction: 1, or windows + the whole document. */
  readonly tests: number;
  readonly correction: DocumentCorrection;
  readonly detected: boolean;
}

export interface DocumentResult extends ScoreSummary {
  readonly id: string;
  readonly tokens: number;
  /** The normalizers that changed this document's text before it was tokenized; absent when none did. */
  readonly normalized?: NormalizerName[];
  /** Distinct tuples of this document left out of its own test because another document of the run holds them too (they count once, in the aggregate). */
  readonly shared: number;
  readonly window?: WindowResult;
  readonly verdict: DocumentVerdict;
}

export interface AggregateResult extends ScoreSummary {
  readonly documents: number;
  readonly tokens: number;
}

export interface DetectionResult {
  readonly keyId: string;
  readonly scheme: SchemeName;
  readonly statistic: 'binomial' | 'gamma';
  readonly alpha: number;
  /** The normalizers enabled for text inputs, recorded whether or not they changed anything. */
  readonly normalization: NormalizerName[];
  readonly documents: DocumentResult[];
  readonly aggregate: AggregateResult;
  /** What a per-document verdict means in this run (see `describeDocumentTest`). */
  readonly documentTest: DocumentTestInfo;
}

/** How per-document verdicts were made, for the output and its reader. */
export interface DocumentTestInfo {
  /** Always `exclusive`: each document is scored only on tuples no other document of the run holds. */
  readonly tuples: 'exclusive';
  /** Distinct tuples held by more than one document: left out of every per-document test, counted once in the aggregate. */
  readonly sharedTuples: number;
  readonly correction: DocumentCorrection;
  readonly window: boolean;
  /** One sentence for people. */
  readonly meaning: string;
}

/** The `documentTest` block of a result: what a per-document verdict means when documents share text. */
export function describeDocumentTest(sharedTuples: number, correction: DocumentCorrection, window: boolean): DocumentTestInfo {
  const corrected =
    correction === 'holm' ? 'Holm-corrected across documents (chance of flagging any innocent document ≤ alpha)'
    : correction === 'bh' ? 'BH-corrected across documents (expected share of innocent documents among those flagged ≤ alpha)'
    : 'uncorrected across documents (about alpha × documents innocent documents are flagged by chance)';
  return {
    tuples: 'exclusive',
    sharedTuples,
    correction,
    window,
    meaning:
      `Each document is tested only on tuples that no other document in this run contains, so verdicts stay valid under one fixed key; ` +
      `${sharedTuples} tuple(s) shared between documents count once, in the aggregate only, and text a document shares with others cannot flag it. ` +
      (window ? 'A verdict is one test over the whole document and its windows (Bonferroni over all of them), ' : 'A verdict is the whole-document test, ') +
      `${corrected}.`,
  };
}

function checkAlpha(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  return alpha;
}

const ONE: PValue = { pValue: 1, log10PValue: 0 };

/** The exact upper tail of a score under the scheme's null distribution. */
export function scoreTail(core: Pick<SchemeCore, 'statistic' | 'trialsPerTuple' | 'nullProbability'>, scored: number, score: number): PValue {
  if (scored === 0) return ONE;
  if (core.statistic === 'binomial') return binomialUpperTail(Math.round(score), scored * core.trialsPerTuple, core.nullProbability);
  return gammaUpperTail(score, scored);
}

function summarize(core: SchemeCore, scored: number, score: number, alpha: number): ScoreSummary {
  const tail = scoreTail(core, scored, score);
  const trials = core.statistic === 'binomial' ? scored * core.trialsPerTuple : scored;
  const expected = core.statistic === 'binomial' ? trials * core.nullProbability : scored;
  return {
    scored,
    score,
    trials,
    expected,
    rate: trials > 0 ? score / trials : 0,
    pValue: tail.pValue,
    log10PValue: tail.log10PValue,
    detected: tail.pValue < alpha || tail.log10PValue < Math.log10(alpha),
  };
}

/** Growable parallel arrays of a document's scored tuples (value, token position, identity). */
class ScoredTrace {
  values = new Float64Array(256);
  positions = new Uint32Array(256);
  ids = new Uint32Array(512);
  length = 0;
  push(value: number, position: number, lo: number, hi: number): void {
    if (this.length === this.values.length) {
      const v = new Float64Array(this.length * 2);
      v.set(this.values);
      this.values = v;
      const p = new Uint32Array(this.length * 2);
      p.set(this.positions);
      this.positions = p;
      const i = new Uint32Array(this.length * 4);
      i.set(this.ids);
      this.ids = i;
    }
    this.values[this.length] = value;
    this.ids[2 * this.length] = lo;
    this.ids[2 * this.length + 1] = hi;
    this.positions[this.length++] = position;
  }
  /** The trace without the tuples another document also holds (in place). */
  dropShared(owners: TupleOwners): this {
    let k = 0;
    for (let j = 0; j < this.length; j++) {
      if (owners.isShared(this.ids[2 * j]!, this.ids[2 * j + 1]!)) continue;
      this.values[k] = this.values[j]!;
      this.positions[k] = this.positions[j]!;
      this.ids[2 * k] = this.ids[2 * j]!;
      this.ids[2 * k + 1] = this.ids[2 * j + 1]!;
      k++;
    }
    this.length = k;
    return this;
  }
}

/**
 * The most significant of the document's windows and the whole document itself (which counts as
 * one more window), Bonferroni-corrected for all of them; undefined when no window is narrower than
 * the document (then the whole-document test is the verdict).
 */
function bestWindow(core: SchemeCore, trace: ScoredTrace, whole: { tokens: number; score: number }, offset: number, sizes: readonly number[], alpha: number): WindowResult | undefined {
  const n = trace.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + trace.values[i]!;
  let tested = 0;
  let best: { start: number; width: number; score: number; tail: PValue } | undefined;
  for (const width of sizes) {
    if (!Number.isInteger(width) || width < 1) throw new RangeError(`window sizes must be positive integers, got ${width}`);
    if (width >= n) continue;
    const stride = Math.max(1, Math.floor(width / 4));
    let bestStart = 0;
    let bestScore = -Infinity;
    for (let s = 0; s + width <= n; s += stride) {
      tested++;
      const sc = prefix[s + width]! - prefix[s]!;
      if (sc > bestScore) (bestScore = sc), (bestStart = s);
    }
    const tail = scoreTail(core, width, bestScore);
    if (!best || tail.log10PValue < best.tail.log10PValue) best = { start: bestStart, width, score: bestScore, tail };
  }
  if (!best) return undefined;
  tested++;
  const wholeTail = scoreTail(core, n, whole.score);
  const wholeWins = wholeTail.log10PValue <= best.tail.log10PValue;
  if (wholeWins) best = { start: 0, width: n, score: whole.score, tail: wholeTail };
  const adjusted = bonferroniBound(best.tail, tested);
  return {
    start: wholeWins ? 0 : trace.positions[best.start]! - offset,
    end: wholeWins ? whole.tokens : trace.positions[best.start + best.width - 1]! - offset + 1,
    scored: best.width,
    score: best.score,
    windowsTested: tested,
    pValue: adjusted.pValue,
    log10PValue: adjusted.log10PValue,
    detected: adjusted.log10PValue < Math.log10(alpha),
  };
}

/** A document's running counts while the run goes on (its exclusive tuples only). */
interface DocumentState {
  readonly id: string;
  readonly tokens: number;
  readonly normalized: NormalizerName[];
  scored: number;
  readonly score: ExactSum;
  shared: number;
  readonly trace?: ScoredTrace;
  readonly offset: number;
}

/**
 * A detection run over many documents: one aggregate in which every distinct tuple across all
 * documents counts once, and per-document results (`documents()`) in which each document is
 * scored only on tuples no other document holds, which are final when every document has been
 * added. Memory grows with distinct tuples (16 bytes each in a TupleOwners) and, in windowed mode,
 * with every document's scored positions (20 bytes each), not with input size.
 */
export class DetectionSession {
  private readonly owners = new TupleOwners(1 << 16);
  private readonly excluded = new TupleSet(64);
  private readonly id = new Uint32Array(2);
  /** What `add` prepares into (see `prepareInto`). */
  private scratchIds = new Uint32Array(2048);
  private scratchScores = new Float64Array(1024);
  private aggScored = 0;
  private readonly aggScore = new ExactSum();
  private docs = 0;
  private tokenCount = 0;
  private sharedTuples = 0;
  /** Per-document state, kept unless `documents: false`. */
  private readonly states: DocumentState[] | undefined;
  readonly alpha: number;
  readonly correction: DocumentCorrection;
  /** The normalizers applied to text inputs, in order (empty: text is scored as written). */
  readonly normalization: NormalizerName[];
  private normalize: ((text: string) => NormalizeResult) | undefined;
  /** The normalizers that changed the text `toTokens` encoded last. */
  private lastNormalized: NormalizerName[] = [];

  constructor(
    private readonly core: SchemeCore,
    private readonly tokenizer: Tokenizer | undefined,
    private readonly options: DetectOptions = {},
  ) {
    this.alpha = checkAlpha(options.alpha ?? DEFAULT_ALPHA);
    this.correction = options.correction ?? 'none';
    if (!DOCUMENT_CORRECTIONS.includes(this.correction)) throw new RangeError(`correction must be one of ${DOCUMENT_CORRECTIONS.join(', ')}, got ${JSON.stringify(this.correction)}`);
    this.normalization = enabledNormalizers(options.normalize ?? {});
    this.states = options.documents === false ? undefined : [];
    const shard = options.shard;
    if (shard && !(Number.isInteger(shard.count) && shard.count >= 1 && Number.isInteger(shard.index) && shard.index >= 0 && shard.index < shard.count)) {
      throw new RangeError(`shard must be i/N with 0 ≤ i < N, got ${shard.index}/${shard.count}`);
    }
  }

  private toTokens(v: Uint32Array | string | undefined, what: string): Uint32Array {
    this.lastNormalized = [];
    if (v === undefined) return new Uint32Array(0);
    if (typeof v !== 'string') return v;
    if (!this.tokenizer) throw new TypeError(`${what} is text but the detector has no tokenizer`);
    if (this.normalization.length === 0) return this.tokenizer.encode(v);
    this.normalize ??= createNormalizer(this.options.normalize ?? {});
    const normalized = this.normalize(v);
    this.lastNormalized = normalized.applied;
    return this.tokenizer.encode(normalized.text);
  }

  /** Never score tuples occurring in `text` (for example every prompt of an audit). */
  exclude(text: Uint32Array | string): void {
    const tokens = this.toTokens(text, 'excluded text');
    for (let i = this.core.contextWidth; i < tokens.length; i++) {
      this.core.scoreAt(tokens, i, this.id);
      this.excluded.add(this.id[0]!, this.id[1]!);
    }
  }

  /** Score one document into the run; its result is final in `documents()` once every document is added. */
  add(input: DocumentInput | Uint32Array | string): void {
    // The prepared arrays do not outlive this call, so they are views of scratch arrays reused from
    // document to document instead of two new arrays per document (measured on 44 MiB of JSONL:
    // allocating and collecting them was about 10% of single-threaded `detect`).
    this.addPrepared(this.prepareInto(input, true));
  }

  /**
   * Phase one of scoring a document, independent of every other document: tokenize (and normalize)
   * it, then compute the PRF-input identity and score of each scorable position. Pure given the
   * session's key and options, so worker threads can run it in parallel; `addPrepared` then does
   * the order-dependent part (dedup, prompt exclusion, aggregation) exactly as `add` does.
   */
  prepare(input: DocumentInput | Uint32Array | string): PreparedDocument {
    return this.prepareInto(input, false);
  }

  /**
   * `prepare` into the session's scratch arrays: the result is valid only until the next call on
   * this session, for a caller that consumes it at once (a range summary of `detect --redis`).
   */
  prepareTransient(input: DocumentInput | Uint32Array | string): PreparedDocument {
    return this.prepareInto(input, true);
  }

  /** `prepare`, into the session's scratch arrays when `scratch` (the result is then valid until the next call). */
  private prepareInto(input: DocumentInput | Uint32Array | string, scratch: boolean): PreparedDocument {
    const doc: DocumentInput = typeof input === 'string' ? { text: input } : input instanceof Uint32Array ? { tokens: input } : input;
    const body = doc.tokens ?? this.toTokens(doc.text, 'document');
    const normalized = doc.tokens === undefined ? this.lastNormalized : [];
    const prompt = this.toTokens(doc.prompt, 'prompt');
    const core = this.core;
    const h = core.contextWidth;
    const promptIds = new Uint32Array(2 * Math.max(0, prompt.length - h));
    for (let i = h, j = 0; i < prompt.length; i++, j += 2) {
      core.scoreAt(prompt, i, this.id);
      promptIds[j] = this.id[0]!;
      promptIds[j + 1] = this.id[1]!;
    }
    const all = prompt.length > 0 ? new Uint32Array(prompt.length + body.length) : body;
    if (prompt.length > 0) (all.set(prompt), all.set(body, prompt.length));
    const first = Math.max(prompt.length, h);
    const n = Math.max(0, all.length - first);
    let ids: Uint32Array;
    let scores: Float64Array;
    // A document beyond MAX_SCRATCH positions gets arrays of its own, so that one huge document
    // does not leave the session holding 16 bytes per position of it for the rest of the run.
    if (scratch && n <= MAX_SCRATCH) {
      if (this.scratchScores.length < n) {
        let size = this.scratchScores.length * 2;
        while (size < n) size *= 2;
        this.scratchScores = new Float64Array(size);
        this.scratchIds = new Uint32Array(2 * size);
      }
      ids = this.scratchIds.subarray(0, 2 * n);
      scores = this.scratchScores.subarray(0, n);
    } else {
      ids = new Uint32Array(2 * n);
      scores = new Float64Array(n);
    }
    const windows = this.options.restrictWindows ? new Uint32Array(2 * n) : undefined;
    scoreRange(core, all, first, all.length, ids, scores);
    if (windows) {
      const win = new Uint32Array(2);
      for (let i = first, j = 0; i < all.length; i++, j++) {
        windowIdentity(all, i, h, win);
        windows[2 * j] = win[0]!;
        windows[2 * j + 1] = win[1]!;
      }
    }
    return { ...(doc.id !== undefined ? { id: doc.id } : {}), tokens: body.length, normalized, promptIds, ids, scores, first, offset: prompt.length, ...(windows ? { windows } : {}) };
  }

  /**
   * Phase two, for a document prepared here or elsewhere (a worker thread): dedup within the
   * document, prompt exclusion, aggregation, and the shared-tuple bookkeeping: the first document
   * holding a tuple owns it; when a second one holds it too, it leaves the first one's score and
   * neither scores it. A tuple's score depends on the tuple alone, so the one being added now is
   * the one to take back.
   */
  addPrepared(d: PreparedDocument): void {
    for (let j = 0; j < d.promptIds.length; j += 2) this.excluded.add(d.promptIds[j]!, d.promptIds[j + 1]!);
    const index = this.docs;
    const wantWindow = this.states !== undefined && this.options.window !== undefined && this.options.window !== false;
    const state: DocumentState = {
      id: d.id ?? `doc-${index + 1}`,
      tokens: d.tokens,
      normalized: d.normalized,
      scored: 0,
      score: new ExactSum(),
      shared: 0,
      offset: d.offset,
      ...(wantWindow ? { trace: new ScoredTrace() } : {}),
    };
    const states = this.states;
    const owners = this.owners;
    const excluded = this.excluded.size > 0 ? this.excluded : undefined;
    const restrict = this.options.restrictTo;
    const windows = this.options.restrictWindows;
    const shard = this.options.shard;
    const trace = state.trace;
    const ids = d.ids;
    const scores = d.scores;
    for (let j = 0; j < scores.length; j++) {
      const lo = ids[2 * j]!;
      const hi = ids[2 * j + 1]!;
      if (shard && shardOf(lo, hi, shard.count) !== shard.index) continue;
      if (excluded && excluded.has(lo, hi)) continue;
      if (restrict && !restrict.has(lo, hi)) continue;
      if (windows && (!d.windows || !windows.has(d.windows[2 * j]!, d.windows[2 * j + 1]!))) continue;
      // One probe does both dedups: within this document (REPEAT) and across the run.
      const previous = owners.claim(lo, hi, index);
      if (previous === REPEAT) continue;
      const s = scores[j]!;
      trace?.push(s, d.first + j, lo, hi);
      if (previous === 0) {
        this.aggScored++;
        this.aggScore.add(s);
        state.scored++;
        state.score.add(s);
        continue;
      }
      state.shared++;
      if (previous === SHARED) continue;
      this.sharedTuples++;
      const owner = states?.[previous - 1];
      if (owner) {
        owner.scored--;
        owner.score.subtract(s);
        owner.shared++;
      }
    }
    this.docs++;
    this.tokenCount += d.tokens;
    states?.push(state);
  }

  /** What a per-document verdict means in this run. */
  documentTest(): DocumentTestInfo {
    return describeDocumentTest(this.sharedTuples, this.correction, this.options.window !== undefined && this.options.window !== false);
  }

  /**
   * The per-document results, final once every document of the run is added (a later document
   * can still take shared tuples out of an earlier one). Empty with `documents: false`.
   */
  documents(): DocumentResult[] {
    const states = this.states ?? [];
    const opts = typeof this.options.window === 'object' ? this.options.window : {};
    const base = states.map((st) => {
      const summary = summarize(this.core, st.scored, st.score.value(), this.alpha);
      const window = st.trace
        ? bestWindow(this.core, st.trace.dropShared(this.owners), { tokens: st.tokens, score: summary.score }, st.offset, opts.sizes ?? DEFAULT_WINDOW_SIZES, this.alpha)
        : undefined;
      return { st, summary, window };
    });
    const adjusted = correctAcrossDocuments(base.map(({ summary, window }) => window ?? summary), this.correction);
    return base.map(({ st, summary, window }, i) => {
      const p = adjusted[i]!;
      const detected = p.log10PValue < Math.log10(this.alpha);
      return {
        id: st.id,
        tokens: st.tokens,
        ...(st.normalized.length > 0 ? { normalized: st.normalized } : {}),
        ...summary,
        detected,
        shared: st.shared,
        ...(window ? { window } : {}),
        verdict: { pValue: p.pValue, log10PValue: p.log10PValue, tests: window?.windowsTested ?? 1, correction: this.correction, detected },
      };
    });
  }

  /** The exact per-document counts of a shard (see `tracemark merge`); final once every document is added. */
  partialDocuments(): PartialDocument[] {
    return (this.states ?? []).map((st) => ({ id: st.id, tokens: st.tokens, scored: st.scored, scoreUnits: st.score.toJSON(), shared: st.shared }));
  }

  /** The aggregate's exact counts, for a shard's partial result. */
  partialAggregate(): { documents: number; tokens: number; scored: number; scoreUnits: string; sharedTuples: number } {
    return { documents: this.docs, tokens: this.tokenCount, scored: this.aggScored, scoreUnits: this.aggScore.toJSON(), sharedTuples: this.sharedTuples };
  }

  aggregate(): AggregateResult {
    return {
      documents: this.docs,
      tokens: this.tokenCount,
      ...summarize(this.core, this.aggScored, this.aggScore.value(), this.alpha),
    };
  }
}

export interface Detector {
  readonly keyId: string;
  readonly scheme: SchemeName;
  readonly statistic: 'binomial' | 'gamma';
  /** Start a session that scores documents one at a time (streaming input); per-document results come from `documents()` once every document is added. */
  session(options?: DetectOptions): DetectionSession;
  /** Score documents (token ids or text) and their aggregate. */
  detect(inputs: ReadonlyArray<DocumentInput | Uint32Array | string> | DocumentInput | Uint32Array | string, options?: DetectOptions): DetectionResult;
}

export interface DetectorOptions {
  /** Needed to score text; must be the key's tokenizer (name and vocabulary hash). */
  readonly tokenizer?: Tokenizer;
}

/**
 * @throws TokenizerMismatchError when `tokenizer` is not the one the key was made for.
 * @example
 * const result = createDetector(key, { tokenizer }).detect(['some text']);
 * result.aggregate.log10PValue; // e.g. -12.3 for 200 watermarked tokens
 */
export function createDetector(key: WatermarkKey, options: DetectorOptions = {}): Detector {
  if (options.tokenizer) assertSameTokenizer(key.tokenizer, options.tokenizer.identity(), `key ${key.keyId}`);
  const core = createSchemeCore(key);
  return {
    keyId: key.keyId,
    scheme: key.scheme,
    statistic: core.statistic,
    session: (o) => new DetectionSession(core, options.tokenizer, o),
    detect(inputs, o = {}) {
      const list = Array.isArray(inputs) ? inputs : [inputs as DocumentInput | Uint32Array | string];
      const session = new DetectionSession(core, options.tokenizer, o);
      for (const d of list) session.add(d);
      return {
        keyId: key.keyId,
        scheme: key.scheme,
        statistic: core.statistic,
        alpha: session.alpha,
        normalization: session.normalization,
        documents: session.documents(),
        aggregate: session.aggregate(),
        documentTest: session.documentTest(),
      };
    },
  };
}
