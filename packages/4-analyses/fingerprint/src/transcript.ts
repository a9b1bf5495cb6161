/**
 * The transcript format: JSON Lines, one header line (suite identity, endpoint, model, sampling
 * parameters, detected capabilities) then one line per (probe, sample) answered. `tracemark probe`
 * appends and fsyncs each line as it arrives, so a transcript is always a valid prefix of the run;
 * the only damage a crash can do is a torn final line, which the parser reports (or, for resuming,
 * tolerates) explicitly.
 */
import { InputError } from '@tracemark/errors';

export const TRANSCRIPT_FORMAT = 'tracemark.transcript';
export const TRANSCRIPT_FORMAT_VERSION = 1;

/** What a server was found to support, probed before the run. */
export interface EndpointCapabilities {
  /** The server returned per-token log-probabilities when asked; null when not checked. */
  readonly logprobs: boolean | null;
  /** Top alternatives per token it returned (≤ the requested K); null when none. */
  readonly topLogprobs: number | null;
  /**
   * `deterministic`: two identical seeded requests gave identical text. `ignored`: accepted but not
   * reproducible. `rejected`: the server refused the parameter. `unknown`: not checked.
   */
  readonly seed: 'deterministic' | 'ignored' | 'rejected' | 'unknown';
  /** Free-text notes from detection (e.g. the server's error for an unsupported parameter). */
  readonly notes?: readonly string[];
}

export interface TranscriptParams {
  /** Samples requested per probe. */
  readonly samples: number;
  readonly temperature: number | null;
  /** Base seed; sample i is requested with seed + i. */
  readonly seed: number | null;
  /** Top log-probabilities requested per token (0 = just the chosen token's), or null for none. */
  readonly logprobs: number | null;
  /** A cap applied to every probe's max_tokens, or null for the suite's values. */
  readonly maxTokens: number | null;
}

export interface TranscriptHeader {
  readonly type: 'header';
  readonly format: typeof TRANSCRIPT_FORMAT;
  readonly formatVersion: typeof TRANSCRIPT_FORMAT_VERSION;
  readonly suite: { readonly name: string; readonly version: string; readonly hash: string; readonly probes: number };
  /** Base URL of the endpoint, or `batch:<file>` for an imported batch. */
  readonly endpoint: string;
  readonly model: string;
  readonly params: TranscriptParams;
  readonly capabilities: EndpointCapabilities;
  readonly createdAt: string;
  readonly tool: { readonly name: string; readonly version: string };
}

/** One answered (probe, sample). */
export interface TranscriptRecord {
  readonly type: 'response';
  readonly probeId: string;
  readonly category: string;
  readonly sample: number;
  /** The assistant message content ('' when the model said nothing). */
  readonly text: string;
  readonly finishReason: string | null;
  /** The exact JSON body sent (the API key is a header and is never recorded). */
  readonly request: Readonly<Record<string, unknown>>;
  readonly response: {
    /** The completion id from the body (`chatcmpl-…`). */
    readonly id: string | null;
    /** The server's request id header (`x-request-id`), for the provider's support. */
    readonly requestId: string | null;
    readonly model: string | null;
    readonly systemFingerprint: string | null;
    readonly usage: unknown;
    /** `choices[0].logprobs.content` as returned, when log-probabilities were requested. */
    readonly logprobs: unknown;
  };
  readonly timing: {
    readonly startedAt: string;
    /** Wall time of the successful attempt. */
    readonly latencyMs: number;
    /** Attempts made, including the successful one. */
    readonly attempts: number;
    /** Why earlier attempts failed (status or error) and how long was waited after each. */
    readonly retries?: readonly { readonly reason: string; readonly waitMs: number }[];
  };
}

export interface Transcript {
  /** File name for messages. */
  readonly source: string;
  readonly header: TranscriptHeader;
  readonly records: readonly TranscriptRecord[];
}

/** A transcript file that cannot be used; the message names `file:line`. */
export class TranscriptError extends InputError {
  override name = 'TranscriptError';
}

export interface ParseTranscriptOptions {
  /**
   * Accept a torn final line (no trailing newline, not valid JSON) — what a crash mid-write
   * leaves — and report it in `truncatedTail` instead of throwing. For resuming only.
   */
  readonly allowTruncatedTail?: boolean;
  /** Accept a transcript with a header and no records (a run that has only just started). */
  readonly allowEmpty?: boolean;
}

export interface ParsedTranscript extends Transcript {
  /** Byte offset where the torn final line starts, when `allowTruncatedTail` found one. */
  readonly truncatedTail: number | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Key of a (probe, sample) pair. */
export function recordKey(probeId: string, sample: number): string {
  return `${probeId}\u0000${sample}`;
}

function checkHeader(v: Record<string, unknown>, at: string): TranscriptHeader {
  if (v.type !== 'header' || v.format !== TRANSCRIPT_FORMAT)
    throw new TranscriptError(`${at}: not a tracemark transcript (the first line must be its header, {"type":"header","format":"${TRANSCRIPT_FORMAT}",…})`);
  if (v.formatVersion !== TRANSCRIPT_FORMAT_VERSION)
    throw new TranscriptError(`${at}: transcript format version ${JSON.stringify(v.formatVersion)} is not supported (expected ${TRANSCRIPT_FORMAT_VERSION})`);
  const s = v.suite;
  if (!isRecord(s) || typeof s.name !== 'string' || typeof s.version !== 'string' || typeof s.hash !== 'string' || typeof s.probes !== 'number')
    throw new TranscriptError(`${at}: header "suite" must be {name, version, hash, probes}`);
  if (typeof v.model !== 'string' || v.model === '') throw new TranscriptError(`${at}: header "model" must be a non-empty string`);
  if (typeof v.endpoint !== 'string') throw new TranscriptError(`${at}: header "endpoint" must be a string`);
  const p = v.params;
  if (!isRecord(p) || typeof p.samples !== 'number' || !Number.isInteger(p.samples) || p.samples < 1)
    throw new TranscriptError(`${at}: header "params.samples" must be a positive integer`);
  if (!isRecord(v.capabilities)) throw new TranscriptError(`${at}: header "capabilities" must be an object`);
  return v as unknown as TranscriptHeader;
}

function checkRecord(v: Record<string, unknown>, at: string): TranscriptRecord {
  if (v.type !== 'response') throw new TranscriptError(`${at}: expected a record with "type": "response", got ${JSON.stringify(v.type)}`);
  if (typeof v.probeId !== 'string' || v.probeId === '') throw new TranscriptError(`${at}: "probeId" must be a non-empty string`);
  if (typeof v.category !== 'string') throw new TranscriptError(`${at}: "category" must be a string`);
  if (typeof v.sample !== 'number' || !Number.isInteger(v.sample) || v.sample < 0) throw new TranscriptError(`${at}: "sample" must be an integer ≥ 0`);
  if (typeof v.text !== 'string') throw new TranscriptError(`${at}: "text" must be a string`);
  if (!isRecord(v.request)) throw new TranscriptError(`${at}: "request" must be the JSON body that was sent`);
  if (!isRecord(v.response)) throw new TranscriptError(`${at}: "response" must be an object`);
  if (!isRecord(v.timing)) throw new TranscriptError(`${at}: "timing" must be an object`);
  return v as unknown as TranscriptRecord;
}

/**
 * Parse a transcript's text. Blank lines are ignored.
 *
 * @param source - file name for messages.
 * @throws TranscriptError naming `source:line` for malformed JSON, a missing or wrong header, a
 *   record missing a field, a duplicated (probe, sample), a torn final line (unless allowed), or a
 *   transcript with no records (unless allowed).
 * @example
 * parseTranscript(readFileSync('t.jsonl', 'utf8'), 't.jsonl').records.length;
 */
export function parseTranscript(text: string, source: string, options: ParseTranscriptOptions = {}): ParsedTranscript {
  let header: TranscriptHeader | null = null;
  const records: TranscriptRecord[] = [];
  const seen = new Map<string, number>();
  let truncatedTail: number | null = null;
  let offset = 0;
  let line = 0;
  while (offset < text.length) {
    const nl = text.indexOf('\n', offset);
    const end = nl === -1 ? text.length : nl;
    const raw = text.slice(offset, end);
    const lineStart = offset;
    offset = end + 1;
    line++;
    if (raw.trim() === '') continue;
    const at = `${source}:${line}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      if (nl === -1) {
        if (options.allowTruncatedTail) {
          truncatedTail = Buffer.byteLength(text.slice(0, lineStart), 'utf8');
          break;
        }
        throw new TranscriptError(`${at}: the final line is incomplete (the run was interrupted mid-write); rerun \`tracemark probe\` with the same --out to repair and resume it`);
      }
      throw new TranscriptError(`${at}: malformed JSON (${(e as Error).message})`);
    }
    if (!isRecord(value)) throw new TranscriptError(`${at}: expected a JSON object`);
    if (header === null) {
      header = checkHeader(value, at);
      continue;
    }
    if (value.type === 'header') throw new TranscriptError(`${at}: a second header (two transcripts were concatenated?)`);
    const r = checkRecord(value, at);
    const key = recordKey(r.probeId, r.sample);
    const first = seen.get(key);
    if (first !== undefined) throw new TranscriptError(`${at}: probe "${r.probeId}" sample ${r.sample} is recorded twice (first at line ${first})`);
    seen.set(key, line);
    records.push(r);
  }
  if (header === null) throw new TranscriptError(`${source}: empty transcript (no header line)`);
  if (records.length === 0 && !options.allowEmpty) throw new TranscriptError(`${source}: the transcript has a header but no responses`);
  return { source, header, records, truncatedTail };
}

/** Responses grouped by probe id, samples in ascending sample order. */
export function responsesByProbe(t: Transcript): Map<string, { category: string; texts: string[] }> {
  const sorted = [...t.records].sort((a, b) => (a.probeId < b.probeId ? -1 : a.probeId > b.probeId ? 1 : a.sample - b.sample));
  const out = new Map<string, { category: string; texts: string[] }>();
  for (const r of sorted) {
    let e = out.get(r.probeId);
    if (!e) out.set(r.probeId, (e = { category: r.category, texts: [] }));
    e.texts.push(r.text);
  }
  return out;
}
