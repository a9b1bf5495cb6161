/**
 * `runProbe`: send every (probe, sample) of a suite to an endpoint and append each answer to a
 * transcript the moment it arrives. Re-running with the same output resumes: the transcript is
 * read first, its header must match this run (suite hash, model, endpoint, parameters), and only
 * the missing pairs are requested, so no pair is ever recorded twice.
 */
import {
  type EndpointCapabilities,
  type LoadedProbeSuite,
  type Probe,
  recordKey,
  TRANSCRIPT_FORMAT,
  TRANSCRIPT_FORMAT_VERSION,
  type TranscriptHeader,
  type TranscriptParams,
} from '@tracemark/fingerprint';
import { AbortedError, ChatClient, HttpStatusError, RetriesExhaustedError } from './chat-client.ts';
import { detectCapabilities } from './detect-capabilities.ts';
import { type RetryPolicy } from './retry-policy.ts';
import { buildRequestBody, readChoice, responseRecord } from './request-body.ts';
import { createTranscriptFile, readTranscriptForResume, TranscriptWriter } from './transcript-writer.ts';
import { InputError, IoError } from '@tracemark/errors';

export const TOOL = { name: 'tracemark', version: '0.1.0' } as const;

/** The transcript at `--out` was recorded by a different run; resuming into it would mix data. */
export class ResumeMismatchError extends InputError {
  override name = 'ResumeMismatchError';
}

/** The endpoint kept failing (every request of a stretch exhausted its retries, or auth/model errors). */
export class EndpointFailure extends IoError {
  override name = 'EndpointFailure';
}

export interface ProbeRunOptions {
  readonly endpoint: string;
  readonly model: string;
  readonly apiKey?: string;
  readonly suite: LoadedProbeSuite;
  /** Samples per probe; default 1. */
  readonly samples?: number;
  readonly temperature?: number;
  readonly seed?: number;
  /** Request log-probabilities with this many alternatives per token (0 = chosen token only). */
  readonly logprobs?: number;
  /** Cap on every probe's max_tokens. */
  readonly maxTokens?: number;
  /** Requests in flight; default 4. */
  readonly concurrency?: number;
  readonly out: string;
  /** Per-attempt timeout; default 120 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Skip capability detection (record `unknown`); for servers that bill per request. */
  readonly skipDetection?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProbeProgress) => void;
  /** Jitter source; default Math.random. */
  readonly random?: () => number;
}

export interface ProbeProgress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly retries: number;
  readonly phase: 'detecting' | 'probing' | 'finished';
}

export interface ProbeFailure {
  readonly probeId: string;
  readonly sample: number;
  readonly error: string;
}

export interface ProbeRunResult {
  readonly out: string;
  readonly header: TranscriptHeader;
  /** All (probe, sample) pairs of the run. */
  readonly total: number;
  /** Pairs already in the transcript when this run started. */
  readonly alreadyDone: number;
  /** Pairs recorded by this run. */
  readonly recorded: number;
  readonly failures: readonly ProbeFailure[];
  /** Retried attempts in this run. */
  readonly retries: number;
  readonly resumed: boolean;
  /** A torn final line from an interrupted run was removed. */
  readonly repairedTail: boolean;
  readonly interrupted: boolean;
  readonly complete: boolean;
  readonly elapsedMs: number;
}

function paramsOf(o: ProbeRunOptions): TranscriptParams {
  const samples = o.samples ?? 1;
  if (!Number.isInteger(samples) || samples < 1 || samples > 1000) throw new RangeError(`samples must be an integer in [1, 1000], got ${samples}`);
  if (o.temperature !== undefined && !(o.temperature >= 0 && o.temperature <= 2)) throw new RangeError(`temperature must be in [0, 2], got ${o.temperature}`);
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) throw new RangeError(`seed must be an integer, got ${o.seed}`);
  if (o.logprobs !== undefined && !(Number.isInteger(o.logprobs) && o.logprobs >= 0 && o.logprobs <= 20))
    throw new RangeError(`logprobs must be an integer in [0, 20], got ${o.logprobs}`);
  if (o.maxTokens !== undefined && !(Number.isInteger(o.maxTokens) && o.maxTokens >= 1)) throw new RangeError(`maxTokens must be a positive integer, got ${o.maxTokens}`);
  return {
    samples,
    temperature: o.temperature ?? null,
    seed: o.seed ?? null,
    logprobs: o.logprobs ?? null,
    maxTokens: o.maxTokens ?? null,
  };
}

/** Differences between an existing header and this run that forbid resuming, as readable phrases. */
export function headerMismatches(existing: TranscriptHeader, wanted: Omit<TranscriptHeader, 'capabilities' | 'createdAt' | 'tool'>): string[] {
  const out: string[] = [];
  const s = existing.suite;
  if (s.hash !== wanted.suite.hash)
    out.push(`suite ${s.name}@${s.version} (${s.hash.slice(0, 19)}…) was recorded, this run uses ${wanted.suite.name}@${wanted.suite.version} (${wanted.suite.hash.slice(0, 19)}…)`);
  if (existing.model !== wanted.model) out.push(`model "${existing.model}" was recorded, this run asks "${wanted.model}"`);
  if (existing.endpoint !== wanted.endpoint) out.push(`endpoint ${existing.endpoint} was recorded, this run uses ${wanted.endpoint}`);
  for (const k of ['samples', 'temperature', 'seed', 'logprobs', 'maxTokens'] as const) {
    if ((existing.params[k] ?? null) !== (wanted.params[k] ?? null))
      out.push(`${k} ${JSON.stringify(existing.params[k] ?? null)} was recorded, this run uses ${JSON.stringify(wanted.params[k] ?? null)}`);
  }
  return out;
}

/** Consecutive requests that exhausted their retries before the run is declared dead. */
const DEAD_ENDPOINT_STREAK = 8;

/**
 * Run (or resume) a probe of `endpoint`. Returns when every pair is recorded, failed permanently,
 * or the signal fired (`interrupted`).
 *
 * @throws ResumeMismatchError when `out` holds another run's transcript; TranscriptError when it is
 *   malformed; EndpointFailure when the endpoint rejects the key or model, or stops answering;
 *   RangeError for bad options; file-system errors from the transcript.
 */
export async function runProbe(o: ProbeRunOptions): Promise<ProbeRunResult> {
  const started = performance.now();
  const params = paramsOf(o);
  const concurrency = o.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new RangeError(`concurrency must be an integer in [1, 256], got ${concurrency}`);
  const { suite, hash } = o.suite;
  const client = chatClientFor(o);
  const identity: RunIdentity = {
    type: 'header',
    format: TRANSCRIPT_FORMAT,
    formatVersion: TRANSCRIPT_FORMAT_VERSION,
    suite: { name: suite.name, version: suite.version, hash, probes: suite.probes.length },
    endpoint: client.url.replace(/\/chat\/completions$/, ''),
    model: o.model,
    params,
  };
  const total = suite.probes.length * params.samples;
  const progress: ProgressFn = (done, failed, retries, phase) => o.onProgress?.({ done, total, failed, retries, phase });

  const opened = await openTranscript(o, client, identity, progress);
  const alreadyDone = opened.done.size;
  const tasks: ProbeTask[] = [];
  for (const probe of suite.probes)
    for (let sample = 0; sample < params.samples; sample++) if (!opened.done.has(recordKey(probe.id, sample))) tasks.push({ probe, sample });

  const writer = await TranscriptWriter.open(o.out);
  const state: RunState = { next: 0, recorded: 0, retries: 0, streak: 0, fatal: null, failures: [] };
  const stop = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
  progress(alreadyDone, 0, 0, 'probing');
  const run: WorkerContext = {
    client,
    tasks,
    signal,
    stop,
    state,
    writer,
    request: (probe, sample) => buildRequestBody(suite, probe, sample, o.model, params, opened.header.capabilities),
    onSettled: () => progress(alreadyDone + state.recorded, state.failures.length, state.retries, 'probing'),
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, tasks.length)) }, () => probeWorker(run)));
  } finally {
    await writer.close();
  }
  if (state.fatal) throw state.fatal;
  progress(alreadyDone + state.recorded, state.failures.length, state.retries, 'finished');
  const interrupted = o.signal?.aborted ?? false;
  return {
    out: o.out,
    header: opened.header,
    total,
    alreadyDone,
    recorded: state.recorded,
    failures: state.failures,
    retries: state.retries,
    resumed: opened.existing !== null,
    repairedTail: opened.existing?.repairedTail ?? false,
    interrupted,
    complete: alreadyDone + state.recorded === total,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** What a transcript header records about the run, before capabilities are known. */
type RunIdentity = Omit<TranscriptHeader, 'capabilities' | 'createdAt' | 'tool'>;
type ProgressFn = (done: number, failed: number, retries: number, phase: ProbeProgress['phase']) => void;
interface ProbeTask {
  readonly probe: Probe;
  readonly sample: number;
}

/** Counters shared by the workers of one run (single-threaded: each update happens between awaits). */
interface RunState {
  next: number;
  recorded: number;
  retries: number;
  /** Consecutive requests that exhausted their retries. */
  streak: number;
  /** The first error that ends the run. */
  fatal: Error | null;
  readonly failures: ProbeFailure[];
}

interface WorkerContext {
  readonly client: ChatClient;
  readonly tasks: readonly ProbeTask[];
  readonly signal: AbortSignal;
  readonly stop: AbortController;
  readonly state: RunState;
  readonly writer: TranscriptWriter;
  readonly request: (probe: Probe, sample: number) => Record<string, unknown>;
  readonly onSettled: () => void;
}

function chatClientFor(o: ProbeRunOptions): ChatClient {
  return new ChatClient({
    endpoint: o.endpoint,
    ...(o.apiKey ? { apiKey: o.apiKey } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.random ? { random: o.random } : {}),
  });
}

/**
 * Step 1: resume the transcript at `o.out` (its header must match this run; the pairs it holds are
 * done) or create it with the endpoint's detected capabilities.
 */
async function openTranscript(
  o: ProbeRunOptions,
  client: ChatClient,
  identity: RunIdentity,
  progress: ProgressFn,
): Promise<{ header: TranscriptHeader; done: Set<string>; existing: Awaited<ReturnType<typeof readTranscriptForResume>> }> {
  const existing = await readTranscriptForResume(o.out);
  const done = new Set<string>();
  if (existing) {
    const problems = headerMismatches(existing.header, identity);
    if (problems.length > 0)
      throw new ResumeMismatchError(`${o.out}: cannot resume into this transcript: ${problems.join('; ')}. Use another --out, or rerun with the options it was recorded with.`);
    for (const r of existing.records) done.add(recordKey(r.probeId, r.sample));
    return { header: existing.header, done, existing };
  }
  progress(0, 0, 0, 'detecting');
  const capabilities = await capabilitiesOf(o, client, identity.params);
  const header: TranscriptHeader = { ...identity, capabilities, createdAt: new Date().toISOString(), tool: TOOL };
  await createTranscriptFile(o.out, header);
  return { header, done, existing };
}

/** What the endpoint supports (log-probabilities, seeds), or `unknown` when detection is skipped. */
async function capabilitiesOf(o: ProbeRunOptions, client: ChatClient, params: TranscriptParams): Promise<EndpointCapabilities> {
  if (o.skipDetection) return { logprobs: null, topLogprobs: null, seed: 'unknown' };
  try {
    return await detectCapabilities(client, {
      model: o.model,
      topLogprobs: params.logprobs ?? 0,
      ...(params.temperature !== null ? { temperature: params.temperature } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  } catch (e) {
    if (e instanceof AbortedError) throw e;
    if (e instanceof HttpStatusError || e instanceof RetriesExhaustedError) throw new EndpointFailure(`${client.url}: capability check failed: ${e.message}`);
    throw e;
  }
}

/** Step 2: one of `concurrency` workers: take the next pair, request it, append the answer; stop on a fatal error or the signal. */
async function probeWorker(run: WorkerContext): Promise<void> {
  const { state } = run;
  while (!run.signal.aborted && state.next < run.tasks.length) {
    const { probe, sample } = run.tasks[state.next++]!;
    const body = run.request(probe, sample);
    try {
      const r = await run.client.complete(body, run.signal);
      state.retries += r.retries.length;
      const choice = readChoice(r.body);
      if (!choice) {
        state.failures.push({ probeId: probe.id, sample, error: 'the response has no choices[0].message.content' });
        continue;
      }
      const timing = {
        startedAt: r.startedAt.toISOString(),
        latencyMs: Math.round(r.latencyMs * 10) / 10,
        attempts: r.attempts,
        ...(r.retries.length > 0 ? { retries: r.retries } : {}),
      };
      await run.writer.append(responseRecord(probe, sample, body, { body: r.body, requestId: r.requestId, choice }, timing));
      state.recorded++;
      state.streak = 0;
    } catch (e) {
      if (recordFailure(e, probe, sample, run) === 'stop') return;
    } finally {
      run.onSettled();
    }
  }
}

/**
 * Step 3: what a failed request means for the run. An abort stops this worker; a rejected key or
 * unknown model (401/403/404), a dead endpoint (`DEAD_ENDPOINT_STREAK` exhausted requests in a
 * row) or an unexpected error stops every worker; any other HTTP failure is recorded and the run
 * goes on.
 */
function recordFailure(e: unknown, probe: Probe, sample: number, run: WorkerContext): 'continue' | 'stop' {
  const { state, client } = run;
  if (e instanceof AbortedError) return 'stop';
  if (e instanceof HttpStatusError && [401, 403, 404].includes(e.status)) {
    state.fatal ??= new EndpointFailure(`${client.url}: ${e.message} (probe ${probe.id})`);
    run.stop.abort();
    return 'stop';
  }
  if (e instanceof HttpStatusError || e instanceof RetriesExhaustedError) {
    if (e instanceof RetriesExhaustedError) state.retries += e.attempts - 1;
    state.failures.push({ probeId: probe.id, sample, error: e.message });
    if (e instanceof RetriesExhaustedError && ++state.streak >= DEAD_ENDPOINT_STREAK) {
      state.fatal ??= new EndpointFailure(`${client.url}: ${state.streak} requests in a row failed after all retries (last: ${e.lastReason}); the endpoint looks down — rerun to resume`);
      run.stop.abort();
      return 'stop';
    }
    return 'continue';
  }
  state.fatal ??= e as Error;
  run.stop.abort();
  return 'stop';
}
