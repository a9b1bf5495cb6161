/**
 * A Redis connection for the BullMQ queue, checked before any job is queued or taken: one PING
 * with a bounded connect timeout and no retries, so a wrong URL or a stopped server is a clear
 * error (exit 3) within seconds instead of ioredis' default of reconnecting forever. After the
 * check, the connection BullMQ uses keeps ioredis' reconnecting behaviour (`maxRetriesPerRequest:
 * null`, which BullMQ requires for its blocking commands), so a brief Redis restart mid-run is
 * survived.
 */
import { Redis } from 'ioredis';
import { InputError, IoError } from '../errors.ts';

/** How long to wait for Redis to answer the first PING. */
const CONNECT_TIMEOUT_MS = 3000;

/** The URL without its password, for messages. */
function redact(url: URL): string {
  const u = new URL(url.href);
  if (u.password) u.password = '***';
  return u.href;
}

export async function connectRedis(spec: string): Promise<Redis> {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new InputError(`--redis: not a URL: ${JSON.stringify(spec)} (e.g. redis://127.0.0.1:6379/0)`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new InputError(`--redis: expected a redis:// or rediss:// URL, got ${redact(url)}`);
  const probe = new Redis(url.href, { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  probe.on('error', () => {}); // reported below, through the rejected promise
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    throw new IoError(`cannot reach Redis at ${redact(url)}: ${(e as Error).message || 'connection failed'} (is redis-server running? see README, "Distributed detection")`);
  } finally {
    probe.disconnect();
  }
  const redis = new Redis(url.href, { maxRetriesPerRequest: null, connectTimeout: CONNECT_TIMEOUT_MS });
  redis.on('error', () => {}); // ioredis reconnects by itself; BullMQ surfaces failures of its commands
  return redis;
}
