/**
 * Receipts: one append-only JSONL line per response served, made durable (written and
 * fdatasync'd) before the response's last byte is sent, so a response a client received complete
 * always has its receipt, whatever happens to the process afterwards.
 *
 * Why a plain fsync'd JSONL file and not SQLite or another embedded database: the log is evidence.
 * An auditor can read it with `tail`, `jq` or `tracemark receipts`, without this code or a
 * database engine of a matching version; appending is the only write the gateway ever makes, so a
 * database's transactions, indexes and rewrites buy nothing here but a binary format and a native
 * dependency. Durability is the same: one `write` to an O_APPEND file plus `fdatasync` is the
 * commit. Group commit (`groupCommit`, default on) shares one fdatasync among every receipt that
 * arrived while the previous one ran, so throughput follows the disk's sync rate times the batch
 * size rather than the sync rate alone (measured in BENCHMARKS.md, "gateway").
 *
 * Tamper evidence: every line carries `prev`, the SHA-256 of the previous line's text, so a
 * deleted, inserted or edited line breaks the chain at that point (the first line has
 * `prev: null`).
 *
 * Crash recovery: a crash mid-write can leave a last line without its newline. On open the
 * gateway never rewrites it: it appends the missing newline (the torn text stays in the file,
 * where readers report it) and then an `open` record whose `repairedTail` gives the torn line's
 * offset and length. Readers therefore find a torn line either last in the file or right before
 * an `open` record that accounts for it; anywhere else, an unparseable line is corruption.
 *
 * Line format (all records): `{"v":1,"type":…,"time":ISO-8601,…,"prev":hex|null}`, types
 * `open` (gateway start), `response` (one served response, `ResponseReceipt`) and `close`
 * (clean shutdown).
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '@tracemark/errors';

export const RECEIPT_FORMAT_VERSION = 1;

/** One served response. Hashes are SHA-256 over the UTF-8 text, hex. */
export interface ResponseReceipt {
  readonly type: 'response';
  readonly time: string;
  /** The response's `id` (also its `x-request-id` header), e.g. `chatcmpl-…`. */
  readonly requestId: string;
  readonly account: string;
  /** The account key the response was watermarked with, or null with watermarking off. */
  readonly keyId: string | null;
  readonly model: string;
  readonly endpoint: 'chat.completions' | 'completions';
  readonly stream: boolean;
  /** SHA-256 of the prompt text the model was given (a chat rendered by its template). */
  readonly promptSha256: string;
  /** SHA-256 of the answer text as delivered (`message.content` / `text`). */
  readonly responseSha256: string;
  /** SHA-256 of the reasoning trace (`reasoning_content`), or null when there was none. */
  readonly reasoningSha256: string | null;
  readonly promptTokens: number;
  /** Every generated token, reasoning included. */
  readonly completionTokens: number;
  readonly reasoningTokens: number;
  /** `stop` / `length` as in the API; `aborted` (client left mid-stream) and `timeout` for streams cut short. */
  readonly finishReason: 'stop' | 'length' | 'aborted' | 'timeout';
  /** The sampling seed: with the prompt and the account key it reproduces the response exactly. */
  readonly seed: number;
}

export interface OpenReceipt {
  readonly type: 'open';
  readonly time: string;
  readonly pid: number;
  readonly watermark: boolean;
  /** Account → the key id its responses are watermarked with, per model. */
  readonly accountKeys: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** A torn last line found on open (left in place, newline appended), or null. */
  readonly repairedTail: { readonly offset: number; readonly bytes: number } | null;
}

export interface CloseReceipt {
  readonly type: 'close';
  readonly time: string;
  readonly responses: number;
}

export type ReceiptRecord = ResponseReceipt | OpenReceipt | CloseReceipt;

/** The receipt log cannot be used (not a receipt log, or a write failed). */
export class ReceiptLogError extends InputError {
  override name = 'ReceiptLogError';
}

export interface ReceiptLogStats {
  readonly records: number;
  readonly syncs: number;
  readonly bytes: number;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Bytes read per step when looking backwards for the start of the last line. */
const TAIL_CHUNK = 64 * 1024;
/** A receipt line is < 2 KB; a "last line" longer than this is not one of ours. */
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

/** Start offset of the line that ends at `end` (exclusive): just after the previous newline, or 0. */
async function lineStart(fh: FileHandle, end: number, path: string): Promise<number> {
  let pos = end;
  while (pos > 0) {
    const from = Math.max(0, pos - TAIL_CHUNK);
    const chunk = await readAt(fh, from, pos - from);
    const nl = chunk.lastIndexOf(0x0a);
    if (nl >= 0) return from + nl + 1;
    pos = from;
    if (end - pos > MAX_LINE_BYTES) throw new ReceiptLogError(`${path}: last line is longer than ${MAX_LINE_BYTES} bytes: not a receipt log`);
  }
  return 0;
}

/**
 * An open receipt log. `append` resolves once the record is on disk; records are written in the
 * order `append` was called.
 */
export class ReceiptLog {
  private pending: { line: Record<string, unknown>; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private failed: Error | null = null;
  private closed = false;
  private records = 0;
  private syncs = 0;
  private bytes = 0;

  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    private prev: string | null,
    private readonly groupCommit: boolean,
  ) {}

  /**
   * Open (creating it owner-only if needed) the log at `path`, check its tail, repair a torn last
   * line as described above, and append the `open` record.
   *
   * @throws ReceiptLogError when the file is not a receipt log.
   */
  static async open(path: string, open_: Omit<OpenReceipt, 'type' | 'time' | 'repairedTail'>, options: { groupCommit?: boolean } = {}): Promise<ReceiptLog> {
    const fh = await open(path, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT, 0o600);
    try {
      const size = (await fh.stat()).size;
      let prev: string | null = null;
      let repairedTail: OpenReceipt['repairedTail'] = null;
      if (size > 0) {
        const first = (await readAt(fh, 0, Math.min(size, 256))).toString('utf8');
        if (!first.startsWith(`{"v":${RECEIPT_FORMAT_VERSION},`)) throw new ReceiptLogError(`${path}: exists but is not a tracemark receipt log (refusing to append to it)`);
        const last = (await readAt(fh, size - 1, 1))[0];
        const torn = last !== 0x0a;
        const end = torn ? size : size - 1;
        const start = await lineStart(fh, end, path);
        const line = await readAt(fh, start, end - start);
        prev = createHash('sha256').update(line).digest('hex');
        if (torn) {
          await fh.write('\n');
          repairedTail = { offset: start, bytes: end - start };
        }
      } else {
        // A new file: its directory entry must be durable too, or the whole log can vanish.
        const dir = await open(dirname(path), 'r');
        try {
          await dir.sync();
        } finally {
          await dir.close();
        }
      }
      const log = new ReceiptLog(fh, path, prev, options.groupCommit ?? true);
      await log.append({ type: 'open', time: new Date().toISOString(), ...open_, repairedTail });
      return log;
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  stats(): ReceiptLogStats {
    return { records: this.records, syncs: this.syncs, bytes: this.bytes };
  }

  /** Append `record`; resolves when it is durable. Rejects after a failed write (the log then refuses every later record). */
  append(record: ReceiptRecord): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new ReceiptLogError(`${this.path}: receipt log is closed`));
    return new Promise((resolve, reject) => {
      this.pending.push({ line: { v: RECEIPT_FORMAT_VERSION, ...record }, resolve, reject });
      this.flushing ??= this.flush().finally(() => (this.flushing = null));
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.groupCommit ? this.pending.splice(0) : this.pending.splice(0, 1);
      let text = '';
      let prev = this.prev;
      for (const b of batch) {
        const line = JSON.stringify({ ...b.line, prev });
        prev = sha256Hex(line);
        text += `${line}\n`;
      }
      try {
        if (this.failed) throw this.failed;
        const buf = Buffer.from(text, 'utf8');
        let off = 0;
        while (off < buf.length) off += (await this.fh.write(buf, off, buf.length - off)).bytesWritten;
        await this.fh.datasync();
        this.prev = prev;
        this.records += batch.length;
        this.syncs++;
        this.bytes += buf.length;
        for (const b of batch) b.resolve();
      } catch (e) {
        // Fail closed: after a partial write the chain and the file end are unknown, so no later
        // response may be served on the strength of a receipt.
        this.failed ??= new ReceiptLogError(`${this.path}: receipt write failed (${(e as Error).message})`);
        for (const b of batch) b.reject(this.failed);
      }
    }
  }

  /** Append the `close` record (when given), wait for every pending record, and close the file. */
  async close(record?: CloseReceipt): Promise<void> {
    if (this.closed) return;
    const last = record && !this.failed ? this.append(record).catch(() => undefined) : Promise.resolve();
    this.closed = true;
    await last;
    await this.flushing;
    await this.fh.close();
  }
}
