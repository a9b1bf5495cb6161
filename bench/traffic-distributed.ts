/**
 * `traffic scan LOG… --redis URL --shards N`: the logs' ingest done by N local `tracemark worker`s
 * (N = 1, 2) on a loopback Redis, beside the single-process scan (ingest + scan) and a scan whose
 * databases already exist (the scan alone: what no spreading of the ingest can go below). Every run
 * starts without databases (but the last), and every report is checked identical to the single
 * run's. The log is the traffic fixture of `bench traffic` (real human prompts, every look-alike,
 * hydra and residential campaigns), its lines dealt round-robin into 4 files, as a day's log
 * arrives in hourly or per-server files.
 *
 *     pnpm bench traffic-distributed      (TRAFFIC_DISTRIBUTED_EXCHANGES=1e6 by default)
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { writeFixtureLogStreaming } from '@tracemark/traffic/testing';
import { type BenchSection, fmt, markdownTable } from './lib.ts';
import { cli, median, NO_REDIS, startRedis, startWorker } from './scale-distributed.ts';

const FILES = 4;
const MEAN_EXCHANGES = 150;

/** The fixture log, dealt round-robin into FILES files. */
async function buildLogs(exchanges: number): Promise<{ paths: string[]; bytes: number }> {
  const whole = join(tmpdir(), `tracemark-traffic-dist-${exchanges}.jsonl`);
  writeFixtureLogStreaming(whole, {
    seed: `bench-${exchanges}`,
    benignAccounts: Math.round(exchanges / MEAN_EXCHANGES),
    benignMeanExchanges: MEAN_EXCHANGES,
    campaigns: Array.from({ length: Math.max(2, Math.round(exchanges / 250_000)) }, (_, i) => (i % 2 === 0 ? 'hydra' : 'residential')),
  });
  const paths = Array.from({ length: FILES }, (_, i) => join(tmpdir(), `tracemark-traffic-dist-${exchanges}-part${i}.jsonl`));
  const outs = paths.map((p) => createWriteStream(p));
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(whole), crlfDelay: Infinity })) {
    const out = outs[n++ % FILES]!;
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await Promise.all(outs.map((o) => new Promise<void>((r) => o.end(() => r()))));
  rmSync(whole, { force: true });
  return { paths, bytes: paths.reduce((s, p) => s + statSync(p).size, 0) };
}

export async function benchTrafficDistributed(options: { exchanges?: number; repeats?: number } = {}): Promise<BenchSection[]> {
  const title = 'Distributed traffic ingest: BullMQ workers vs one process';
  if (spawnSync('redis-server', ['--version']).status !== 0) return [{ title, body: NO_REDIS }];
  const exchanges = options.exchanges ?? Number(process.env.TRAFFIC_DISTRIBUTED_EXCHANGES ?? 1e6);
  const repeats = options.repeats ?? 1;
  process.stderr.write(`bench traffic-distributed: writing ${fmt(exchanges)} exchanges in ${FILES} files…\n`);
  const { paths, bytes } = await buildLogs(exchanges);
  const dropDatabases = () => paths.forEach((p) => rmSync(`${p}.duckdb`, { force: true }));
  const { url: redis, server } = await startRedis();
  const times: Record<string, number[]> = {};
  const push = (k: string, s: number) => void (times[k] ??= []).push(s);
  let reference = '';
  let queues = 0;
  try {
    for (let r = 0; r < repeats; r++) {
      dropDatabases();
      const single = await cli(['traffic', 'scan', ...paths, '--json']);
      push('single', single.seconds);
      reference = single.stdout;
      const again = await cli(['traffic', 'scan', ...paths, '--json']);
      push('scanOnly', again.seconds);
      if (again.stdout !== reference) throw new Error('the second scan differs from the first');
      for (const n of [1, 2]) {
        dropDatabases();
        const queue = `bench-traffic-${process.pid}-${queues++}`;
        const workers: ChildProcess[] = await Promise.all(Array.from({ length: n }, () => startWorker(redis, queue)));
        try {
          const q = await cli(['traffic', 'scan', ...paths, '--json', '--redis', redis, '--queue', queue, '--shards', String(FILES)]);
          push(`workers${n}`, q.seconds);
          if (q.stdout !== reference) throw new Error(`${n} worker(s): the report differs from the single run`);
        } finally {
          for (const w of workers) w.kill('SIGTERM');
        }
      }
    }
  } finally {
    server.kill('SIGTERM');
    dropDatabases();
    for (const p of paths) rmSync(p, { force: true });
  }
  const report = JSON.parse(reference) as { exchanges: number; accountsTested: number };
  const base = median(times.single!);
  const row = (label: string, seconds: number) => [label, fmt(seconds), fmt(report.exchanges / seconds), (base / seconds).toFixed(2)];
  const body = [
    `${fmt(report.exchanges)} exchanges of ${fmt(report.accountsTested)} accounts in ${FILES} JSONL files (${fmt(bytes / 2 ** 20)} MiB), whole CLI runs, workers started before the clock, Redis on loopback, 2 cores; wall seconds, ${repeats === 1 ? 'one run each' : `median of ${repeats} runs`}; every report checked identical to the single run.`,
    '',
    markdownTable(['run', 'wall s', 'exchanges/s', '÷ one process'], [
      row('one process: ingest + scan (`traffic scan`), baseline', base),
      row('one process, databases already built: the scan alone', median(times.scanOnly!)),
      row(`1 BullMQ worker ingests (\`--redis --shards ${FILES}\`), this process scans`, median(times.workers1!)),
      row(`2 BullMQ workers ingest (\`--redis --shards ${FILES}\`), this process scans`, median(times.workers2!)),
    ]),
    '',
    'Workers here share the 2 cores with each other and with the scanning process, so these rows add no hardware: what they gain on one machine comes from ingesting two files at once (one DuckDB ingest does not keep both cores busy), and what one worker loses or gains is the queue. With workers on other machines sharing the files the ingest divides among them; the scan alone (second row) is the floor no spreading of the ingest goes below.',
  ].join('\n');
  return [{ title, body }];
}
