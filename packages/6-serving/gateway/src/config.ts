/**
 * The gateway's configuration file (`gateway.json`, see `gateway.example.json`): where to listen,
 * the lab's master watermark key, the receipt log, the models served, the accounts and their API
 * keys, and the limits. `parseConfig` validates everything once, up front, and rejects unknown
 * fields — a misspelt limit or key name in a security-relevant file must fail loudly, not be
 * ignored. Relative paths are resolved against the config file's folder.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { DEFAULT_CHECKPOINT_EVERY } from './chained-log.ts';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError } from '@tracemark/errors';

export type ChatTemplateName = 'transcript' | 'continuation';

/** Per-account token buckets: requests and tokens (prompt + completion), refilled continuously. */
export interface RateLimitConfig {
  readonly requestsPerMinute: number;
  readonly tokensPerMinute: number;
  /** Bucket capacities: how much may be spent at once (default: one minute's worth). */
  readonly burstRequests: number;
  readonly burstTokens: number;
}

export interface ReasoningConfig {
  /** Upper bound on reasoning tokens; a request gets at most half its max_tokens for reasoning. */
  readonly maxTokens: number;
}

export interface ModelConfig {
  /** The name clients pass as `model`. */
  readonly id: string;
  /** `ngram`: a reference model file from `tracemark train`; `llama-cpp`: a GGUF file run by node-llama-cpp. */
  readonly backend: 'ngram' | 'llama-cpp';
  readonly file: string;
  /** Overrides the gateway's master key for this model (a lab with models on different tokenizers needs one per tokenizer). */
  readonly masterKey?: string;
  /** Candidates per sampling step (the model's top-k); default 50. */
  readonly topK: number;
  readonly chatTemplate: ChatTemplateName;
  /** When set, the model writes a reasoning trace (`reasoning_content`) before its answer; both are watermarked. */
  readonly reasoning: ReasoningConfig | null;
  /** llama-cpp only: KV-cache size in tokens and CPU threads. */
  readonly contextSize?: number;
  readonly threads?: number;
  readonly ownedBy: string;
  /**
   * Serve the model's own next-token distribution on text the client sends (`echo` with `logprobs`
   * or `prompt_logprobs` on /v1/completions, llama.cpp-style /completion with `n_probs`); default
   * false. Off for a watermarked teacher: scores on arbitrary text are soft labels a distiller can
   * train on, and they carry no watermark (a watermark lives in sampling). On for a model whose
   * distribution may be published — an open-weight release, or a suspect served for an audit.
   */
  readonly promptLogprobs: boolean;
}

export interface AccountConfig {
  readonly name: string;
  /** SHA-256 digests (hex) of the account's API keys; plaintext `apiKeys` in the file are hashed on load. */
  readonly apiKeyDigests: readonly Uint8Array[];
  readonly rateLimit: RateLimitConfig;
}

export interface LimitsConfig {
  /** Largest request body accepted (413 above). */
  readonly maxBodyBytes: number;
  /** Largest `max_tokens` accepted (400 above); also the default when a request names none. */
  readonly maxTokens: number;
  readonly maxPromptTokens: number;
  /** Generations running at once; the rest wait in a queue of at most `maxQueue` (503 beyond). */
  readonly maxConcurrent: number;
  readonly maxQueue: number;
  /** Sockets open at once; more are closed on accept. */
  readonly maxConnections: number;
  /**
   * Sockets open at once from one client address (the socket's peer, not X-Forwarded-For, which a
   * client can write); more are closed on accept. Peers listed in `trustedProxies` are exempt:
   * every client behind a proxy shares its address.
   */
  readonly maxConnectionsPerClient: number;
  /** Time allowed to receive a request's headers, and the whole request (Node's slowloris guards). */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** An idle keep-alive socket is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** A generation running longer is aborted (504, or an error event on a stream). */
  readonly generationTimeoutMs: number;
  /** On SIGTERM, in-flight requests get this long to finish before their sockets are closed. */
  readonly shutdownTimeoutMs: number;
}

export interface ReceiptsConfig {
  readonly path: string;
  /** Share one fdatasync among the receipts that arrive while the previous one runs (default true). */
  readonly groupCommit: boolean;
  /** The lab's `tracemark signer` file: checkpoints are signed with it. null: hash chain only (warned). */
  readonly signer: string | null;
  /** Lines between signed checkpoints (one is also written at every start and shutdown). */
  readonly checkpointEvery: number;
}

/**
 * The exchange log (opt-in): one line per API call for campaign detection (`@tracemark/traffic`),
 * with the receipts' guarantees. `text`: `keep` records prompts and responses as sent; `features`
 * replaces their text by what the scanner needs (see `exchange-features.ts`).
 */
export interface ExchangeLogConfig extends ReceiptsConfig {
  readonly text: 'keep' | 'features';
}

export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  /** Watermark every response (default true). Off only for measuring the watermark's cost. */
  readonly watermark: boolean;
  readonly masterKey: string | null;
  readonly receipts: ReceiptsConfig;
  readonly exchangeLog: ExchangeLogConfig | null;
  /** Peers whose X-Forwarded-For is believed (exact addresses). */
  readonly trustedProxies: readonly string[];
  readonly models: readonly ModelConfig[];
  readonly accounts: readonly AccountConfig[];
  readonly limits: LimitsConfig;
  /** Settings that are valid but probably not what was meant (printed on start). */
  readonly warnings: readonly string[];
}

/** A configuration that cannot be used; the message names the file and the field. */
export class ConfigError extends InputError {
  override name = 'ConfigError';
}

export const DEFAULT_LIMITS: LimitsConfig = {
  maxBodyBytes: 1 << 20,
  maxTokens: 1024,
  maxPromptTokens: 8192,
  maxConcurrent: 8,
  maxQueue: 256,
  maxConnections: 1024,
  maxConnectionsPerClient: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  generationTimeoutMs: 120_000,
  shutdownTimeoutMs: 30_000,
};

export const DEFAULT_RATE_LIMIT = { requestsPerMinute: 600, tokensPerMinute: 1_000_000 } as const;

type Json = Record<string, unknown>;

class Reader {
  constructor(
    readonly source: string,
    readonly baseDir: string,
  ) {}

  fail(path: string, message: string): never {
    throw new ConfigError(`${this.source}: ${path}: ${message}`);
  }

  object(value: unknown, path: string, allowed: readonly string[]): Json {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'must be an object');
    for (const k of Object.keys(value)) {
      if (!allowed.includes(k)) this.fail(path, `unknown field ${JSON.stringify(k)} (allowed: ${allowed.join(', ')})`);
    }
    return value as Json;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value.length === 0) this.fail(path, 'must be a non-empty string');
    return value;
  }

  number(value: unknown, path: string, min: number, max: number, integer = true): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      this.fail(path, `must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(value)}`);
    }
    return value;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, 'must be true or false');
    return value;
  }

  file(value: unknown, path: string): string {
    const s = this.string(value, path);
    return isAbsolute(s) ? s : resolve(this.baseDir, s);
  }
}

function rateLimit(r: Reader, value: unknown, path: string, base: RateLimitConfig | null): RateLimitConfig {
  const o = r.object(value ?? {}, path, ['requestsPerMinute', 'tokensPerMinute', 'burstRequests', 'burstTokens']);
  const requestsPerMinute = o.requestsPerMinute === undefined ? (base?.requestsPerMinute ?? DEFAULT_RATE_LIMIT.requestsPerMinute) : r.number(o.requestsPerMinute, `${path}.requestsPerMinute`, 1e-3, 1e9, false);
  const tokensPerMinute = o.tokensPerMinute === undefined ? (base?.tokensPerMinute ?? DEFAULT_RATE_LIMIT.tokensPerMinute) : r.number(o.tokensPerMinute, `${path}.tokensPerMinute`, 1, 1e12, false);
  const inherit = base !== null && o.requestsPerMinute === undefined;
  const inheritT = base !== null && o.tokensPerMinute === undefined;
  return {
    requestsPerMinute,
    tokensPerMinute,
    burstRequests: o.burstRequests === undefined ? (inherit ? base.burstRequests : Math.max(1, requestsPerMinute)) : r.number(o.burstRequests, `${path}.burstRequests`, 1, 1e9),
    burstTokens: o.burstTokens === undefined ? (inheritT ? base.burstTokens : tokensPerMinute) : r.number(o.burstTokens, `${path}.burstTokens`, 1, 1e12),
  };
}

function logConfig(r: Reader, value: unknown, path: string, extra: readonly string[]): { o: Json; config: ReceiptsConfig } {
  const o = r.object(value, path, ['path', 'groupCommit', 'signer', 'checkpointEvery', ...extra]);
  return {
    o,
    config: {
      path: r.file(o.path, `${path}.path`),
      groupCommit: o.groupCommit === undefined ? true : r.boolean(o.groupCommit, `${path}.groupCommit`),
      signer: o.signer === undefined ? null : r.file(o.signer, `${path}.signer`),
      checkpointEvery: o.checkpointEvery === undefined ? DEFAULT_CHECKPOINT_EVERY : r.number(o.checkpointEvery, `${path}.checkpointEvery`, 1, 1e9),
    },
  };
}

function exchangeLogConfig(r: Reader, value: unknown, receipts: ReceiptsConfig): ExchangeLogConfig | null {
  if (value === undefined || value === null) return null;
  const { o, config } = logConfig(r, value, 'exchangeLog', ['text']);
  const text = o.text === undefined ? 'keep' : o.text;
  if (text !== 'keep' && text !== 'features') r.fail('exchangeLog.text', `must be "keep" or "features", got ${JSON.stringify(text)}`);
  // One file, one writer: the lock would refuse the second log anyway, with a confusing message.
  if (config.path === receipts.path) r.fail('exchangeLog.path', 'must differ from receipts.path');
  return { ...config, text };
}

function trustedProxies(r: Reader, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) r.fail('trustedProxies', 'must be an array of IP addresses');
  return value.map((v, i) => {
    const ip = r.string(v, `trustedProxies[${i}]`);
    if (isIP(ip) === 0) r.fail(`trustedProxies[${i}]`, `must be an IPv4 or IPv6 address, got ${JSON.stringify(ip)}`);
    return ip;
  });
}

/** Settings that parse but defeat their purpose: said on start, not refused. */
function configWarnings(receipts: ReceiptsConfig, exchangeLog: ExchangeLogConfig | null, accounts: readonly AccountConfig[], limits: LimitsConfig): string[] {
  const warnings: string[] = [];
  if (receipts.signer === null) warnings.push('receipts.signer is not set: the receipt log is hash-chained but not signed, so anyone who can write the file can rewrite it without a trace (create a signer with `tracemark signer init`)');
  if (exchangeLog !== null && exchangeLog.signer === null) warnings.push('exchangeLog.signer is not set: the exchange log is hash-chained but not signed');
  for (const a of accounts) {
    // The bucket's capacity is the most one request may reserve (prompt + max_tokens).
    const room = a.rateLimit.burstTokens - limits.maxTokens;
    if (room < limits.maxPromptTokens) {
      warnings.push(`accounts "${a.name}": its token bucket holds ${a.rateLimit.burstTokens} tokens, so a request asking for max_tokens ${limits.maxTokens} can carry at most ${room} prompt tokens (limits.maxPromptTokens allows ${limits.maxPromptTokens}); larger requests are refused with 400`);
    }
  }
  return warnings;
}

const API_KEY_MIN_LENGTH = 16;
const HEX_DIGEST = /^[0-9a-f]{64}$/i;

/**
 * Validate a parsed config document. `source` names the file in errors; relative paths resolve
 * against `baseDir`. Plaintext `apiKeys` are hashed here and not kept.
 *
 * @throws ConfigError naming the file and the field.
 */
export function parseConfig(doc: unknown, source: string, baseDir: string): GatewayConfig {
  const r: Reader = new Reader(source, baseDir);
  const o = r.object(doc, '(top level)', ['$schema', 'comment', 'listen', 'watermark', 'masterKey', 'receipts', 'exchangeLog', 'trustedProxies', 'models', 'accounts', 'limits']);

  const listen = r.object(o.listen ?? {}, 'listen', ['host', 'port']);
  const host = listen.host === undefined ? '127.0.0.1' : r.string(listen.host, 'listen.host');
  const port = listen.port === undefined ? 8080 : r.number(listen.port, 'listen.port', 0, 65535);

  const watermark = o.watermark === undefined ? true : r.boolean(o.watermark, 'watermark');
  const masterKey = o.masterKey === undefined ? null : r.file(o.masterKey, 'masterKey');

  const receipts = logConfig(r, o.receipts, 'receipts', []).config;
  const exchangeLog = exchangeLogConfig(r, o.exchangeLog, receipts);
  const proxies = trustedProxies(r, o.trustedProxies);

  const lo = r.object(o.limits ?? {}, 'limits', [...Object.keys(DEFAULT_LIMITS), 'rateLimit']);
  const num = (name: keyof LimitsConfig, min: number, max: number): number =>
    lo[name] === undefined ? DEFAULT_LIMITS[name] : r.number(lo[name], `limits.${name}`, min, max);
  const limits: LimitsConfig = {
    maxBodyBytes: num('maxBodyBytes', 1024, 1 << 30),
    maxTokens: num('maxTokens', 1, 1 << 20),
    maxPromptTokens: num('maxPromptTokens', 1, 1 << 24),
    maxConcurrent: num('maxConcurrent', 1, 4096),
    maxQueue: num('maxQueue', 0, 1 << 20),
    maxConnections: num('maxConnections', 1, 1 << 20),
    maxConnectionsPerClient: num('maxConnectionsPerClient', 1, 1 << 20),
    headersTimeoutMs: num('headersTimeoutMs', 10, 600_000),
    requestTimeoutMs: num('requestTimeoutMs', 10, 3_600_000),
    keepAliveTimeoutMs: num('keepAliveTimeoutMs', 10, 600_000),
    generationTimeoutMs: num('generationTimeoutMs', 10, 86_400_000),
    shutdownTimeoutMs: num('shutdownTimeoutMs', 0, 3_600_000),
  };
  // Node requires the whole-request deadline to be at least the headers deadline.
  if (limits.requestTimeoutMs < limits.headersTimeoutMs) r.fail('limits.requestTimeoutMs', `must be ≥ limits.headersTimeoutMs (${limits.headersTimeoutMs})`);
  const defaultRate = rateLimit(r, lo.rateLimit, 'limits.rateLimit', null);

  if (!Array.isArray(o.models) || o.models.length === 0) r.fail('models', 'must be a non-empty array');
  const models: ModelConfig[] = o.models.map((m, i) => {
    const p = `models[${i}]`;
    const mo = r.object(m, p, ['id', 'backend', 'file', 'masterKey', 'topK', 'chatTemplate', 'reasoning', 'contextSize', 'threads', 'ownedBy', 'promptLogprobs']);
    const backend = mo.backend === undefined ? 'ngram' : mo.backend;
    if (backend !== 'ngram' && backend !== 'llama-cpp') r.fail(`${p}.backend`, `must be "ngram" or "llama-cpp", got ${JSON.stringify(backend)}`);
    const chatTemplate = mo.chatTemplate === undefined ? 'transcript' : mo.chatTemplate;
    if (chatTemplate !== 'transcript' && chatTemplate !== 'continuation') r.fail(`${p}.chatTemplate`, `must be "transcript" or "continuation", got ${JSON.stringify(chatTemplate)}`);
    let reasoning: ReasoningConfig | null = null;
    if (mo.reasoning !== undefined && mo.reasoning !== null && mo.reasoning !== false) {
      const ro = r.object(mo.reasoning === true ? {} : mo.reasoning, `${p}.reasoning`, ['maxTokens']);
      reasoning = { maxTokens: ro.maxTokens === undefined ? 64 : r.number(ro.maxTokens, `${p}.reasoning.maxTokens`, 1, 1 << 20) };
    }
    const id = r.string(mo.id, `${p}.id`);
    if (!/^[A-Za-z0-9._:/-]{1,128}$/.test(id)) r.fail(`${p}.id`, 'must be 1–128 characters of letters, digits and . _ : / -');
    return {
      id,
      backend,
      file: r.file(mo.file, `${p}.file`),
      ...(mo.masterKey === undefined ? {} : { masterKey: r.file(mo.masterKey, `${p}.masterKey`) }),
      topK: mo.topK === undefined ? 50 : r.number(mo.topK, `${p}.topK`, 1, 1 << 20),
      chatTemplate,
      reasoning,
      ...(mo.contextSize === undefined ? {} : { contextSize: r.number(mo.contextSize, `${p}.contextSize`, 16, 1 << 20) }),
      ...(mo.threads === undefined ? {} : { threads: r.number(mo.threads, `${p}.threads`, 1, 256) }),
      ownedBy: mo.ownedBy === undefined ? 'tracemark' : r.string(mo.ownedBy, `${p}.ownedBy`),
      promptLogprobs: mo.promptLogprobs === undefined ? false : r.boolean(mo.promptLogprobs, `${p}.promptLogprobs`),
    };
  });
  const ids = new Set<string>();
  for (const [i, m] of models.entries()) {
    if (ids.has(m.id)) r.fail(`models[${i}].id`, `duplicate model id ${JSON.stringify(m.id)}`);
    ids.add(m.id);
  }
  if (watermark && masterKey === null && models.some((m) => m.masterKey === undefined)) {
    r.fail('masterKey', 'is required while "watermark" is true (or give every model its own masterKey)');
  }

  if (!Array.isArray(o.accounts) || o.accounts.length === 0) r.fail('accounts', 'must be a non-empty array');
  const seenDigests = new Set<string>();
  const names = new Set<string>();
  const accounts: AccountConfig[] = o.accounts.map((a, i) => {
    const p = `accounts[${i}]`;
    const ao = r.object(a, p, ['name', 'apiKeys', 'apiKeySha256', 'rateLimit']);
    const name = r.string(ao.name, `${p}.name`);
    if (names.has(name)) r.fail(`${p}.name`, `duplicate account ${JSON.stringify(name)}`);
    names.add(name);
    const digests: Uint8Array[] = [];
    const plain = ao.apiKeys === undefined ? [] : ao.apiKeys;
    const hashed = ao.apiKeySha256 === undefined ? [] : ao.apiKeySha256;
    if (!Array.isArray(plain)) r.fail(`${p}.apiKeys`, 'must be an array of strings');
    if (!Array.isArray(hashed)) r.fail(`${p}.apiKeySha256`, 'must be an array of 64-character hex SHA-256 digests');
    plain.forEach((k, j) => {
      const key = r.string(k, `${p}.apiKeys[${j}]`);
      // A short key is guessable whatever the comparison does.
      if (key.length < API_KEY_MIN_LENGTH) r.fail(`${p}.apiKeys[${j}]`, `must be at least ${API_KEY_MIN_LENGTH} characters`);
      digests.push(new Uint8Array(createHash('sha256').update(key, 'utf8').digest()));
    });
    hashed.forEach((h, j) => {
      const hex = r.string(h, `${p}.apiKeySha256[${j}]`);
      if (!HEX_DIGEST.test(hex)) r.fail(`${p}.apiKeySha256[${j}]`, 'must be 64 hex characters (SHA-256 of the key)');
      digests.push(new Uint8Array(Buffer.from(hex, 'hex')));
    });
    if (digests.length === 0) r.fail(p, 'needs at least one entry in apiKeys or apiKeySha256');
    for (const d of digests) {
      const hex = Buffer.from(d).toString('hex');
      if (seenDigests.has(hex)) r.fail(p, 'an API key is listed twice (keys must map to exactly one account)');
      seenDigests.add(hex);
    }
    const rl = rateLimit(r, ao.rateLimit, `${p}.rateLimit`, defaultRate);
    return { name, apiKeyDigests: digests, rateLimit: rl };
  });
  for (const a of accounts) {
    // A request that can never fit the bucket would get 429 forever: refuse the config instead.
    if (a.rateLimit.burstTokens < limits.maxTokens + 1) {
      throw new ConfigError(`${source}: accounts "${a.name}": rate limit burstTokens (${a.rateLimit.burstTokens}) must exceed limits.maxTokens (${limits.maxTokens})`);
    }
  }

  const warnings = configWarnings(receipts, exchangeLog, accounts, limits);
  return { host, port, watermark, masterKey, receipts, exchangeLog, trustedProxies: proxies, models, accounts, limits, warnings };
}

/** Read and validate a config file. @throws ConfigError naming the file. */
export async function loadConfig(path: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (e as Error).message})`}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseConfig(doc, path, dirname(resolve(path)));
}
