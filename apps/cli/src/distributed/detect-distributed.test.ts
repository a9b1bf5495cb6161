/**
 * The distributed engine on loopback: real `tracemark worker` processes taking shards from a real
 * Redis through BullMQ. Results must be bit-identical to the single-process run (compared as the
 * `--json` output, whose numbers round-trip doubles exactly), including when a worker is killed
 * with SIGKILL in the middle of a shard; bad input must fail the run without endless retries; an
 * unreachable Redis must be exit 3 within seconds.
 *
 * Redis and workers come from ./testing.ts (TRACEMARK_TEST_REDIS_URL, else a loopback
 * redis-server; skipped with a message without either). Each test uses its own queue name, so
 * tests never see each other's jobs.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli } from '../testing.ts';
import { detectDistributed } from './detect-distributed.ts';
import { canRunRedis as canRun, hasRedisServer, startRedisServer, useSuiteRedis, waitFor, warnIfNoRedis } from './testing.ts';

warnIfNoRedis('detect-distributed.test');

let dir: string;
let corpus: string;
let key: string;
const redis = useSuiteRedis();
const { startWorker } = redis;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-distributed-'));
  corpus = join(dir, 'corpus.jsonl');
  const sentences = [
    'The Congress shall have power to lay and collect taxes.',
    'We the people of the United States, in order to form a more perfect union,',
    'Call me Ishmael.',
    'It is a truth universally acknowledged.',
    'The harbors of the Atlantic coast are open to commerce.',
    'Some years ago, never mind how long precisely, having little or no money in my purse,',
  ];
  const lines = Array.from({ length: 400 }, (_, i) =>
    JSON.stringify({ id: `d${i}`, text: Array.from({ length: 8 }, (_, j) => sentences[(i * 7 + j * 5) % sentences.length]).join(' ') + ` Item ${i % 23}, line ${i}.` }),
  );
  await writeFile(corpus, `${lines.join('\n')}\n`);
  key = join(dir, 'key.json');
  expect((await runCli('keygen', '--scheme', 'kgw', '--out', key)).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(canRun)('detect --redis --shards with tracemark workers (BullMQ)', () => {
  it('three workers: the merged result is bit-identical to the single-process run', async () => {
    const queue = `t-${randomUUID()}`;
    for (let i = 0; i < 3; i++) startWorker(queue);
    const single = await runCli('detect', '--key', key, corpus, '--json');
    expect(single.code).toBe(0);
    const r = await runCli('detect', '--key', key, corpus, '--json', '--redis', redis.url(), '--shards', '5', '--queue', queue);
    expect(r.stderr).toMatch(/queued 5 shard\(s\)/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(single.stdout));
    expect(JSON.parse(single.stdout).documents).toHaveLength(400);
  }, 120_000);

  it('three workers on input ranges (--summary): each reads its own part, the merged result is bit-identical', async () => {
    const queue = `t-${randomUUID()}`;
    const ws = Array.from({ length: 3 }, () => startWorker(queue));
    const single = await runCli('detect', '--key', key, corpus, '--json', '--summary');
    expect(single.code).toBe(0);
    const r = await runCli('detect', '--key', key, corpus, '--json', '--summary', '--redis', redis.url(), '--shards', '4', '--queue', queue);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/4 input range\(s\) of whole lines/);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(single.stdout));
    expect(JSON.parse(single.stdout).aggregate.documents).toBe(400);
    // Ranges, not tuple shards, and each range read once.
    const started = ws.flatMap((w) => [...w.log().matchAll(/range (\d+) \(bytes \d+–\d+ of [^)]+\) of run [^:]+: started/g)].map((m) => Number(m[1])));
    expect(started.sort()).toEqual([0, 1, 2, 3]);
  }, 120_000);

  for (const mode of ['input ranges (--summary)', 'tuple shards'] as const) {
    it(`a worker killed with SIGKILL mid-shard (${mode}): the engine retries its shard, counted once, same result`, async () => {
      const summary = mode !== 'tuple shards';
      const queue = `t-${randomUUID()}`;
      const first = startWorker(queue);
      await waitFor(() => first.log().includes('waiting for shards'), 'the first worker');
      const single = await runCli('detect', '--key', key, corpus, '--json', ...(summary ? ['--summary'] : []));
      const running = detectDistributed({ key, inputs: [corpus], alpha: 1e-3, summary, redis: redis.url(), shards: 3, queue });
      // The first shard a fresh worker takes includes loading the tokenizer (about a second): kill it then.
      await waitFor(() => first.log().includes('started'), 'the first shard to start');
      first.proc.kill('SIGKILL');
      const killed = Number((summary ? /range (\d+) .* of run [^:]+: started/ : /shard (\d+)\/3 of run [^:]+: started/).exec(first.log())![1]);
      expect(first.log()).not.toMatch(/: done/);
      startWorker(queue);
      startWorker(queue);
      const { result, shards } = await running;
      const { detectJson } = await import('../commands/detect.ts');
      expect(JSON.parse(JSON.stringify(detectJson(result)))).toEqual(JSON.parse(single.stdout));
      expect(shards[killed]!.started).toBeGreaterThanOrEqual(2);
      expect(shards.map((s) => s.index)).toEqual([0, 1, 2]);
    }, 120_000);
  }

  it('a poisoned shard (bad input) fails the run with the line at fault, without retrying forever', async () => {
    const queue = `t-${randomUUID()}`;
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, '{"text": "fine line"}\n{"text": broken\n');
    const w = startWorker(queue);
    const r = await runCli('detect', '--key', key, bad, '--json', '--redis', redis.url(), '--shards', '2', '--queue', queue);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/shard \d\/2 .*bad\.jsonl:2/);
    // An input range fails the same way, naming the same line.
    const ranges = await runCli('detect', '--key', key, bad, '--json', '--summary', '--redis', redis.url(), '--shards', '2', '--queue', queue);
    expect(ranges.code).toBe(2);
    expect(ranges.stderr).toMatch(/bad\.jsonl:2: malformed JSON/);
    // Each shard was started at most once: no retry of bad input.
    expect((w.log().match(/started \(attempt 2\)/g) ?? []).length).toBe(0);
  }, 120_000);
});

describe.runIf(hasRedisServer)('Redis lost mid-run', () => {
  it('fails the run with exit-3 IoError once Redis stays away, instead of waiting for ever', async () => {
    const { url, proc: own } = await startRedisServer();
    try {
      // No worker: the run waits for its shards until the server goes away.
      const running = detectDistributed({ key, inputs: [corpus], alpha: 1e-3, summary: true, redis: url, shards: 2, queue: `t-${randomUUID()}`, redisLossMs: 1500 });
      const outcome = running.then(() => 'finished', (e: Error & { exitCode?: number }) => e);
      await new Promise((r) => setTimeout(r, 1000));
      own.kill('SIGKILL');
      const e = await outcome;
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).message).toMatch(/lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+\/0 for 1\.5 s/);
      expect((e as { exitCode?: number }).exitCode).toBe(3);
    } finally {
      own.kill('SIGKILL');
    }
  }, 60_000);
});

describe('Redis unavailable', () => {
  it('detect --redis and worker fail with exit 3 and a clear message, not a hang', async () => {
    const port = await freePort(); // nothing listens there
    const url = `redis://127.0.0.1:${port}/0`;
    const d = await runCli('detect', '--key', key, corpus, '--redis', url, '--shards', '2');
    expect(d.code).toBe(3);
    expect(d.stderr).toMatch(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0`));
    const w = await runCli('worker', '--redis', url);
    expect(w.code).toBe(3);
    expect(w.stderr).toMatch(/cannot reach Redis/);
    expect((await runCli('detect', '--key', key, corpus, '--shards', '2')).code).toBe(2);
    // Input ranges give the aggregate only; asked for without --summary, the usage error comes before any connection.
    const ranges = await runCli('detect', '--key', key, corpus, '--redis', url, '--shards', '2', '--shard-by', 'input');
    expect(ranges.code).toBe(2);
    expect(ranges.stderr).toMatch(/--shard-by input gives the aggregate only: add --summary/);
    expect((await runCli('detect', '--key', key, corpus, '--shard-by', 'tuples')).code).toBe(2);
  }, 30_000);
});
