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
  type TranscriptRecord,
} from '@tracemark/fingerprint';
import { AbortedError, ChatClient, HttpStatusError, RetriesExhaustedError } from './chat-client.ts';
import { detectCapabilities } from './detect-capabilities.ts';
import { type RetryPolicy } from './retry-policy.ts';
import { buildRequestBody, readChoice } from './request-body.ts';
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
  const client = new ChatClient({
    endpoint: o.endpoint,
    ...(o.apiKey ? { apiKey: o.apiKey } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.random ? { random: o.random } : {}),
  });
  const identity: Omit<TranscriptHeader, 'capabilities' | 'createdAt' | 'tool'> = {
    type: 'header',
    format: TRANSCRIPT_FORMAT,
    formatVersion: TRANSCRIPT_FORMAT_VERSION,
    suite: { name: suite.name, version: suite.version, hash, probes: suite.probes.length },
    endpoint: client.url.replace(/\/chat\/completions$/, ''),
    model: o.model,
    params,
  };
  const total = suite.probes.length * params.samples;
  const progress = (done: number, failed: number, retries: number, phase: ProbeProgress['phase']) =>
    o.onProgress?.({ done, total, failed, retries, phase });

  const existing = await readTranscriptForResume(o.out);
  let header: TranscriptHeader;
  const done = new Set<string>();
  if (existing) {
    const problems = headerMismatches(existing.header, identity);
    if (problems.length > 0)
      throw new ResumeMismatchError(`${o.out}: cannot resume into this transcript: ${problems.join('; ')}. Use another --out, or rerun with the options it was recorded with.`);
    header = existing.header;
    for (const r of existing.records) done.add(recordKey(r.probeId, r.sample));
  } else {
    progress(0, 0, 0, 'detecting');
    let capabilities: EndpointCapabilities;
    try {
      capabilities = o.skipDetection
        ? { logprobs: null, topLogprobs: null, seed: 'unknown' }
        : await detectCapabilities(client, {
            model: o.model,
            topLogprobs: params.logprobs ?? 0,
            ...(params.temperature !== null ? { temperature: params.temperature } : {}),
            ...(o.signal ? { signal: o.signal } : {}),
          });
    } catch (e) {
      if (e instanceof AbortedError) throw e;
      if (e instanceof HttpStatusError || e instanceof RetriesExhaustedError)
        throw new EndpointFailure(`${client.url}: capability check failed: ${e.message}`);
      throw e;
    }
    header = { ...identity, capabilities, createdAt: new Date().toISOString(), tool: TOOL };
    await createTranscriptFile(o.out, header);
  }
  const alreadyDone = done.size;

  const tasks: { probe: Probe; sample: number }[] = [];
  for (const probe of suite.probes)
    for (let sample = 0; sample < params.samples; sample++) if (!done.has(recordKey(probe.id, sample))) tasks.push({ probe, sample });

  const writer = await TranscriptWriter.open(o.out);
  const failures: ProbeFailure[] = [];
  let recorded = 0;
  let retries = 0;
  let streak = 0;
  let fatal: Error | null = null;
  let next = 0;
  const stop = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
  progress(alreadyDone, 0, 0, 'probing');

  const worker = async (): Promise<void> => {
    while (!signal.aborted && next < tasks.length) {
      const { probe, sample } = tasks[next++]!;
      const body = buildRequestBody(suite, probe, sample, o.model, params, header.capabilities);
      try {
        const r = await client.complete(body, signal);
        retries += r.retries.length;
        const choice = readChoice(r.body);
        if (!choice) {
          failures.push({ probeId: probe.id, sample, error: 'the response has no choices[0].message.content' });
          continue;
        }
        const record: TranscriptRecord = {
          type: 'response',
          probeId: probe.id,
          category: probe.category,
          sample,
          text: choice.text,
          finishReason: choice.finishReason,
          request: body,
          response: {
            id: typeof r.body.id === 'string' ? r.body.id : null,
            requestId: r.requestId,
            model: typeof r.body.model === 'string' ? r.body.model : null,
            systemFingerprint: typeof r.body.system_fingerprint === 'string' ? r.body.system_fingerprint : null,
            usage: r.body.usage ?? null,
            logprobs: choice.logprobs,
          },
          timing: {
            startedAt: r.startedAt.toISOString(),
            latencyMs: Math.round(r.latencyMs * 10) / 10,
            attempts: r.attempts,
            ...(r.retries.length > 0 ? { retries: r.retries } : {}),
          },
        };
        await writer.append(record);
        recorded++;
        streak = 0;
      } catch (e) {
        if (e instanceof AbortedError) return;
        if (e instanceof HttpStatusError && [401, 403, 404].includes(e.status)) {
          fatal ??= new EndpointFailure(`${client.url}: ${e.message} (probe ${probe.id})`);
          stop.abort();
          return;
        }
        if (e instanceof HttpStatusError || e instanceof RetriesExhaustedError) {
          if (e instanceof RetriesExhaustedError) retries += e.attempts - 1;
          failures.push({ probeId: probe.id, sample, error: e.message });
          if (e instanceof RetriesExhaustedError && ++streak >= DEAD_ENDPOINT_STREAK) {
            fatal ??= new EndpointFailure(`${client.url}: ${streak} requests in a row failed after all retries (last: ${e.lastReason}); the endpoint looks down — rerun to resume`);
            stop.abort();
            return;
          }
          continue;
        }
        fatal ??= e as Error;
        stop.abort();
        return;
      } finally {
        progress(alreadyDone + recorded, failures.length, retries, 'probing');
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, tasks.length)) }, worker));
  } finally {
    await writer.close();
  }
  if (fatal) throw fatal;
  progress(alreadyDone + recorded, failures.length, retries, 'finished');
  const interrupted = o.signal?.aborted ?? false;
  return {
    out: o.out,
    header,
    total,
    alreadyDone,
    recorded,
    failures,
    retries,
    resumed: existing !== null,
    repairedTail: existing?.repairedTail ?? false,
    interrupted,
    complete: alreadyDone + recorded === total,
    elapsedMs: Math.round(performance.now() - started),
  };
}
