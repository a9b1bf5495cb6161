/**
 * What every step of a running gateway shares: the config, the loaded models, the logs, the
 * limiters, the requests in flight and the shutdown flag. One object passed to each step (request
 * handling, completion, shutdown) instead of a closure over a 350-line function, so each step can
 * live in its own file and be read alone.
 */
import { type AccountRegistry } from './accounts.ts';
import { type ConcurrencyLimiter } from './concurrency-limiter.ts';
import { type ExchangeLog } from './exchange-log.ts';
import { type GatewayConfig } from './config.ts';
import { type ServedModel } from './load-models.ts';
import { type ModelBackend } from './model-backend.ts';
import { type RateLimiter } from './rate-limiter.ts';
import { type ReceiptLog } from './receipt-log.ts';

/** One line of the access log. */
export interface AccessLogEntry {
  readonly time: string;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly account: string | null;
  readonly ms: number;
  readonly error?: string;
}

export interface GatewayOptions {
  /** Backends by model id, used instead of loading those models' files (tests, embedding). */
  readonly backends?: ReadonlyMap<string, ModelBackend>;
  /** Called once per request after its response ends. */
  readonly accessLog?: (entry: AccessLogEntry) => void;
  /** Called with unexpected errors (a 500 was sent). Default: stderr. */
  readonly onInternalError?: (error: unknown, requestId: string) => void;
  /** How often Node checks header/request deadlines; default min(1 s, headersTimeoutMs / 2). */
  readonly connectionsCheckingIntervalMs?: number;
}

/** What the exchange log records about one call, filled in as the call is handled. */
export interface ExchangeNote {
  /** The request body as received (parsed JSON); null before it is read or when it did not parse. */
  request: unknown;
  /** The response body sent (for a stream: the equivalent whole body, without log-probabilities). */
  response: Record<string, unknown> | null;
  /** The key id of the watermark key the response was served with. */
  keyId: string | null;
}

export interface GatewayState {
  readonly config: GatewayConfig;
  readonly options: GatewayOptions;
  readonly models: ReadonlyMap<string, ServedModel>;
  readonly receipts: ReceiptLog;
  /** The exchange log, when configured. */
  readonly exchanges: ExchangeLog | null;
  /** `config.trustedProxies` as a set. */
  readonly trustedProxies: ReadonlySet<string>;
  readonly accounts: AccountRegistry;
  readonly limiter: RateLimiter;
  readonly slots: ConcurrencyLimiter;
  /** Unix seconds of the start, the `created` of every model object. */
  readonly created: number;
  /** One abort controller per request being handled. */
  readonly inFlight: Set<AbortController>;
  readonly onInternalError: (error: unknown, requestId: string) => void;
  /** Responses served (each with its receipt). */
  responses: number;
  /** Set by `close()`: new requests get 503, answers carry `Connection: close`. */
  closing: boolean;
  /** Called when the last in-flight request ends while closing. */
  drained: (() => void) | null;
}
