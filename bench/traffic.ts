/**
 * Campaign scan at scale: `tracemark traffic scan` on synthetic exchange logs of 1 M exchanges
 * (and more with TRAFFIC_BENCH_SIZES, e.g. `TRAFFIC_BENCH_SIZES=1e6,16e6 pnpm bench traffic`):
 * wall time and peak RSS of the first scan (ingest into LOG.duckdb + scan) and of a second scan
 * (database reused), the log's and the database's size on disk, and what the scan found against
 * the ground truth. RSS is /usr/bin/time's maximum resident set size of the whole CLI process.
 *
 * The logs come from the traffic package's deterministic fixture (real human prompts, every
 * look-alike, hydra and residential-proxy campaigns), written in account order by a streaming
 * writer, with benign accounts averaging 150 exchanges. Run: pnpm bench traffic
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TrafficReport } from '@tracemark/traffic';
import { type FixtureTruth, writeFixtureLogStreaming } from '@tracemark/traffic/testing';
import { type BenchSection, fmt, markdownTable } from './lib.ts';

const ROOT = new URL('..', import.meta.url).pathname;
// TRAFFIC_BENCH_MEAN sets exchanges per benign account (the reported incident: 16 M over 24,000 accounts ≈ 667).
const MEAN_EXCHANGES = Number(process.env.TRAFFIC_BENCH_MEAN ?? 150);

/** Run the CLI under /usr/bin/time -v and read its maximum RSS. */
function measured(args: string[]): { rssMiB: number; seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', 'node', '--import', 'tsx', 'apps/cli/src/bin.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`tracemark ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-800)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  if (!m) throw new Error('no "Maximum resident set size" in /usr/bin/time output');
  return { rssMiB: Number(m[1]) / 1024, seconds: (performance.now() - t0) / 1000, stdout: r.stdout };
}

function buildLog(exchanges: number): { path: string; truth: FixtureTruth; seconds: number } {
  const path = join(tmpdir(), `tracemark-traffic-${exchanges}.jsonl`);
  rmSync(`${path}.duckdb`, { force: true });
  const t0 = performance.now();
  const campaigns = Math.max(2, Math.round(exchanges / 250_000));
  const truth = writeFixtureLogStreaming(path, {
    seed: `bench-${exchanges}`,
    benignAccounts: Math.round(exchanges / MEAN_EXCHANGES),
    benignMeanExchanges: MEAN_EXCHANGES,
    campaigns: Array.from({ length: campaigns }, (_, i) => (i % 2 === 0 ? 'hydra' : 'residential')),
  });
  return { path, truth, seconds: (performance.now() - t0) / 1000 };
}

export async function benchTraffic(): Promise<BenchSection[]> {
  const sizes = (process.env.TRAFFIC_BENCH_SIZES ?? '1e6').split(',').map(Number);
  const rows: (string | number)[][] = [];
  const found: (string | number)[][] = [];
  for (const size of sizes) {
    process.stderr.write(`bench traffic: writing a ${fmt(size)}-exchange log…\n`);
    const { path, truth, seconds: genSeconds } = buildLog(size);
    process.stderr.write(`bench traffic: ${truth.exchanges} exchanges, ${truth.accounts} accounts (${genSeconds.toFixed(0)} s); scanning…\n`);
    const first = measured(['traffic', 'scan', path, '--json']);
    const second = measured(['traffic', 'scan', path, '--json']);
    const report = JSON.parse(first.stdout) as TrafficReport;
    const logMiB = statSync(path).size / 2 ** 20;
    const dbMiB = existsSync(`${path}.duckdb`) ? statSync(`${path}.duckdb`).size / 2 ** 20 : NaN;
    rows.push([fmt(truth.exchanges), fmt(truth.accounts), fmt(logMiB), fmt(dbMiB), fmt(first.seconds), fmt(first.rssMiB), fmt(second.seconds), fmt(second.rssMiB)]);
    const flagged = report.accounts.filter((a) => a.flagged);
    const campaignFlagged = flagged.filter((a) => truth.campaignAccounts.has(a.account)).length;
    found.push([
      fmt(truth.exchanges),
      `${campaignFlagged}/${truth.campaignAccounts.size}`,
      `${flagged.length - campaignFlagged}/${truth.accounts - truth.campaignAccounts.size}`,
      `${report.clusters.filter((c) => c.flagged).length} of ${report.clustersTested}`,
      truth.campaigns.length,
    ]);
    rmSync(path, { force: true });
    rmSync(`${path}.duckdb`, { force: true });
  }
  return [
    {
      title: 'Traffic scan at scale',
      body: [
        'First scan = ingest into `LOG.duckdb` (features only, no prompt text) + scan; second scan reuses the database. Peak RSS of the whole CLI process (DuckDB memory limit 2 GB, spilling to the temp folder beyond it).',
        '',
        markdownTable(['exchanges', 'accounts', 'log MiB', 'LOG.duckdb MiB', 'first scan s', 'first peak RSS MiB', 'second scan s', 'second peak RSS MiB'], rows),
        '',
        'What the scan found (population calibration, alpha 1e-3):',
        '',
        markdownTable(['exchanges', 'campaign accounts flagged', 'benign accounts flagged', 'clusters flagged', 'campaigns'], found),
      ].join('\n'),
    },
  ];
}
