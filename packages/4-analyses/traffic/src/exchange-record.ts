/**
 * The exchange log: one JSON object per line, one line per API call, as the gateway writes it and as
 * any serving stack can export it. These are the canonical field names; a field mapping reads logs
 * whose names differ, and every other field is ignored (the gateway adds its hash chain and
 * checkpoints; the scanner does not need them).
 */

/** One API call. `request` and `response` are OpenAI-compatible bodies, as received and as sent. */
export interface ExchangeRecord {
  /** ISO 8601 with a zone, e.g. `2026-12-04T18:22:05.120Z`. */
  readonly time: string;
  /** The account (API key owner) that made the call. */
  readonly account: string;
  /** The client address, IPv4 or IPv6, as the server saw it (after a trusted proxy's X-Forwarded-For). */
  readonly ip: string;
  readonly userAgent?: string;
  /** An opaque billing fingerprint (card hash, billing account); never the card itself. */
  readonly payment?: string;
  /** e.g. `/v1/chat/completions`, `/v1/completions`. */
  readonly endpoint: string;
  /** HTTP status of the answer. */
  readonly status: number;
  /** The request body as received: `model`, `messages` or `prompt`, `max_tokens`, `temperature`, `n`, `logprobs`, … */
  readonly request: Readonly<Record<string, unknown>>;
  /** The response body; absent for errors or request-only logs. */
  readonly response?: Readonly<Record<string, unknown>>;
  /** The key id of the watermark key the response was served with (the gateway writes it; optional elsewhere). */
  readonly keyId?: string;
}
