/**
 * OpenAI Batch API round trip (https://platform.openai.com/docs/guides/batch): export a suite as
 * the batch input JSONL (one `{custom_id, method, url, body}` per (probe, sample)) and import the
 * batch output JSONL (`{id, custom_id, response: {status_code, request_id, body}, error}`) back
 * into a transcript. Bodies are rebuilt with `buildRequestBody`, so the transcript records exactly
 * what was submitted; custom ids carry a prefix of the suite hash, so an output file from another
 * suite version is refused instead of being mislabelled.
 */
import {
  type EndpointCapabilities,
  type LoadedProbeSuite,
  recordKey,
  TRANSCRIPT_FORMAT,
  TRANSCRIPT_FORMAT_VERSION,
  type TranscriptHeader,
  type TranscriptParams,
  type TranscriptRecord,
} from '@tracemark/fingerprint';
import { buildRequestBody, readChoice, responseRecord } from './request-body.ts';
import { TOOL } from './run-probe.ts';
import { InputError } from '@tracemark/errors';

/** A batch file that does not belong to this suite or is malformed; names file:line. */
export class BatchError extends InputError {
  override name = 'BatchError';
}

/** The `endpoint` of transcripts imported from a batch. */
export const BATCH_ENDPOINT = 'openai-batch';

const CUSTOM_ID = /^tm1:([0-9a-f]{12}):(.+):(\d+)$/;

/** Capabilities assumed for a batch: parameters are sent as given, nothing was checked. */
const BATCH_CAPABILITIES: EndpointCapabilities = { logprobs: null, topLogprobs: null, seed: 'unknown' };

export function batchCustomId(suiteHash: string, probeId: string, sample: number): string {
  return `tm1:${suiteHash.replace(/^sha256:/, '').slice(0, 12)}:${probeId}:${sample}`;
}

/**
 * The batch input file's lines (without trailing newlines) for every (probe, sample).
 *
 * @example
 * exportBatch(loadBuiltinSuite(), 'gpt-4o-mini', params).join('\n') + '\n';
 */
export function exportBatch(loaded: LoadedProbeSuite, model: string, params: TranscriptParams): string[] {
  const lines: string[] = [];
  for (const probe of loaded.suite.probes)
    for (let sample = 0; sample < params.samples; sample++) {
      lines.push(
        JSON.stringify({
          custom_id: batchCustomId(loaded.hash, probe.id, sample),
          method: 'POST',
          url: '/v1/chat/completions',
          body: buildRequestBody(loaded.suite, probe, sample, model, params, BATCH_CAPABILITIES),
        }),
      );
    }
  return lines;
}

export interface ImportBatchResult {
  readonly header: TranscriptHeader;
  readonly records: TranscriptRecord[];
  /** Requests the batch reports as failed (error or non-200), by custom id. */
  readonly failures: { readonly customId: string; readonly error: string }[];
}

/**
 * Convert a batch output file's text into transcript records.
 *
 * @param source - the output file's name, for messages. The header's endpoint is `openai-batch`, so
 *   several output files (a retry of the failed requests) can be merged into one transcript.
 * @throws BatchError naming `source:line` for malformed JSON, a custom id not made by
 *   `exportBatch`, one exported from another suite (hash prefix differs), an unknown probe or
 *   sample, or a (probe, sample) answered twice.
 */
export function importBatch(text: string, source: string, loaded: LoadedProbeSuite, model: string, params: TranscriptParams): ImportBatchResult {
  const prefix = loaded.hash.replace(/^sha256:/, '').slice(0, 12);
  const probes = new Map(loaded.suite.probes.map((p) => [p.id, p]));
  const records: TranscriptRecord[] = [];
  const failures: { customId: string; error: string }[] = [];
  const seen = new Map<string, number>();
  let sawLogprobs = false;
  text.split('\n').forEach((raw, i) => {
    const at = `${source}:${i + 1}`;
    if (raw.trim() === '') return;
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(raw) as Record<string, unknown>;
    } catch (e) {
      throw new BatchError(`${at}: malformed JSON (${(e as Error).message})`);
    }
    if (v === null || typeof v !== 'object' || typeof v.custom_id !== 'string') throw new BatchError(`${at}: not a batch output line (no "custom_id")`);
    const m = CUSTOM_ID.exec(v.custom_id);
    if (!m) throw new BatchError(`${at}: custom_id "${v.custom_id}" was not written by tracemark's batch export`);
    if (m[1] !== prefix)
      throw new BatchError(`${at}: custom_id "${v.custom_id}" comes from a different probe suite (hash ${m[1]}…, this suite ${loaded.suite.name}@${loaded.suite.version} is ${prefix}…)`);
    const probe = probes.get(m[2]!);
    const sample = Number(m[3]);
    if (!probe) throw new BatchError(`${at}: probe "${m[2]}" is not in suite ${loaded.suite.name}@${loaded.suite.version}`);
    if (sample >= params.samples) throw new BatchError(`${at}: sample ${sample} but --samples is ${params.samples}`);
    const key = recordKey(probe.id, sample);
    if (seen.has(key)) throw new BatchError(`${at}: probe "${probe.id}" sample ${sample} appears twice (first at line ${seen.get(key)})`);
    seen.set(key, i + 1);
    const response = v.response as { status_code?: unknown; request_id?: unknown; body?: unknown } | null | undefined;
    const error = v.error as { message?: unknown } | null | undefined;
    if (error || !response || response.status_code !== 200 || response.body === null || typeof response.body !== 'object') {
      const why = error && typeof error.message === 'string' ? error.message : `status ${String(response?.status_code ?? 'missing')}`;
      failures.push({ customId: v.custom_id, error: why });
      return;
    }
    const body = response.body as Record<string, unknown>;
    const choice = readChoice(body);
    if (!choice) {
      failures.push({ customId: v.custom_id, error: 'no choices[0].message.content' });
      return;
    }
    if (Array.isArray(choice.logprobs)) sawLogprobs = true;
    const created = typeof body.created === 'number' ? new Date(body.created * 1000).toISOString() : new Date(0).toISOString();
    const request = buildRequestBody(loaded.suite, probe, sample, model, params, BATCH_CAPABILITIES);
    const requestId = typeof response.request_id === 'string' ? response.request_id : null;
    records.push(responseRecord(probe, sample, request, { body, requestId, choice }, { startedAt: created, latencyMs: 0, attempts: 1 }));
  });
  const header: TranscriptHeader = {
    type: 'header',
    format: TRANSCRIPT_FORMAT,
    formatVersion: TRANSCRIPT_FORMAT_VERSION,
    suite: { name: loaded.suite.name, version: loaded.suite.version, hash: loaded.hash, probes: loaded.suite.probes.length },
    endpoint: BATCH_ENDPOINT,
    model,
    params,
    capabilities: { ...BATCH_CAPABILITIES, logprobs: params.logprobs === null ? null : sawLogprobs },
    createdAt: new Date().toISOString(),
    tool: TOOL,
  };
  return { header, records, failures };
}
