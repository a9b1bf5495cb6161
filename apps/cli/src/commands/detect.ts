/**
 * `tracemark detect`: score text files or JSONL documents against a watermark key and report
 * exact p-values per document and for the deduplicated aggregate.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { createDetector, createSchemeCore, type DetectionResult, type DocumentCorrection, type DocumentResult, type PartialDocument, type PreparedDocument } from '@tracemark/watermark';
import { BATCH_DOCUMENTS, DetectPool } from '../detect-pool.ts';
import { basename } from 'node:path';
import { ExitCode, InputError } from '../errors.ts';
import { formatPValue, formatRate, renderTable } from '../format.ts';
import { parseJsonlLine, readLines, readTextInput } from '../io.ts';
import { jsonlDocument } from '../jsonl-document.ts';
import { prepareJsonlLines } from '../prepare-jsonl-lines.ts';
import { loadKeyFile, tokenizerForKey } from '../keys.ts';
import { createProgress } from '../progress.ts';
import { argument, defineCommand, flag, option } from '../command.ts';
import { parseAlpha, parseNumber, parseShard } from '../option-parsers.ts';

export interface DetectCommandOptions {
  key: string;
  inputs: string[];
  format?: 'text' | 'jsonl';
  /** JSONL field holding the text; default `text`, falling back to `response`. */
  field?: string;
  /** JSONL field holding a prompt whose tuples are excluded (used when present). */
  promptField?: string;
  alpha: number;
  window?: boolean;
  /** Correction of per-document verdicts across the run's documents (default none). */
  correct?: DocumentCorrection;
  tokenizer?: string;
  /** Score only tuples routed to shard index/count and return a mergeable partial result. */
  shard?: { index: number; count: number };
  /** Keep no per-document results (bounded memory on very large inputs). */
  summary?: boolean;
  /** false: score text exactly as written (default: the detection-side normalizers). */
  normalize?: boolean;
  /** Threads for JSONL inputs, this one included (n - 1 workers); undefined = automatic (all cores, up to 4, from 64 MiB of JSONL). */
  threads?: number;
  quiet?: boolean;
}

export const PARTIAL_TYPE = 'tracemark.detect-partial';

/** One shard's exact counts; `tracemark merge` sums the shards and computes the p-values. */
export interface DetectPartial {
  type: typeof PARTIAL_TYPE;
  version: 1;
  keyId: string;
  scheme: string;
  statistic: 'binomial' | 'gamma';
  trialsPerTuple: number;
  nullProbability: number | null;
  tokenizer: { name: string; vocabSize: number; hash: string };
  alpha: number;
  normalization: string[];
  shard: { index: number; count: number };
  /** Applied by `merge` to the merged per-document p-values. */
  correction: DocumentCorrection;
  inputs: string[];
  /**
   * Per-document counts over this shard's tuples, each document's shared tuples already left out.
   * Exact: a tuple is routed to one shard, and that shard sees every document, so it knows every
   * document holding the tuple; the shards' counts add up to the single run's.
   */
  documents: PartialDocument[];
  aggregate: { documents: number; tokens: number; scored: number; scoreUnits: string; sharedTuples: number };
}

export type DetectCommandResult = DetectionResult & {
  tokenizer: { name: string; vocabSize: number; hash: string };
  inputs: string[];
};

/**
 * Below 64 MiB of JSONL, starting workers (each loads its modules and the tokenizer's rank table,
 * ≈0.8 s of CPU from the TypeScript sources, then runs cold code for its first batches) costs more
 * than it saves on two cores. Measured in-process, 1 thread vs this thread + 1 worker, wall time on
 * the shared 2-core machine: 16 MiB 0.8 vs 1.6 s, 44 MiB 1.8 vs 1.9 s, 160 MiB 7.6 vs 5.4 s.
 */
const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;

async function automaticThreads(jsonlPaths: string[]): Promise<number> {
  let bytes = 0;
  for (const p of jsonlPaths) if (p !== '-') bytes += (await stat(p).catch(() => ({ size: 0 }))).size;
  return bytes >= PARALLEL_MIN_BYTES ? Math.min(availableParallelism(), 4) : 1;
}

export function formatOf(path: string, explicit?: 'text' | 'jsonl'): 'text' | 'jsonl' {
  if (explicit) return explicit;
  return /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'text';
}

export async function detect(o: DetectCommandOptions): Promise<DetectCommandResult> {
  const r = await runDetect(o);
  if (r.kind !== 'full') throw new Error('detect: use detectPartial for sharded runs');
  return r.result;
}

export async function detectPartial(o: DetectCommandOptions & { shard: { index: number; count: number } }): Promise<DetectPartial> {
  const r = await runDetect(o);
  if (r.kind !== 'partial') throw new Error('detectPartial: no shard given');
  return r.partial;
}

async function runDetect(o: DetectCommandOptions): Promise<{ kind: 'full'; result: DetectCommandResult } | { kind: 'partial'; partial: DetectPartial }> {
  // Workers start first: their start-up (modules, tokenizer) overlaps this thread's own.
  const threads = o.threads ?? (await automaticThreads(o.inputs.filter((p) => formatOf(p, o.format) === 'jsonl')));
  const promptField = o.promptField ?? 'prompt';
  const workerData = { key: o.key, normalize: o.normalize !== false, promptField, ...(o.tokenizer ? { tokenizer: o.tokenizer } : {}), ...(o.field ? { field: o.field } : {}) };
  const pool = threads > 1
    ? DetectPool.start(threads, workerData, (docs) => docs.forEach(addPrepared), {
        add: (path, lines) => lines.forEach(({ line, text }) => addLine(path, line, text)),
        prepare: (path, lines) => prepareJsonlLines(session, path, lines, o.field, promptField),
      })
    : undefined;
  let scoring: Scoring;
  try {
    scoring = await openScoring(o);
  } catch (e) {
    await pool?.close();
    throw e;
  }
  const { tokenizer, detector, session } = scoring;
  let count = 0;
  const addDoc = (doc: { id: string; text: string; prompt?: string }) => {
    session.add(doc);
    count++;
  };
  const addPrepared = (doc: PreparedDocument) => {
    session.addPrepared(doc);
    count++;
  };
  const addLine = (path: string, line: number, text: string) => addDoc(jsonlDocument(path, line, parseJsonlLine(path, line, text), o.field, promptField));
  let batch: { line: number; text: string }[] = [];
  let batchPath = '';
  const flush = async () => {
    if (batch.length > 0 && pool) await pool.submit(batchPath, batch);
    batch = [];
  };
  const inputs = o.inputs.length > 0 ? o.inputs : ['-'];
  const progress = createProgress('detect', { quiet: o.quiet ?? false });
  const readInputs = async () => {
    for (const path of inputs) {
      if (formatOf(path, o.format) === 'text') {
        const text = await readTextInput(path);
        if (text.trim() === '') throw new InputError(`${path}: empty text (nothing to score)`);
        await flush();
        await pool?.drain();
        addDoc({ id: path, text });
        progress.update(count);
        continue;
      }
      let inFile = 0;
      await flush();
      batchPath = path;
      for await (const { line, text } of readLines(path)) {
        if (pool) {
          // The pool scores the batch on a worker, or here when the workers are busy; this thread also reads and deduplicates.
          batch.push({ line, text });
          if (batch.length >= BATCH_DOCUMENTS) await flush();
        } else addLine(path, line, text);
        inFile++;
        progress.update(count);
      }
      if (inFile === 0) throw new InputError(`${path}: no documents (the file is empty)`);
    }
  };
  try {
    await readInputs();
    await flush();
    await pool?.drain();
  } finally {
    await pool?.close();
  }
  progress.done();
  if (o.shard) return { kind: 'partial', partial: shardResult(scoring, o.shard, inputs) };
  return { kind: 'full', result: {
    keyId: detector.keyId,
    scheme: detector.scheme,
    statistic: detector.statistic,
    alpha: session.alpha,
    normalization: session.normalization,
    tokenizer: tokenizer.identity(),
    inputs,
    documents: session.documents(),
    aggregate: session.aggregate(),
    documentTest: session.documentTest(),
  } };
}

export type Scoring = Awaited<ReturnType<typeof openScoring>>;

/** The key's detector and one scoring session; the key's secret is zeroed once both exist. */
export async function openScoring(o: DetectCommandOptions) {
  // The window search needs every scored position of a document, which a shard does not have.
  if (o.shard && o.window) throw new InputError('--window cannot be combined with --shard (a shard scores only part of each document); run --window without sharding');
  const key = await loadKeyFile(o.key);
  const tokenizer = await tokenizerForKey(key, o.tokenizer);
  const detector = createDetector(key, { tokenizer });
  const core = createSchemeCore(key);
  key.secret.fill(0);
  const session = detector.session({
    alpha: o.alpha,
    window: o.window ?? false,
    correction: o.correct ?? 'none',
    documents: !(o.summary ?? false),
    ...(o.shard ? { shard: o.shard } : {}),
    ...(o.normalize === false ? { normalize: false as const } : {}),
  });
  return { tokenizer, detector, core, session };
}

/** What `merge` checks is the same in every part before adding parts up: key, scheme, tokenizer, alpha, normalization, correction. */
export function partialSetUp({ tokenizer, detector, core, session }: Scoring): Omit<DetectPartial, 'shard' | 'inputs' | 'documents' | 'aggregate'> {
  return {
    type: PARTIAL_TYPE,
    version: 1,
    keyId: detector.keyId,
    scheme: detector.scheme,
    statistic: core.statistic,
    trialsPerTuple: core.trialsPerTuple,
    nullProbability: core.statistic === 'binomial' ? core.nullProbability : null,
    tokenizer: tokenizer.identity(),
    alpha: session.alpha,
    normalization: session.normalization,
    correction: session.correction,
  };
}

/** One shard's counts, with everything `merge` checks before adding shards up. */
function shardResult(scoring: Scoring, shard: { index: number; count: number }, inputs: string[]): DetectPartial {
  const { session } = scoring;
  return {
    ...partialSetUp(scoring),
    shard,
    inputs: inputs.map((i) => basename(i)),
    documents: session.partialDocuments(),
    aggregate: session.partialAggregate(),
  };
}

/** The JSON shape documented in the README. */
export function detectJson(r: DetectCommandResult): unknown {
  const pick = (d: DocumentResult) => ({
    id: d.id,
    tokens: d.tokens,
    scored: d.scored,
    score: d.score,
    rate: d.rate,
    pValue: d.pValue,
    log10PValue: d.log10PValue,
    detected: d.detected,
    shared: d.shared,
    ...(d.normalized ? { normalized: d.normalized } : {}),
    ...(d.window ? { window: d.window } : {}),
    verdict: d.verdict,
  });
  return {
    keyId: r.keyId,
    scheme: r.scheme,
    statistic: r.statistic,
    tokenizer: r.tokenizer,
    alpha: r.alpha,
    normalization: r.normalization,
    documentTest: r.documentTest,
    documents: r.documents.map(pick),
    aggregate: {
      documents: r.aggregate.documents,
      tokens: r.aggregate.tokens,
      scored: r.aggregate.scored,
      score: r.aggregate.score,
      rate: r.aggregate.rate,
      expectedRate: r.aggregate.trials > 0 ? r.aggregate.expected / r.aggregate.trials : null,
      pValue: r.aggregate.pValue,
      log10PValue: r.aggregate.log10PValue,
      detected: r.aggregate.detected,
    },
  };
}

const MAX_ROWS = 50;

export function renderDetect(r: DetectCommandResult): string {
  const rateName = r.scheme === 'gumbel' ? 'mean score' : r.scheme === 'synthid' || r.scheme === 'synthid-hf' ? 'mean g' : 'green rate';
  const verdict = (detected: boolean) => (detected ? 'WATERMARK DETECTED' : 'not detected');
  const t = r.documentTest;
  // The verdict column shows the one p-value the verdict rests on when it is not the document's own.
  const combined = t.window || t.correction !== 'none';
  const passage = (d: DocumentResult) =>
    d.window && d.detected && (d.window.start > 0 || d.window.end < d.tokens) ? ` (passage at tokens ${d.window.start}-${d.window.end})` : '';
  const rows = r.documents.slice(0, MAX_ROWS).map((d) => [
    d.id,
    d.tokens,
    d.scored,
    d.shared,
    formatRate(d.rate),
    formatPValue(d.log10PValue),
    ...(combined ? [formatPValue(d.verdict.log10PValue)] : []),
    verdict(d.detected) + passage(d),
  ]);
  const a = r.aggregate;
  const expectedRate = a.trials > 0 ? a.expected / a.trials : 0;
  const lines = [
    `key ${r.keyId} (${r.scheme}, tokenizer ${r.tokenizer.name}), alpha ${r.alpha}, text normalized: ${r.normalization.join(', ') || 'off'}`,
    '',
    renderTable(['document', 'tokens', 'scored', 'shared', rateName, 'p-value', ...(combined ? ['verdict p'] : []), 'verdict'], rows),
  ];
  if (r.documents.length > MAX_ROWS) lines.push(`… ${r.documents.length - MAX_ROWS} more documents (use --json for all)`);
  lines.push(
    '',
    `aggregate over ${a.documents} document(s): ${a.scored} distinct tuples scored of ${a.tokens} tokens, ` +
      `${rateName} ${formatRate(a.rate)} (null ${formatRate(expectedRate)}), p = ${formatPValue(a.log10PValue)} → ${verdict(a.detected)}`,
  );
  if (r.documents.length > 0) lines.push('', `note: ${t.meaning}`);
  return lines.join('\n');
}

export const command = defineCommand({
  name: 'detect',
  description: 'test text for a watermark: exact p-values per document and for the deduplicated aggregate',
  options: {
    inputs: argument<string[]>('[files...]', 'text files (one document each) or JSONL files (one document per line); - or none for stdin'),
    key: option('--key <file>', 'watermark key file').required(),
    format: option('--format <format>', 'input format (default: jsonl for .jsonl/.ndjson files, else text)', { choices: ['text', 'jsonl'] as const }),
    field: option('--field <name>', 'JSONL field with the text (default: text, else response)'),
    promptField: option('--prompt-field <name>', 'JSONL field with a prompt whose tuples are never scored').default('prompt'),
    alpha: option('--alpha <α>', 'significance level for the verdict', { parse: parseAlpha }).default(1e-3),
    window: flag('--window', 'also search each document for a watermarked passage: one verdict over the whole document and its windows (Bonferroni over all)'),
    correct: option('--correct <method>', 'correct per-document verdicts across documents: holm (no innocent document flagged, at α), bh (false discovery rate α) or none', { choices: ['holm', 'bh', 'none'] as const }).default('none'),
    tokenizer: option('--tokenizer <name|path>', "tokenizer to score with (default: the key's)"),
    failOnDetect: flag('--fail-on-detect', 'exit 1 when the aggregate is detected'),
    shard: option('--shard <i/N>', 'score only the tuples routed to shard i of N and print a partial result for `tracemark merge`', { parse: parseShard }),
    summary: flag('--summary', 'keep no per-document results (bounded memory on very large inputs)'),
    threads: option('--threads <n>', 'threads for JSONL input, this one included (default: all cores, up to 4, from 64 MiB of JSONL; 1 = this thread only)', { parse: parseNumber('threads', 1, 64, true) }),
    normalize: flag('--no-normalize', 'score text exactly as written (default: remove invisible characters, fold look-alike letters, NFKC forms, shouted or scrambled case and odd whitespace first)'),
    json: flag('--json', 'print JSON instead of a table'),
  },
  async run({ json, failOnDetect, shard, window, ...o }, { io, emit, setExit }) {
    if (shard) {
      // A partial result is always JSON: it is input to `tracemark merge`, not for reading.
      io.stdout(`${JSON.stringify(await detectPartial({ ...o, shard, window, quiet: true }))}\n`);
      return;
    }
    const r = await detect({ ...o, window, quiet: json });
    emit(json, detectJson(r), renderDetect(r));
    if (failOnDetect && r.aggregate.detected) setExit(ExitCode.detected);
  },
});
