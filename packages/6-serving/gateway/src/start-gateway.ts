/**
 * Starting a gateway: load the models and derive the account watermarkers, open the receipt log
 * (and the exchange log, when configured), build the shared state, bind the HTTP server, and hand back a handle that stops it gracefully.
 * The steps live in their own files, in the order a request meets them:
 *
 * - `create-http-server.ts`: Node's server with its slow-client protections and connection caps;
 * - `handle-request.ts`: route (404/405) → API key (401) → shutting down (503) → models or a completion;
 * - `complete-request.ts` → `prepare-completion.ts`: body size (413) → JSON (400) → parameters (400)
 *   → model (404) → prompt length (400); then the rate limit (429 + Retry-After) → concurrency
 *   (503 when the queue is full);
 * - `serve-completion.ts`: generation → receipt (fsync'd) → last byte;
 * - `close-gateway.ts`: the graceful shutdown.
 *
 * `node:http` rather than a framework: five routes do not need a router, and every protection that
 * matters here (header and request deadlines, body cap, connection cap, graceful close) is a
 * documented option of Node's own server, so there is no middleware whose defaults could silently
 * undo one.
 */
import { type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { createAccountRegistry } from './accounts.ts';
import { closeGateway } from './close-gateway.ts';
import { type ConnectionCapStats } from './connection-caps.ts';
import { createConcurrencyLimiter } from './concurrency-limiter.ts';
import { type GatewayConfig } from './config.ts';
import { createHttpServer } from './create-http-server.ts';
import { ExchangeLog } from './exchange-log.ts';
import { type GatewayOptions, type GatewayState } from './gateway-state.ts';
import { loadServedModels, type ServedModel } from './load-models.ts';
import { loadSigner } from './load-signer.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { ReceiptLog } from './receipt-log.ts';

export { type AccessLogEntry, type GatewayOptions } from './gateway-state.ts';

export interface GatewayStats {
  readonly responses: number;
  readonly inFlight: number;
  readonly receipts: ReturnType<ReceiptLog['stats']>;
  readonly exchanges: ReturnType<ExchangeLog['stats']> | null;
  readonly connections: ConnectionCapStats;
}

export interface Gateway {
  /** `http://host:port` as bound (port 0 in the config picks a free port). */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  stats(): GatewayStats;
  /**
   * Graceful shutdown: stop accepting connections, let in-flight requests finish (up to
   * `shutdownTimeoutMs`, then abort them), write the `close` receipt and close the log and models.
   */
  close(): Promise<void>;
}

/** Account → model id → the key id its responses are watermarked with (for the `open` receipt). */
function accountKeyIds(config: GatewayConfig, models: ReadonlyMap<string, ServedModel>): Record<string, Record<string, string>> {
  const keys: Record<string, Record<string, string>> = {};
  for (const a of config.accounts) {
    keys[a.name] = {};
    for (const [id, m] of models) {
      const wm = m.watermarks.get(a.name);
      if (wm) keys[a.name]![id] = wm.keyId;
    }
  }
  return keys;
}

async function closeModels(models: ReadonlyMap<string, ServedModel>): Promise<void> {
  await Promise.all([...models.values()].map((m) => m.backend.close()));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function openReceipts(config: GatewayConfig, models: ReadonlyMap<string, ServedModel>): Promise<ReceiptLog> {
  const { receipts } = config;
  const signer = receipts.signer === null ? null : await loadSigner(receipts.signer, 'receipts.signer');
  return ReceiptLog.open(
    receipts.path,
    { pid: process.pid, watermark: config.watermark, accountKeys: accountKeyIds(config, models) },
    { groupCommit: receipts.groupCommit, signer, checkpointEvery: receipts.checkpointEvery },
  );
}

async function openExchanges(config: GatewayConfig): Promise<ExchangeLog | null> {
  const x = config.exchangeLog;
  if (x === null) return null;
  const signer = x.signer === null ? null : await loadSigner(x.signer, 'exchangeLog.signer');
  return ExchangeLog.open(x.path, { pid: process.pid, text: x.text, trustedProxies: config.trustedProxies }, { groupCommit: x.groupCommit, signer, checkpointEvery: x.checkpointEvery });
}

/** Start serving `config`. Resolves once the port is bound and the receipt log (and the exchange log, when configured) is open. */
export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const models = await loadServedModels(config, options.backends);
  let receipts: ReceiptLog;
  try {
    receipts = await openReceipts(config, models);
  } catch (e) {
    await closeModels(models);
    throw e;
  }
  let exchanges: ExchangeLog | null;
  try {
    exchanges = await openExchanges(config);
  } catch (e) {
    await receipts.close();
    await closeModels(models);
    throw e;
  }
  const state: GatewayState = {
    config,
    options,
    models,
    receipts,
    exchanges,
    trustedProxies: new Set(config.trustedProxies),
    accounts: createAccountRegistry(config.accounts),
    limiter: createRateLimiter(),
    slots: createConcurrencyLimiter(config.limits.maxConcurrent, config.limits.maxQueue),
    created: Math.floor(Date.now() / 1000),
    inFlight: new Set(),
    onInternalError: options.onInternalError ?? ((e, id) => process.stderr.write(`gateway: internal error in ${id}: ${(e as Error)?.stack ?? String(e)}\n`)),
    responses: 0,
    closing: false,
    drained: null,
  };
  const { server, connections } = createHttpServer(state);
  await listen(server, config.port, config.host).catch(async (e) => {
    await receipts.close();
    await exchanges?.close();
    await closeModels(models);
    throw e;
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    server,
    stats: () => ({ responses: state.responses, inFlight: state.inFlight.size, receipts: receipts.stats(), exchanges: exchanges?.stats() ?? null, connections: connections() }),
    close: () => (closed ??= closeGateway(state, server)),
  };
}
