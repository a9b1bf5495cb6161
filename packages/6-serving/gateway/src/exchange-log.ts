/**
 * The exchange log (opt-in, `"exchangeLog"` in the config): one line per authenticated API call,
 * in the canonical `ExchangeRecord` format that `@tracemark/traffic` scans for extraction
 * campaigns — time, account, client address, user agent, endpoint, status, the request body as
 * received, the response body, and the key id of the watermark the response was served with.
 *
 * It is evidence as the receipts are, with the same machinery (`ChainedLog`): fdatasync'd, locked,
 * hash-chained, and signed at checkpoints (signed as `exchanges`, so a checkpoint cannot be moved
 * into the receipt log). Lines other than `"type": "exchange"` — `open`, `close`, `checkpoint` —
 * belong to the log's integrity, not to the traffic: a scanner skips them.
 *
 * Unlike a receipt, an exchange line is written after the response ends (its status is only known
 * then), so it does not hold up the response; a call that was cut by a crash may lack its line. A
 * failed write closes the log, and the gateway then refuses new calls (503) rather than serve
 * traffic it cannot record.
 */
import { type ExchangeRecord } from '@tracemark/traffic';
import { ChainedLog, type ChainedLogOptions, type ChainedLogStats, type RepairedTail } from './chained-log.ts';

export interface ExchangeOpenRecord {
  readonly type: 'open';
  readonly time: string;
  readonly pid: number;
  /** `keep`: texts as sent; `features`: texts replaced by their features (`exchange-features.ts`). */
  readonly text: 'keep' | 'features';
  readonly trustedProxies: readonly string[];
  readonly repairedTail: RepairedTail | null;
}

export interface ExchangeCloseRecord {
  readonly type: 'close';
  readonly time: string;
  readonly exchanges: number;
}

export type ExchangeLine = ({ readonly type: 'exchange' } & ExchangeRecord) | ExchangeOpenRecord | ExchangeCloseRecord;

export type ExchangeLogOptions = Omit<ChainedLogOptions, 'kind'>;

export class ExchangeLog {
  private exchanges = 0;

  private constructor(private readonly log: ChainedLog<ExchangeLine>) {}

  /** @throws LogLockedError when another gateway holds the log; ChainedLogError when the file is not one of ours. */
  static async open(path: string, open_: Pick<ExchangeOpenRecord, 'pid' | 'text' | 'trustedProxies'>, options: ExchangeLogOptions = {}): Promise<ExchangeLog> {
    const log = await ChainedLog.open<ExchangeLine>(path, (repairedTail) => ({ type: 'open', time: new Date().toISOString(), ...open_, repairedTail }), { ...options, kind: 'exchanges' });
    return new ExchangeLog(log);
  }

  get failed(): Error | null {
    return this.log.failed;
  }

  stats(): ChainedLogStats {
    return this.log.stats();
  }

  /** Append one exchange; resolves when durable. */
  async append(record: ExchangeRecord): Promise<void> {
    await this.log.append({ type: 'exchange', ...record });
    this.exchanges++;
  }

  /** Append the `close` record and the final checkpoint, and close the file. */
  close(): Promise<void> {
    return this.log.close({ type: 'close', time: new Date().toISOString(), exchanges: this.exchanges });
  }
}
