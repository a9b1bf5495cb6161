/**
 * Distributed detection and distributed account attribution, measured: `detect --redis URL --shards N` with N local `tracemark worker`
 * processes (N = 1, 2, 3) on a loopback Redis, beside the same N shards run by hand (`detect --shard
 * i/N` processes in parallel, then `merge`) and the single-process run, all as CLI processes in the
 * same run. Every variant's `--json` output is checked identical to the single run.
 *
 * Two kinds of shard: input ranges (`--summary`, the default there), which split the input, and
 * tuple shards, which split the distinct tuples (so the dedup set's memory): every tuple shard
 * reads, normalizes, tokenizes and scores the whole input and keeps the tuples routed to it, so N
 * of them cost N passes of CPU. The table shows both, and the queue's overhead over the same tuple
 * shards run by hand.
 *
 * `benchAuditDistributed`: `audit --accounts FILE --redis URL --shards N` with N workers (N = 1, 2)
 * beside the single-process audit, reports checked identical (but for `createdAt`). An account
 * range does split the work (each account is scored once), so there the queue can add speed.
 *
 *     pnpm bench distributed
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, MAX_RANGE_BYTES } from '@tracemark/cli/testing';
import { type BenchSection, fmt, markdownTable } from './lib.ts';
import { buildInput } from './memory.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = ['--import', 'tsx', 'apps/cli/src/bin.ts'];

/** Run the CLI; resolve with stdout and wall seconds, reject on a non-zero exit. */
export function cli(args: string[]): Promise<{ stdout: string; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => (code === 0 ? resolve({ stdout: out, seconds: (performance.now() - t0) / 1000 }) : reject(new Error(`tracemark ${args.join(' ')}: exit ${code}: ${err.slice(-500)}`))));
  });
}

export function startWorker(redis: string, queue: string): Promise<ChildProcess> {
  const p = spawn(process.execPath, [...CLI, 'worker', '--redis', redis, '--queue', queue, '--threads', '1'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('waiting for shards')) resolve(p);
    });
    p.on('close', (code) => reject(new Error(`worker exited ${code}: ${err}`)));
  });
}

/** Start a loopback redis-server on a free port and wait for its PONG. */
export async function startRedis(): Promise<{ url: string; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 50 && spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 100));
  return { url: `redis://127.0.0.1:${port}/0`, server };
}

export const NO_REDIS = 'Not measured: no `redis-server` on this machine (Debian package redis-server).';

/** Both sections' set-up: the input file and a fresh key; null without a redis-server binary. */
async function setUp(bytes: number, tag: string): Promise<{ input: string; key: string } | null> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return null;
  const input = join(tmpdir(), `tracemark-human-${bytes}.jsonl`);
  await buildInput(input, bytes);
  const key = join(tmpdir(), `tracemark-scale-${tag}-key-${process.pid}.json`);
  await cli(['keygen', '--scheme', 'kgw', '--out', key, '--force']);
  return { input, key };
}

/** Wall times by variant, pushed run by run. */
function timings(): { times: Record<string, number[]>; push: (variant: string, seconds: number) => void } {
  const times: Record<string, number[]> = {};
  return { times, push: (k, s) => void (times[k] ??= []).push(s) };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchScaleDistributed(options: { bytes?: number; repeats?: number } = {}): Promise<BenchSection[]> {
  const bytes = options.bytes ?? 2 ** 30;
  // One pass over 1 GiB is about a minute here and the suite makes 14 of them per repeat.
  const repeats = options.repeats ?? (bytes >= 2 ** 29 ? 1 : 3);
  const title = 'Distributed detection: BullMQ workers vs `--shard` by hand vs one process';
  const files = await setUp(bytes, 'dist');
  if (!files) return [{ title, body: NO_REDIS }];
  const { input, key } = files;
  const { url: redis, server } = await startRedis();
  const common = ['--key', key, input, '--summary', '--json', '--threads', '1'];
  const { times, push } = timings();
  let reference = '';
  const check = (what: string, stdout: string) => {
    if (stdout !== reference) throw new Error(`${what}: result differs from the single run`);
  };
  /** `detect --redis` with n workers started before the clock, on a queue of its own. */
  let queues = 0;
  const queued = async (variant: string, n: number, args: string[]) => {
    const queue = `bench-${process.pid}-${queues++}`;
    const workers = await Promise.all(Array.from({ length: n }, () => startWorker(redis, queue)));
    try {
      const q = await cli(['detect', ...common, '--redis', redis, '--queue', queue, ...args]);
      push(variant, q.seconds);
      check(variant, q.stdout);
    } finally {
      for (const w of workers) w.kill('SIGTERM');
    }
  };
  try {
    for (let r = 0; r < repeats; r++) {
      const single = await cli(['detect', ...common]);
      push('single', single.seconds);
      reference = single.stdout;
      const two = await cli(['detect', ...common.filter((a) => a !== '1' && a !== '--threads'), '--threads', '2']);
      push('threads2', two.seconds);
      check('--threads 2', two.stdout);
      for (const n of [1, 2, 3]) {
        // Input ranges: ranges of at most 32 MiB, taken by n workers.
        await queued(`ranges${n}`, n, ['--shards', String(n)]);
        // By hand: n tuple-shard processes at once, then merge.
        const t0 = performance.now();
        const parts = await Promise.all(Array.from({ length: n }, (_, i) => cli(['detect', ...common.filter((a) => a !== '--json'), '--shard', `${i}/${n}`])));
        const files = parts.map((p, i) => {
          const f = join(tmpdir(), `tracemark-scale-part-${process.pid}-${i}.json`);
          writeFileSync(f, p.stdout);
          return f;
        });
        const merged = await cli(['merge', ...files, '--json']);
        push(`hand${n}`, (performance.now() - t0) / 1000);
        check(`--shard by hand ${n}`, merged.stdout);
        await queued(`tuples${n}`, n, ['--shards', String(n), '--shard-by', 'tuples']);
      }
    }
  } finally {
    server.kill('SIGTERM');
  }
  const tokens = (JSON.parse(reference) as { aggregate: { tokens: number } }).aggregate.tokens;
  const base = median(times.single!);
  const row = (label: string, seconds: number, overhead = '-') => [label, fmt(seconds), fmt(tokens / seconds), (base / seconds).toFixed(2), overhead];
  const rows: (string | number)[][] = [row('one process (`detect --summary --threads 1`), baseline', base), row('one process, `--threads 2`', median(times.threads2!))];
  // As splitRanges cuts: n ranges, or more of at most 32 MiB.
  const ranges = (n: number) => Math.max(n, Math.ceil(bytes / MAX_RANGE_BYTES));
  for (const n of [1, 2, 3]) rows.push(row(`${n} BullMQ worker(s), input ranges (\`detect --summary --redis --shards ${n}\`: ${ranges(n)} ranges)`, median(times[`ranges${n}`]!)));
  for (const n of [1, 2, 3]) {
    const hand = median(times[`hand${n}`]!);
    const queue = median(times[`tuples${n}`]!);
    rows.push(row(`${n} tuple shard(s) by hand (${n} \`detect --shard\` processes + \`merge\`)`, hand));
    rows.push(row(`${n} BullMQ worker(s), tuple shards (\`--shard-by tuples --shards ${n}\`)`, queue, `${(((queue - hand) / hand) * 100).toFixed(0)}%`));
  }
  const body = [
    `${(bytes / 2 ** 20).toFixed(0)} MiB JSONL (State of the Union sentences in random order, ${tokens.toLocaleString('en-US')} tokens), KGW h=1, \`--summary\`, one thread per process (but the \`--threads 2\` row), whole CLI runs, workers started before the clock, Redis on loopback, 2 cores; wall seconds, ${repeats === 1 ? 'one run each' : `median of ${repeats} runs`}; every result checked identical to the single run.`,
    '',
    markdownTable(['run', 'wall s', 'input tokens/s', '÷ one process', 'queue overhead vs by hand'], rows),
    '',
    'Input ranges split the input: the workers read it once between them, so throughput grows with workers up to the cores (here 2; a third worker shares them). Tuple shards split the dedup set (memory), not the input: each reads and tokenizes the whole file, so N of them cost N passes of CPU and the throughput cannot pass one process; they are for a distinct-tuple set too large for one machine, and for per-document results, which input ranges cannot give. The last column is the queue\'s cost (job hand-off and results through Redis) over the same tuple shards run by hand.',
  ].join('\n');
  return [{ title, body }];
}

/** The report without `createdAt`, which differs between any two runs. */
function withoutTime(json: string): string {
  return json.replace(/\n {2}"createdAt": "[^"]+",/, '');
}

export async function benchAuditDistributed(options: { accounts?: number; bytes?: number; repeats?: number } = {}): Promise<BenchSection[]> {
  const accounts = options.accounts ?? 8000;
  const bytes = options.bytes ?? 4 * 2 ** 20;
  const repeats = options.repeats ?? 1;
  const title = 'Distributed account attribution: `audit --accounts --redis` workers vs one process';
  const files = await setUp(bytes, 'audit');
  if (!files) return [{ title, body: NO_REDIS }];
  const { input: outputs, key } = files;
  const names = join(tmpdir(), `tracemark-scale-audit-accounts-${process.pid}-${accounts}.txt`);
  writeFileSync(names, Array.from({ length: accounts }, (_, i) => `account-${i}`).join('\n') + '\n');
  const { url: redis, server } = await startRedis();
  const common = ['audit', '--key', key, '--suspect-outputs', outputs, '--accounts', names, '--json'];
  const { times, push } = timings();
  let reference = '';
  try {
    for (let r = 0; r < repeats; r++) {
      const single = await cli(common);
      push('single', single.seconds);
      reference = withoutTime(single.stdout);
      for (const n of [1, 2]) {
        const queue = `bench-audit-${process.pid}-${r}-${n}`;
        const workers = await Promise.all(Array.from({ length: n }, () => startWorker(redis, queue)));
        try {
          const q = await cli([...common, '--redis', redis, '--shards', String(n), '--queue', queue]);
          push(`queue${n}`, q.seconds);
          if (withoutTime(q.stdout) !== reference) throw new Error(`audit --redis with ${n} worker(s): report differs from the single run`);
        } finally {
          for (const w of workers) w.kill('SIGTERM');
        }
      }
    }
  } finally {
    server.kill('SIGTERM');
  }
  const report = JSON.parse(reference) as { suspect: { tokens: number }; accounts: { scored: number } };
  const base = median(times.single!);
  const rows: (string | number)[][] = [['one process (`audit --accounts`)', fmt(base), '1.00']];
  for (const n of [1, 2]) {
    const q = median(times[`queue${n}`]!);
    rows.push([`${n} BullMQ worker(s), \`--redis --shards ${n}\``, fmt(q), (base / q).toFixed(2)]);
  }
  const body = [
    `${accounts.toLocaleString('en-US')} accounts × ${report.accounts.scored.toLocaleString('en-US')} distinct tuples (${(bytes / 2 ** 20).toFixed(0)} MiB of State of the Union sentences, ${report.suspect.tokens.toLocaleString('en-US')} o200k tokens), KGW h=1; whole CLI runs (start-up, tokenizing, the closed-model test in the enqueuing process); Redis on loopback, workers started before the clock; wall seconds, median of ${repeats} run(s); every report checked identical to the single run but for \`createdAt\`.`,
    '',
    markdownTable(['run', 'wall s (median)', '÷ one process'], rows),
    '',
    'Each shard repeats the key-independent work (reading and tokenizing the outputs, finding their distinct tuples) and the enqueuing process does it too (for the closed-model test), after queueing the shards, so the two overlap; the accounts themselves are split, so the gain grows with accounts per shard. On this shared 2-core machine two workers plus the enqueuing process compete for the same cores.',
  ].join('\n');
  return [{ title, body }];
}
