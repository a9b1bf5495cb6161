/**
 * An append-only JSONL log that is evidence: the machinery the receipt log and the exchange log
 * share. Each guarantee is one mechanism, written once here:
 *
 * - Durability: `append` resolves once the line is written and fdatasync'd. Group commit (default
 *   on) shares one fdatasync among every record that arrived while the previous one ran, so
 *   throughput follows the disk's sync rate times the batch size (measured in BENCHMARKS.md,
 *   "gateway"). A new file's directory entry is fsync'd too, or the whole log could vanish.
 * - One writer: an exclusive lock file (`log-lock.ts`) for as long as the log is open.
 * - Hash chain: every line carries `prev`, the SHA-256 of the previous line's bytes (the first line
 *   has `prev: null`), so an edited, inserted or deleted line breaks the chain at that point.
 * - Signed checkpoints (`log-checkpoint.ts`), when a signer is given: after the `open` record,
 *   every `checkpointEvery` lines, and after the `close` record, a line signing the chain head and
 *   the line count, written in the same write and fdatasync as the records it covers.
 * - Line count: checkpoints sign the number of lines before them, so opening reads the existing
 *   file once, sequentially, to count its lines (a start on a large log costs one pass over it).
 * - Crash recovery: a crash mid-write can leave a last line without its newline. On open the file
 *   is never rewritten: the missing newline is appended (the torn text stays, where readers report
 *   it) and then the `open` record, whose `repairedTail` gives the torn line's offset and length and
 *   whose `prev` hashes the torn bytes; the checkpoint after it then covers the torn line as well.
 * - Fail closed: after a failed write the chain and the file's end are unknown, so the log refuses
 *   every later record, and its owner stops serving what needs one.
 *
 * Why a plain fsync'd JSONL file and not SQLite: an auditor reads it with `tail`, `jq` or
 * `tracemark receipts`, without this code or a database engine of a matching version; appending is
 * the only write, so a database's transactions and page rewrites buy nothing but a binary format.
 *
 * Line format: `{"v":1,"type":…,"time":ISO-8601,…,"prev":hex|null}`.
 */
import { createHash } from 'node:crypto';
import { sha256Hex } from '@tracemark/encoding';
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '@tracemark/errors';
import { type Signer } from '@tracemark/evidence';
import { createCheckpoint, type LogKind } from './log-checkpoint.ts';
import { acquireLogLock, type LogLock } from './log-lock.ts';

export const LOG_FORMAT_VERSION = 1;

/** The log cannot be used (not one of ours, or a write failed). */
export class ChainedLogError extends InputError {
  override name = 'ChainedLogError';
}

export interface ChainedLogStats {
  /** Lines written by this process, checkpoints included. */
  readonly records: number;
  readonly checkpoints: number;
  readonly syncs: number;
  readonly bytes: number;
}

export interface ChainedLogOptions {
  /** Which log this is; signed into every checkpoint. */
  readonly kind: LogKind;
  /** Share fdatasyncs between concurrent appends (default true). */
  readonly groupCommit?: boolean;
  /** Signs the checkpoints; null or absent: no checkpoints (chain only). */
  readonly signer?: Signer | null;
  /** Lines between periodic checkpoints (default 1000). */
  readonly checkpointEvery?: number;
}

export const DEFAULT_CHECKPOINT_EVERY = 1000;

/** A torn last line found on open (left in place, newline appended). */
export interface RepairedTail {
  readonly offset: number;
  readonly bytes: number;
}


/** Bytes read per step when scanning the file. */
const CHUNK = 1 << 20;
/** A log line is a few KB; a "last line" longer than this is not one of ours. */
const MAX_LINE_BYTES = 16 << 20;

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return buf.subarray(0, done);
}

/** Newlines in the first `size` bytes, and where the last line (ending at `size`, or at its final newline) starts. */
async function scanLines(fh: FileHandle, size: number): Promise<{ newlines: number; lastStart: number }> {
  let newlines = 0;
  let lastNewline = -1;
  let beforeLast = -1;
  for (let pos = 0; pos < size; pos += CHUNK) {
    const chunk = await readAt(fh, pos, Math.min(CHUNK, size - pos));
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) {
      newlines++;
      beforeLast = lastNewline;
      lastNewline = pos + i;
    }
  }
  const endsWithNewline = lastNewline === size - 1;
  return { newlines, lastStart: (endsWithNewline ? beforeLast : lastNewline) + 1 };
}

async function syncDirectory(path: string): Promise<void> {
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

interface Pending {
  readonly line: Record<string, unknown>;
  /** Sign a checkpoint right after this record, whatever the count. */
  readonly checkpoint: boolean;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/** What the file held when it was opened, and the repair made. */
interface Recovered {
  readonly prev: string | null;
  readonly lines: number;
  readonly repairedTail: RepairedTail | null;
}

/** Check the file is one of ours, hash its last line, count its lines, and repair a torn tail. */
async function recover(fh: FileHandle, path: string): Promise<Recovered> {
  const size = (await fh.stat()).size;
  if (size === 0) {
    await syncDirectory(path);
    return { prev: null, lines: 0, repairedTail: null };
  }
  const first = (await readAt(fh, 0, Math.min(size, 256))).toString('utf8');
  if (!first.startsWith(`{"v":${LOG_FORMAT_VERSION},`)) throw new ChainedLogError(`${path}: exists but is not a tracemark log (refusing to append to it)`);
  const { newlines, lastStart } = await scanLines(fh, size);
  const torn = (await readAt(fh, size - 1, 1))[0] !== 0x0a;
  const end = torn ? size : size - 1;
  if (end - lastStart > MAX_LINE_BYTES) throw new ChainedLogError(`${path}: last line is longer than ${MAX_LINE_BYTES} bytes: not a tracemark log`);
  const prev = createHash('sha256')
    .update(await readAt(fh, lastStart, end - lastStart))
    .digest('hex');
  if (!torn) return { prev, lines: newlines, repairedTail: null };
  await fh.write('\n');
  return { prev, lines: newlines + 1, repairedTail: { offset: lastStart, bytes: end - lastStart } };
}

/**
 * An open log. `append` resolves once the record is on disk; records are written in the order
 * `append` was called.
 */
export class ChainedLog<R extends { readonly type: string }> {
  private pending: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private failure: Error | null = null;
  private closed = false;
  private written = 0;
  private checkpoints = 0;
  private syncs = 0;
  private bytes = 0;
  private sinceCheckpoint = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly lock: LogLock,
    readonly path: string,
    private prev: string | null,
    /** Lines in the file so far (before the pending ones). */
    private lines: number,
    private readonly options: ChainedLogOptions,
  ) {}

  /**
   * Lock and open (creating it owner-only if needed) the log at `path`, check its tail, repair a
   * torn last line, and append `openRecord(repairedTail)` followed by a checkpoint.
   *
   * @throws LogLockedError when another live process holds the log; ChainedLogError when the file is not one of ours.
   */
  static async open<R extends { readonly type: string }>(path: string, openRecord: (repairedTail: RepairedTail | null) => R, options: ChainedLogOptions): Promise<ChainedLog<R>> {
    const lock = await acquireLogLock(path);
    let fh: FileHandle | null = null;
    try {
      fh = await open(path, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
      const { prev, lines, repairedTail } = await recover(fh, path);
      const log = new ChainedLog<R>(fh, lock, path, prev, lines, options);
      await log.append(openRecord(repairedTail), { checkpoint: true });
      return log;
    } catch (e) {
      await fh?.close();
      await lock.release();
      throw e;
    }
  }

  /** The failure that closed the log to new records, or null. */
  get failed(): Error | null {
    return this.failure;
  }

  stats(): ChainedLogStats {
    return { records: this.written, checkpoints: this.checkpoints, syncs: this.syncs, bytes: this.bytes };
  }

  /** Append `record` (and a checkpoint after it when `checkpoint`); resolves when durable. Rejects after a failed write. */
  append(record: R, { checkpoint = false }: { checkpoint?: boolean } = {}): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new ChainedLogError(`${this.path}: log is closed`));
    return new Promise((resolve, reject) => {
      this.pending.push({ line: { v: LOG_FORMAT_VERSION, ...record }, checkpoint, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** The text of `batch` (with the checkpoints it calls for), and the chain state after it. */
  private render(batch: readonly Pending[]): { text: string; prev: string | null; lines: number; since: number; checkpoints: number } {
    const { signer, kind } = this.options;
    const every = this.options.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    let text = '';
    let { prev, lines } = this;
    let since = this.sinceCheckpoint;
    let checkpoints = 0;
    const add = (record: Record<string, unknown>) => {
      const line = JSON.stringify({ ...record, prev });
      prev = sha256Hex(line);
      text += `${line}\n`;
      lines++;
    };
    for (const b of batch) {
      add(b.line);
      since++;
      if (signer && (b.checkpoint || since >= every)) {
        add({ v: LOG_FORMAT_VERSION, ...createCheckpoint(signer, kind, lines, prev!, new Date().toISOString()) });
        since = 0;
        checkpoints++;
      }
    }
    return { text, prev, lines, since, checkpoints };
  }

  /**
   * Write pending records until none is left. `flushing` is cleared in the same tick as the look
   * that finds `pending` empty — not after an `await` or in a `.finally()`: a caller resumed by the
   * last batch's resolve may append before such a callback runs, and its record would wait forever
   * for a flush that had already ended.
   */
  private async flush(): Promise<void> {
    for (;;) {
      if (this.pending.length === 0) {
        this.flushing = null;
        return;
      }
      const batch = this.options.groupCommit === false ? this.pending.splice(0, 1) : this.pending.splice(0);
      try {
        if (this.failure) throw this.failure;
        const out = this.render(batch);
        const buf = Buffer.from(out.text, 'utf8');
        let off = 0;
        while (off < buf.length) off += (await this.fh.write(buf, off, buf.length - off)).bytesWritten;
        await this.fh.datasync();
        this.prev = out.prev;
        this.written += out.lines - this.lines;
        this.lines = out.lines;
        this.sinceCheckpoint = out.since;
        this.checkpoints += out.checkpoints;
        this.syncs++;
        this.bytes += buf.length;
        for (const b of batch) b.resolve();
      } catch (e) {
        // Fail closed: after a partial write the chain and the file end are unknown.
        this.failure ??= e instanceof ChainedLogError ? e : new ChainedLogError(`${this.path}: write failed (${(e as Error).message})`);
        for (const b of batch) b.reject(this.failure);
      }
    }
  }

  /** Append the closing record (when given) and its checkpoint, wait for every pending record, close the file and release the lock. */
  async close(record?: R): Promise<void> {
    if (this.closed) return;
    const last = record && !this.failure ? this.append(record, { checkpoint: true }).catch(() => undefined) : Promise.resolve();
    this.closed = true;
    await last;
    await this.flushing;
    await this.fh.close();
    await this.lock.release();
  }
}
