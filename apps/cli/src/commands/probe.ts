/**
 * `tracemark probe`: send a probe suite to an OpenAI-compatible endpoint and record a transcript
 * (resumable; see @tracemark/probe), or export the suite as an OpenAI Batch API input file, or
 * import a batch output file into a transcript.
 */
import {
  BUILTIN_SUITES,
  isBuiltinSuite,
  loadBuiltinSuite,
  type LoadedProbeSuite,
  parseProbeSuite,
  type TranscriptParams,
} from '@tracemark/fingerprint';
import {
  AbortedError,
  exportBatch,
  importBatch,
  mergeIntoTranscript,
  type ProbeRunResult,
  runProbe,
} from '@tracemark/probe';
import { ExitCode, InputError, IoError } from '../errors.ts';
import { renderTable } from '../format.ts';
import { checkOutput, readTextInput, writeOutput } from '../io.ts';
import { createProgress } from '../progress.ts';
import { defineCommand, flag, option } from '../command.ts';
import { parseNumber } from '../option-parsers.ts';

export interface ProbeCommandOptions {
  /** Base URL of the OpenAI-compatible API (e.g. http://127.0.0.1:8080/v1). Not needed for --export-batch / --import-batch. */
  endpoint?: string;
  model: string;
  /** Name of the environment variable holding the API key (never the key itself). */
  apiKeyEnv?: string;
  /** `default`, `default-v1`, or a suite JSON file. */
  suite?: string;
  samples?: number;
  temperature?: number;
  seed?: number;
  logprobs?: number;
  maxTokens?: number;
  concurrency?: number;
  /** Per-attempt timeout in seconds. */
  timeout?: number;
  /** Attempts per request (first included). */
  retries?: number;
  out?: string;
  exportBatch?: string;
  importBatch?: string;
  /** Overwrite an existing --export-batch file. */
  force?: boolean;
  quiet?: boolean;
  /** Aborts the run (the CLI wires Ctrl-C to it). */
  signal?: AbortSignal;
  /** Test hook: retry backoff scale in ms (default 500). */
  retryBaseDelayMs?: number;
}

export type ProbeCommandResult =
  | ({ mode: 'probe'; suiteSource: string } & ProbeRunResult)
  | { mode: 'export-batch'; file: string; requests: number; suite: { name: string; version: string; hash: string } }
  | {
      mode: 'import-batch';
      out: string;
      created: boolean;
      written: number;
      skipped: number;
      failures: { customId: string; error: string }[];
      complete: boolean;
      suite: { name: string; version: string; hash: string };
    };

/** Load `default`/`default-v1` or a suite file (a bad one raises ProbeSuiteError, an InputError). */
export async function loadSuiteOption(suite = 'default'): Promise<LoadedProbeSuite> {
  if (isBuiltinSuite(suite)) return loadBuiltinSuite(suite);
  return parseProbeSuite(await readTextInput(suite), suite);
}

function paramsOf(o: ProbeCommandOptions): TranscriptParams {
  return {
    samples: o.samples ?? 1,
    temperature: o.temperature ?? null,
    seed: o.seed ?? null,
    logprobs: o.logprobs ?? null,
    maxTokens: o.maxTokens ?? null,
  };
}

function suiteInfo(s: LoadedProbeSuite) {
  return { name: s.suite.name, version: s.suite.version, hash: s.hash };
}

function apiKeyOf(o: ProbeCommandOptions): string | undefined {
  if (o.apiKeyEnv === undefined) return undefined;
  const key = process.env[o.apiKeyEnv];
  if (key === undefined || key === '') throw new InputError(`--api-key-env ${o.apiKeyEnv}: the environment variable is not set`);
  return key;
}

export async function probe(o: ProbeCommandOptions): Promise<ProbeCommandResult> {
  const modes = [o.exportBatch, o.importBatch].filter((x) => x !== undefined).length;
  if (modes > 1) throw new InputError('give at most one of --export-batch and --import-batch');
  const suite = await loadSuiteOption(o.suite);
  const params = paramsOf(o);
  try {
    if (o.exportBatch !== undefined) {
      const lines = exportBatch(suite, o.model, params);
      await writeOutput(o.exportBatch, `${lines.join('\n')}\n`, { force: o.force ?? false });
      return { mode: 'export-batch', file: o.exportBatch, requests: lines.length, suite: suiteInfo(suite) };
    }
    if (o.out === undefined) throw new InputError('--out <transcript.jsonl> is required');
    // A transcript is resumed or added to, so it may exist; its folder must, and it must be a file.
    await checkOutput(o.out, { mayExist: true });
    if (o.importBatch !== undefined) {
      const text = await readTextInput(o.importBatch);
      if (text.trim() === '') throw new InputError(`${o.importBatch}: empty file (no Batch API answers to import)`);
      const imported = importBatch(text, o.importBatch, suite, o.model, params);
      const merged = await mergeIntoTranscript(o.out, imported.header, imported.records);
      return {
        mode: 'import-batch',
        out: o.out,
        created: merged.created,
        written: merged.written,
        skipped: merged.skipped,
        failures: imported.failures,
        complete: imported.failures.length === 0,
        suite: suiteInfo(suite),
      };
    }
    if (o.endpoint === undefined) throw new InputError('--endpoint <url> is required (or use --export-batch / --import-batch)');
    const apiKey = apiKeyOf(o);
    const progress = createProgress('probe', { quiet: o.quiet ?? false });
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    const signal = o.signal ? AbortSignal.any([o.signal, controller.signal]) : controller.signal;
    process.once('SIGINT', onSigint);
    let r: ProbeRunResult;
    try {
      r = await runProbe({
        endpoint: o.endpoint,
        model: o.model,
        ...(apiKey ? { apiKey } : {}),
        suite,
        samples: params.samples,
        ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        ...(o.logprobs !== undefined ? { logprobs: o.logprobs } : {}),
        ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
        ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
        ...(o.timeout !== undefined ? { timeoutMs: o.timeout * 1000 } : {}),
        retry: {
          ...(o.retries !== undefined ? { maxAttempts: o.retries } : {}),
          ...(o.retryBaseDelayMs !== undefined ? { baseDelayMs: o.retryBaseDelayMs } : {}),
        },
        out: o.out,
        signal,
        onProgress: (e) =>
          e.phase === 'detecting'
            ? progress.update(0, e.total, 'checking endpoint capabilities')
            : progress.update(e.done, e.total, e.failed || e.retries ? `${e.failed} failed, ${e.retries} retries` : undefined),
      });
    } finally {
      process.removeListener('SIGINT', onSigint);
      progress.done();
    }
    if (r.interrupted)
      throw new IoError(`interrupted: ${r.alreadyDone + r.recorded} of ${r.total} answers are saved in ${r.out}; rerun the same command to resume`);
    return { mode: 'probe', suiteSource: suite.source, ...r };
  } catch (e) {
    // TranscriptError, ResumeMismatchError, BatchError (input, 2) and EndpointFailure (I/O, 3)
    // carry their exit codes; only an abort before the run started needs saying what was kept.
    if (e instanceof AbortedError) throw new IoError(`interrupted before the run started; nothing was recorded in ${o.out}`);
    throw e;
  }
}

/** The JSON printed by `--json`. */
export function probeJson(r: ProbeCommandResult): unknown {
  if (r.mode !== 'probe') return r;
  return {
    mode: r.mode,
    out: r.out,
    suite: r.header.suite,
    endpoint: r.header.endpoint,
    model: r.header.model,
    params: r.header.params,
    capabilities: r.header.capabilities,
    total: r.total,
    alreadyDone: r.alreadyDone,
    recorded: r.recorded,
    failures: r.failures,
    retries: r.retries,
    resumed: r.resumed,
    repairedTail: r.repairedTail,
    complete: r.complete,
    elapsedMs: r.elapsedMs,
  };
}

export function renderProbe(r: ProbeCommandResult): string {
  if (r.mode === 'export-batch')
    return `wrote ${r.requests} batch requests for suite ${r.suite.name}@${r.suite.version} (${r.suite.hash}) to ${r.file}\nsubmit it to the Batch API, then import the output with --import-batch <output.jsonl> --out <transcript.jsonl>`;
  if (r.mode === 'import-batch') {
    const lines = [`${r.created ? 'created' : 'added to'} ${r.out}: ${r.written} answers imported, ${r.skipped} already present`];
    if (r.failures.length > 0) {
      lines.push(`${r.failures.length} batch requests failed (not imported):`);
      for (const f of r.failures.slice(0, 10)) lines.push(`  ${f.customId}: ${f.error}`);
    }
    return lines.join('\n');
  }
  const c = r.header.capabilities;
  const lines = [
    `${r.out}: ${r.alreadyDone + r.recorded}/${r.total} answers (${r.recorded} new${r.resumed ? `, resumed with ${r.alreadyDone}` : ''}${r.repairedTail ? ', repaired a torn final line' : ''}), ${r.retries} retries, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `suite ${r.header.suite.name}@${r.header.suite.version} (${r.header.suite.hash}), model ${r.header.model} at ${r.header.endpoint}`,
    `capabilities: logprobs ${c.logprobs === null ? 'unknown' : c.logprobs ? `yes${c.topLogprobs ? ` (top ${c.topLogprobs})` : ''}` : 'no'}, seed ${c.seed}`,
  ];
  if (r.failures.length > 0) {
    lines.push('', `${r.failures.length} requests failed after retries (rerun the same command to retry them):`);
    lines.push(renderTable(['probe', 'sample', 'error'], r.failures.slice(0, 20).map((f) => [f.probeId, f.sample, f.error])));
  }
  return lines.join('\n');
}

export const command = defineCommand({
  name: 'probe',
  description: 'send a probe suite to an OpenAI-compatible endpoint and record a resumable transcript (or export/import an OpenAI batch)',
  options: {
    model: option('--model <name>', 'model name sent in each request and recorded in the transcript').required(),
    endpoint: option('--endpoint <url>', 'base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1'),
    apiKeyEnv: option('--api-key-env <VAR>', 'environment variable holding the API key (the key is never recorded)'),
    suite: option('--suite <default|file>', `probe suite: ${Object.keys(BUILTIN_SUITES).join(', ')}, or a suite JSON file`).default('default'),
    samples: option('--samples <n>', 'samples per probe, 1–1000', { parse: parseNumber('samples', 1, 1000, true) }).default(1),
    temperature: option('--temperature <t>', 'sampling temperature, 0–2', { parse: parseNumber('temperature', 0, 2) }),
    seed: option('--seed <s>', 'base seed (sample i is sent seed + i)', { parse: parseNumber('seed', 0, 2 ** 31 - 1, true) }),
    logprobs: option('--logprobs <k>', 'request log-probabilities with k alternatives per token, 0–20', { parse: parseNumber('logprobs', 0, 20, true) }),
    maxTokens: option('--max-tokens <n>', "cap on every probe's max_tokens", { parse: parseNumber('max-tokens', 1, 1_000_000, true) }),
    concurrency: option('--concurrency <c>', 'requests in flight, 1–256', { parse: parseNumber('concurrency', 1, 256, true) }).default(4),
    timeout: option('--timeout <seconds>', 'per-attempt timeout (a stalled request is retried)', { parse: parseNumber('timeout', 0.001, 86_400) }).default(120),
    retries: option('--retries <n>', 'attempts per request, first included, 1–100', { parse: parseNumber('retries', 1, 100, true) }).default(6),
    out: option('--out <file>', 'transcript JSONL (appended and fsynced per answer; rerun to resume)'),
    exportBatch: option('--export-batch <file>', 'write the suite as an OpenAI Batch API input file instead of calling an endpoint'),
    importBatch: option('--import-batch <file>', 'import an OpenAI Batch API output file into --out'),
    force: flag('--force', 'overwrite an existing --export-batch file'),
    json: flag('--json', 'print a JSON summary'),
  },
  async run({ json, ...o }, { emit, setExit }) {
    const r = await probe({ ...o, quiet: json });
    emit(json, probeJson(r), renderProbe(r));
    if (r.mode !== 'export-batch' && !r.complete) setExit(ExitCode.runtime);
  },
});
