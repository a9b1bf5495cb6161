/**
 * Loopback Redis and real `tracemark worker` processes for the distributed tests
 * (detect-distributed.test.ts, audit-distributed.test.ts), shared so both start, skip and stop
 * things the same way.
 *
 * Redis: the URL in TRACEMARK_TEST_REDIS_URL (.ci/run starts one), else a redis-server started on a
 * free loopback port; without either, the Redis-backed tests are skipped with a message. Workers
 * are child processes of the real CLI (`src/bin.ts` under tsx), bound to the test's queue name.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { freePort } from '../testing.ts';

const CLI_DIR = new URL('../..', import.meta.url).pathname;
const BIN = join(CLI_DIR, 'src/bin.ts');

export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
const external = process.env.TRACEMARK_TEST_REDIS_URL;
/** Whether the Redis-backed tests can run (an external URL, or a redis-server binary). */
export const canRunRedis = Boolean(external) || hasRedisServer;

export function warnIfNoRedis(suite: string): void {
  if (!canRunRedis) console.warn(`${suite}: SKIPPING the Redis-backed tests: no redis-server binary and no TRACEMARK_TEST_REDIS_URL (install Debian package redis-server)`);
}

export async function waitFor(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A redis-server of the test's own on a free loopback port, answering PING; kill it when done. */
export async function startRedisServer(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(() => spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG', 'redis-server', 10_000);
  return { url: `redis://127.0.0.1:${port}/0`, proc };
}

/** The Redis the suite uses: TRACEMARK_TEST_REDIS_URL, else its own server (stopped by `stop`). */
export async function testRedis(): Promise<{ url: string; stop: () => void }> {
  if (external) return { url: external, stop: () => {} };
  const { url, proc } = await startRedisServer();
  return { url, stop: () => void proc.kill('SIGTERM') };
}

export interface TestWorker {
  readonly proc: ChildProcess;
  /** Everything the worker wrote to stderr so far. */
  log(): string;
}

const started: TestWorker[] = [];

/** A `tracemark worker` on `queue`; a short lock so a killed worker's shard is retried within seconds. */
export function startWorker(redisUrl: string, queue: string, lockMs = 1500): TestWorker {
  const proc = spawn(process.execPath, ['--import', 'tsx', BIN, 'worker', '--redis', redisUrl, '--queue', queue, '--lock-ms', String(lockMs)], { cwd: CLI_DIR, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  proc.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const w = { proc, log: () => text };
  started.push(w);
  return w;
}

/** Stop every worker started so far (afterEach). */
export function stopWorkers(): void {
  for (const w of started.splice(0)) w.proc.kill('SIGTERM');
}

/**
 * The suite's Redis, started before its tests (when one can run) and stopped after them, with every
 * worker stopped after each test; `url()` is the Redis URL once the suite has started, and
 * `startWorker` starts a worker on it.
 */
export function useSuiteRedis(): { url: () => string; startWorker: (queue: string) => TestWorker } {
  let url = '';
  let stop = () => {};
  beforeAll(async () => {
    if (canRunRedis) ({ url, stop } = await testRedis());
  }, 60_000);
  afterEach(stopWorkers);
  afterAll(() => stop());
  return { url: () => url, startWorker: (queue) => startWorker(url, queue) };
}
