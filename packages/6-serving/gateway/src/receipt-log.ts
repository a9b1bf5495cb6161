/**
 * Receipts: one line per response served, made durable before the response's last byte is sent,
 * so a response a client received complete always has its receipt, whatever happens to the process
 * afterwards. The file is a `ChainedLog` (`chained-log.ts`): fdatasync'd, locked, hash-chained and,
 * with the lab's signer configured, signed at checkpoints. This file defines the records.
 *
 * Records: `open` (gateway start), `response` (one served response, `ResponseReceipt`), `close`
 * (clean shutdown), and `checkpoint` (written by the log itself).
 */
import { type Signer } from '@tracemark/evidence';
import { ChainedLog, ChainedLogError, type ChainedLogStats, LOG_FORMAT_VERSION, type RepairedTail } from './chained-log.ts';

export { sha256Hex } from '@tracemark/encoding';

export const RECEIPT_FORMAT_VERSION = LOG_FORMAT_VERSION;

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
  readonly repairedTail: RepairedTail | null;
}

export interface CloseReceipt {
  readonly type: 'close';
  readonly time: string;
  readonly responses: number;
}

export type ReceiptRecord = ResponseReceipt | OpenReceipt | CloseReceipt;

/** The receipt log cannot be used (not a receipt log, or a write failed). */
export { ChainedLogError as ReceiptLogError };

export type ReceiptLogStats = ChainedLogStats;

export interface ReceiptLogOptions {
  readonly groupCommit?: boolean;
  /** The lab's signer: checkpoints are signed with it. Absent: hash chain only. */
  readonly signer?: Signer | null;
  readonly checkpointEvery?: number;
}

/** An open receipt log: `append` resolves once the receipt is durable. */
export class ReceiptLog {
  private constructor(private readonly log: ChainedLog<ReceiptRecord>) {}

  /**
   * Lock and open (creating it owner-only if needed) the log at `path`, repair a torn last line,
   * and append the `open` record (and a checkpoint with a signer).
   *
   * @throws LogLockedError when another gateway holds the log; ReceiptLogError when the file is not a receipt log.
   */
  static async open(path: string, open_: Omit<OpenReceipt, 'type' | 'time' | 'repairedTail'>, options: ReceiptLogOptions = {}): Promise<ReceiptLog> {
    const log = await ChainedLog.open<ReceiptRecord>(path, (repairedTail) => ({ type: 'open', time: new Date().toISOString(), ...open_, repairedTail }), { kind: 'receipts', ...options });
    return new ReceiptLog(log);
  }

  get path(): string {
    return this.log.path;
  }

  stats(): ReceiptLogStats {
    return this.log.stats();
  }

  /** Append `record`; resolves when it is durable. Rejects after a failed write (the log then refuses every later record). */
  append(record: ReceiptRecord): Promise<void> {
    return this.log.append(record);
  }

  /** Append the `close` record (when given) and the final checkpoint, wait for every pending record, close the file and release its lock. */
  close(record?: CloseReceipt): Promise<void> {
    return this.log.close(record);
  }
}
