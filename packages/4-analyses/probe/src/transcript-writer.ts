/**
 * Crash-safe transcript files. Each record is one `write` of a complete line to a file opened for
 * appending (O_APPEND: the line lands whole at the end) followed by fsync, so after a crash, a
 * kill or a power cut the file holds every acknowledged response and at most one torn final line,
 * which `readTranscriptForResume` cuts off before a resumed run appends again.
 */
import { constants as fsConstants } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  parseTranscript,
  type ParsedTranscript,
  type TranscriptHeader,
  type TranscriptRecord,
} from '@tracemark/fingerprint';
import { readResumable } from './read-resumable.ts';

/** Serialised appends with fsync; one instance per open file. */
export class TranscriptWriter {
  private chain: Promise<void> = Promise.resolve();
  private failed: Error | null = null;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly handle: import('node:fs/promises').FileHandle,
  ) {}

  /** Open for appending; the file must exist (see `createTranscriptFile`). */
  static async open(path: string): Promise<TranscriptWriter> {
    const handle = await open(path, fsConstants.O_WRONLY | fsConstants.O_APPEND);
    return new TranscriptWriter(path, handle);
  }

  /** Append one line and fsync it. Appends are applied in call order; a failed write fails every later one. */
  append(value: TranscriptRecord | TranscriptHeader): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.path}: transcript writer is closed`));
    const line = `${JSON.stringify(value)}\n`;
    const next = this.chain.then(async () => {
      if (this.failed) throw this.failed;
      try {
        await this.handle.write(line);
        await this.handle.sync();
      } catch (e) {
        this.failed = e as Error;
        throw e;
      }
    });
    // Keep the chain alive after a failure so close() still runs; callers see the rejection.
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    await this.handle.close();
  }
}

/**
 * Create a transcript (or another crash-safe JSONL log, such as a prediction cache) holding just its
 * header, fsynced together with its directory entry.
 * Refuses to replace a non-empty file (an empty one is what a run that died at once leaves).
 */
export async function createTranscriptFile(path: string, header: TranscriptHeader | Readonly<Record<string, unknown>>): Promise<void> {
  let fh: import('node:fs/promises').FileHandle;
  try {
    fh = await open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || (await stat(path)).size !== 0) throw e;
    fh = await open(path, fsConstants.O_WRONLY | fsConstants.O_TRUNC);
  }
  try {
    await fh.write(`${JSON.stringify(header)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    const dir = await open(dirname(path), fsConstants.O_RDONLY);
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Directories cannot be opened for fsync on every platform (Windows); the file itself is synced.
  }
}

export interface ExistingTranscript extends ParsedTranscript {
  /** A torn final line was cut off the file. */
  readonly repairedTail: boolean;
}

/**
 * Read a transcript to resume it: null when the file does not exist or is empty (a run that died
 * before its header was written). A torn final line is truncated away; a missing final newline
 * after a complete line is added back.
 *
 * @throws TranscriptError for anything else malformed (naming file:line).
 */
export async function readTranscriptForResume(path: string): Promise<ExistingTranscript | null> {
  const file = await readResumable(path);
  if (!file) return null;
  if (file.tail === null) {
    // Torn inside a character: no complete record can end there.
    await truncate(path, file.completeBytes);
  }
  const text = file.complete + (file.tail ?? '');
  if (text.trim() === '') return null;
  if (!text.includes('\n')) {
    // Only a torn header: the run died before anything was recorded. Start afresh.
    let header: unknown = null;
    try {
      header = JSON.parse(text);
    } catch {
      await truncate(path, 0);
      return null;
    }
    if (header === null) return null;
  }
  const parsed = parseTranscript(text, path, { allowTruncatedTail: true, allowEmpty: true });
  let repairedTail = false;
  if (parsed.truncatedTail !== null) {
    await truncate(path, parsed.truncatedTail);
    repairedTail = true;
  } else if (!text.endsWith('\n')) {
    const fh = await open(path, fsConstants.O_WRONLY | fsConstants.O_APPEND);
    try {
      await fh.write('\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
  return { ...parsed, repairedTail };
}
