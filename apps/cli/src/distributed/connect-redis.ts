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

/** Connection errors are reported by whoever waits on the connection, once, not per attempt. */
function quiet(r: Redis): Redis {
  r.on('error', () => {});
  return r;
}

export async function connectRedis(spec: string, giveUpMs?: number): Promise<Redis> {
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
  // With `giveUpMs`, reconnecting stops some seconds after that (the caller fails the run first),
  // so no client is left retrying and the process can exit; without it (workers) it never stops.
  const retries = giveUpMs === undefined ? Infinity : Math.ceil(giveUpMs / 1000) + 4;
  const redis = new Redis(url.href, { maxRetriesPerRequest: null, connectTimeout: CONNECT_TIMEOUT_MS, retryStrategy: (times) => (times > retries ? null : Math.min(times * 200, 1000)) });
  quiet(redis);
  // BullMQ duplicates the connection for its blocking clients; the copies get the same options but
  // no listener, and ioredis prints every failed reconnect of a listener-less client to stderr.
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = ((...args: Parameters<Redis['duplicate']>) => quiet(duplicate(...args))) as Redis['duplicate'];
  return redis;
}
