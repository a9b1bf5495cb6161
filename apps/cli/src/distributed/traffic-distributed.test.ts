/**
 * `traffic scan LOG… --redis URL --shards N` on loopback: real `tracemark worker` processes ingest
 * the logs through BullMQ, this process scans their databases. The report must be the
 * single-process scan's to the bit (compared as `--json` output), including when a worker is
 * killed with SIGKILL mid-ingest; a bad line fails the run naming its line, without retry.
 *
 * Redis and workers come from ./testing.ts (TRACEMARK_TEST_REDIS_URL, else a loopback
 * redis-server; skipped with a message without either).
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFieldMapping, scanLogs, writeSimulation } from '@tracemark/traffic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli } from '../testing.ts';
import { canRunRedis, useSuiteRedis, waitFor, warnIfNoRedis } from './testing.ts';
import { groupLogs, ingestDistributed } from './traffic-ingest.ts';

warnIfNoRedis('traffic-distributed.test');

const LOGS = 4;
let dir: string;
/** The simulated log, its lines dealt round-robin into LOGS files (the same accounts in every file). */
let parts: string[] = [];
/** The single-process scan's `--json` output. */
let single: string;
const redis = useSuiteRedis();

/** Copies of the parts in a folder of their own: each run ingests from scratch. */
async function freshCopies(name: string): Promise<string[]> {
  const to = join(dir, name);
  await mkdir(to);
  return Promise.all(parts.map(async (p, i) => (await copyFile(p, join(to, `part-${i}.jsonl`)), join(to, `part-${i}.jsonl`))));
}

/** The report with each input's path and database reduced to its file name (the runs use different folders). */
const comparable = (json: string) => json.replaceAll(/"(path|database)": "[^"]*\/([^"/]+)"/g, '"$1": "$2"');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-traffic-distributed-'));
  const whole = join(dir, 'whole.jsonl');
  await writeSimulation({ seed: 7, accounts: 400, exchanges: 48_000 }, whole, null);
  const lines = (await readFile(whole, 'utf8')).split('\n').filter((l) => l !== '');
  await mkdir(join(dir, 'parts'));
  parts = Array.from({ length: LOGS }, (_, i) => join(dir, 'parts', `part-${i}.jsonl`));
  await Promise.all(parts.map((p, i) => writeFile(p, `${lines.filter((_, j) => j % LOGS === i).join('\n')}\n`)));
  const r = await runCli('traffic', 'scan', ...(await freshCopies('single')), '--json');
  expect(r.code).toBe(0);
  single = r.stdout;
  expect(JSON.parse(single).clusters.some((c: { flagged: boolean }) => c.flagged)).toBe(true);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('groupLogs', () => {
  it('balances bytes, largest first, never more groups than logs, the same groups every time', () => {
    const sizes = [
      { path: '/a', bytes: 10 },
      { path: '/b', bytes: 70 },
      { path: '/c', bytes: 30 },
      { path: '/d', bytes: 30 },
      { path: '/e', bytes: 20 },
    ];
    expect(groupLogs(sizes, 2)).toEqual([['/b', '/a'], ['/c', '/d', '/e']]); // 80 and 80 bytes
    expect(groupLogs([...sizes].reverse(), 2)).toEqual(groupLogs(sizes, 2));
    expect(groupLogs(sizes, 9)).toHaveLength(5);
    expect(groupLogs(sizes, 1)).toEqual([['/b', '/c', '/d', '/e', '/a']]);
  });
});

describe.runIf(canRunRedis)('traffic scan --redis --shards with tracemark workers (BullMQ)', () => {
  it('three workers ingest, this process scans: the report is the single-process scan, bit for bit', async () => {
    const queue = `t-${randomUUID()}`;
    const workers = Array.from({ length: 3 }, () => redis.startWorker(queue));
    const logs = await freshCopies('three-workers');
    const r = await runCli('traffic', 'scan', ...logs, '--json', '--redis', redis.url(), '--shards', '4', '--queue', queue);
    expect(r.stderr).toMatch(/4 log\(s\) in 4 ingest job\(s\)/);
    expect(r.code, r.stderr).toBe(0);
    expect(comparable(r.stdout)).toBe(comparable(single));
    // Every log was ingested by a worker (a job whose lock lapsed on a starved machine may run twice;
    // its one result counts, and the report above is the same either way).
    const ingested = workers.flatMap((w) => [...w.log().matchAll(/: (\S+part-\d\.jsonl): ingesting/g)].map((m) => m[1]));
    expect([...new Set(ingested)].sort(), workers.map((w) => w.log()).join('\n')).toEqual([...logs].sort());
  }, 120_000);

  it('a worker killed with SIGKILL mid-ingest: its job runs again, the scan reuses every database, same report, nothing half-built left', async () => {
    const queue = `t-${randomUUID()}`;
    const first = redis.startWorker(queue);
    await waitFor(() => first.log().includes('waiting for shards'), 'the first worker');
    const logs = await freshCopies('killed');
    const mapping = parseFieldMapping(undefined);
    const running = ingestDistributed({ logs, mapping, skipBadLines: false, redis: redis.url(), shards: 2, queue });
    await waitFor(() => first.log().includes(': ingesting'), 'the first ingest to start');
    first.proc.kill('SIGKILL');
    expect(first.log()).not.toMatch(/ingest of \d log\(s\) of run \S+: done/);
    redis.startWorker(queue);
    redis.startWorker(queue);
    const { shards, exchanges } = await running;
    expect(exchanges).toBe(48_000);
    expect(shards.some((s) => s.started >= 2)).toBe(true);
    const progress: string[] = [];
    const report = await scanLogs(logs, { alpha: 1e-3, mapping, onProgress: (m) => progress.push(m) });
    expect(progress.filter((m) => m.includes('already ingested'))).toHaveLength(LOGS);
    expect(progress.some((m) => m.includes(': ingesting'))).toBe(false);
    expect(comparable(JSON.stringify(report, null, 2))).toBe(comparable(JSON.stringify(JSON.parse(single), null, 2)));
    expect((await readdir(join(dir, 'killed'))).filter((f) => f.includes('.tmp-'))).toEqual([]);
  }, 120_000);

  it('a bad line fails the run naming file and line, without retrying the job', async () => {
    const queue = `t-${randomUUID()}`;
    const w = redis.startWorker(queue);
    const bad = join(dir, 'bad.jsonl');
    const lines = (await readFile(parts[0]!, 'utf8')).split('\n').slice(0, 5);
    lines[2] = '{"time": "yesterday", "account": "a1"}';
    await writeFile(bad, `${lines.join('\n')}\n`);
    const r = await runCli('traffic', 'scan', bad, parts[1]!, '--redis', redis.url(), '--shards', '2', '--queue', queue);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:3: /);
    expect((w.log().match(/started \(attempt 2\)/g) ?? []).length).toBe(0);
  }, 120_000);
});

describe('traffic scan --redis without a Redis', () => {
  it('exits 3 with a clear message, not a hang; --shards alone is a usage error', async () => {
    const url = `redis://127.0.0.1:${await freePort()}/0`;
    const r = await runCli('traffic', 'scan', parts[0]!, '--redis', url, '--shards', '2');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach Redis/);
    expect((await runCli('traffic', 'scan', parts[0]!, '--shards', '2')).code).toBe(2);
  }, 30_000);
});
