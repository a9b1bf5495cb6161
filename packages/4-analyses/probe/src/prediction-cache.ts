/**
 * The crash-safe cache of an endpoint's next-token answers, so an interrupted open-model audit
 * resumes where it stopped instead of paying for every request again. A JSONL file: a header that
 * names what the answers depend on (endpoint, model, server kind, top-k, window, tokenizer), then one
 * line per answered stretch of positions, each appended whole (O_APPEND) and fsynced, so a crash
 * leaves at most one torn final line, which is cut off before a rerun appends again — the same
 * discipline as probe transcripts (transcript-writer.ts).
 */
import { constants as fsConstants } from 'node:fs';
import { open, truncate } from 'node:fs/promises';
import { InputError } from '@tracemark/errors';
import { readResumable } from './read-resumable.ts';
import { createTranscriptFile } from './transcript-writer.ts';

export const PREDICTION_CACHE_FORMAT = 'tracemark.prediction-cache';

export interface PredictionCacheHeader {
  readonly type: 'header';
  readonly format: typeof PREDICTION_CACHE_FORMAT;
  readonly version: 1;
  readonly endpoint: string;
  readonly model: string;
  readonly kind: string;
  readonly topK: number;
  readonly window: number;
  readonly tokenizer: { readonly name: string; readonly hash: string };
}

/** Answers for positions `from … from + ids.length - 1` of one document, asked with context from `segment`. */
export interface PredictionRecord {
  readonly type: 'predictions';
  /** SHA-256 (hex) of the document's token ids as little-endian uint32. */
  readonly doc: string;
  readonly segment: number;
  readonly from: number;
  readonly ids: number[][];
  readonly logprobs: number[][];
}

/** The cache at `path` was written for another run; mixing its answers in would change the result. */
export class PredictionCacheMismatchError extends InputError {
  override name = 'PredictionCacheMismatchError';
}

export interface OpenedPredictionCache {
  readonly records: readonly PredictionRecord[];
  readonly resumed: boolean;
  /** Append one record and fsync it; appends run in call order. No file handle stays open between them. */
  append(record: PredictionRecord): Promise<void>;
}

function appender(path: string): (record: PredictionRecord) => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  return (record) => {
    const line = `${JSON.stringify(record)}\n`;
    const next = chain.then(async () => {
      const fh = await open(path, fsConstants.O_WRONLY | fsConstants.O_APPEND);
      try {
        await fh.write(line);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
    chain = next.catch(() => undefined);
    return next;
  };
}

const IDENTITY_FIELDS = ['endpoint', 'model', 'kind', 'topK', 'window'] as const;

/**
 * Open (or create) the cache for `header`: the records already there when the header matches.
 *
 * @throws PredictionCacheMismatchError when the file was written for other settings;
 *   InputError naming file:line for a malformed complete line.
 */
export async function openPredictionCache(path: string, header: PredictionCacheHeader): Promise<OpenedPredictionCache> {
  const file = await readResumable(path);
  const lines = file ? file.complete.split('\n') : [];
  lines.pop();
  // A final line without its newline is what a crash mid-write leaves: cut it off.
  if (file && file.tailBytes > 0) await truncate(path, file.completeBytes);
  if (lines.length === 0) {
    await createTranscriptFile(path, header as unknown as Record<string, unknown>);
    return { records: [], resumed: false, append: appender(path) };
  }
  const { header: existing, records } = parseLines(lines, path);
  const problems: string[] = [];
  for (const k of IDENTITY_FIELDS) if (existing[k] !== header[k]) problems.push(`${k} ${JSON.stringify(existing[k])} was recorded, this run uses ${JSON.stringify(header[k])}`);
  if (existing.tokenizer?.hash !== header.tokenizer.hash) problems.push(`tokenizer ${String(existing.tokenizer?.name)} was recorded, this run uses ${header.tokenizer.name}`);
  if (problems.length > 0) throw new PredictionCacheMismatchError(`${path}: cannot resume from this prediction cache: ${problems.join('; ')}. Delete it or use the settings it was recorded with.`);
  return { records, resumed: true, append: appender(path) };
}

/** Read a cache without changing it (a torn final line is ignored): its header and records. */
export async function readPredictionCache(path: string): Promise<{ header: PredictionCacheHeader; records: PredictionRecord[] }> {
  const file = await readResumable(path);
  if (!file) throw new InputError(`${path}: no such file (a prediction cache written by --cache)`);
  const lines = file.complete.split('\n');
  lines.pop();
  if (lines.length === 0) throw new InputError(`${path}: an empty prediction cache`);
  return parseLines(lines, path);
}

function parseLines(lines: readonly string[], path: string): { header: PredictionCacheHeader; records: PredictionRecord[] } {
  const parsed = lines.map((line, i) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new InputError(`${path}:${i + 1}: malformed JSON in the prediction cache (${(e as Error).message})`);
    }
  });
  const header = parsed[0]!;
  if (header.type !== 'header' || header.format !== PREDICTION_CACHE_FORMAT || !Number.isInteger(header.topK) || !Number.isInteger(header.window)) {
    throw new InputError(`${path}:1: not a ${PREDICTION_CACHE_FORMAT} header`);
  }
  const records = parsed.slice(1).map((r, i) => {
    const ok =
      r.type === 'predictions' &&
      typeof r.doc === 'string' &&
      Number.isInteger(r.segment) &&
      Number.isInteger(r.from) &&
      Array.isArray(r.ids) &&
      Array.isArray(r.logprobs) &&
      r.ids.length === r.logprobs.length;
    if (!ok) throw new InputError(`${path}:${i + 2}: not a prediction record`);
    return r as unknown as PredictionRecord;
  });
  return { header: header as unknown as PredictionCacheHeader, records };
}
