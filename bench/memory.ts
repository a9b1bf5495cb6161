/**
 * Memory on a 1 GB JSONL input: `tracemark detect --summary` streams the file line by line, so its
 * peak RSS is set by the global dedup set (8 bytes per distinct tuple, in a table kept under 75%
 * full), not by the input size. Measured with /usr/bin/time's maximum resident set size, for a
 * single run and for one shard of four (the set splits across shards).
 *
 * The input is built once in the OS temp folder from State of the Union sentences in a seeded
 * random order (about 250 M o200k tokens). Run: pnpm bench memory
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { createRng } from '@tracemark/stats';
import { type BenchSection, fmt, markdownTable } from './lib.ts';

const TARGET_BYTES = 1024 ** 3;

/** The JSONL input: `targetBytes` of State of the Union sentences in a seeded random order (a shorter file is a prefix of a longer one). */
export async function buildInput(path: string, targetBytes = TARGET_BYTES): Promise<void> {
  if (existsSync(path) && statSync(path).size >= targetBytes) return;
  const sentences = loadBuiltinCorpus('sotu').flatMap((d) => d.text.replace(/\s+/g, ' ').split(/(?<=[.!?]) /));
  const rand = createRng(12345);
  const out = createWriteStream(path);
  let bytes = 0;
  let id = 0;
  while (bytes < targetBytes) {
    const parts: string[] = [];
    for (let j = 0; j < 20; j++) parts.push(sentences[Math.floor(rand() * sentences.length)]!);
    const line = `${JSON.stringify({ id: `d${id++}`, text: parts.join(' ') })}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

const ROOT = new URL('..', import.meta.url).pathname;

/** Run the CLI under /usr/bin/time -v (Debian package "time") and read its maximum RSS. */
function measured(args: string[]): { rssMiB: number; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', 'node', '--import', 'tsx', 'apps/cli/src/bin.ts', ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`tracemark ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-800)}`);
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  if (!m) throw new Error('no "Maximum resident set size" in /usr/bin/time output');
  return { rssMiB: Number(m[1]) / 1024, seconds: (performance.now() - t0) / 1000 };
}

export async function benchMemory(): Promise<BenchSection[]> {
  const input = join(tmpdir(), 'tracemark-1gb.jsonl');
  await buildInput(input);
  const key = join(tmpdir(), 'tracemark-1gb-key.json');
  if (!existsSync(key)) measured(['keygen', '--scheme', 'kgw', '--out', key]);
  const base = measured(['detect', '--key', key, '--summary', '--json', join(ROOT, 'README.md')]);
  const rows: (string | number)[][] = [['baseline: the same command on README.md', fmt(base.rssMiB), fmt(base.seconds)]];
  for (const [label, extra] of [
    ['detect --summary, one process', []],
    ['detect --summary --shard 0/4', ['--shard', '0/4']],
  ] as const) {
    const m = measured(['detect', '--key', key, input, '--summary', '--json', ...extra]);
    rows.push([label, fmt(m.rssMiB), fmt(m.seconds)]);
  }
  const size = statSync(input).size;
  return [
    {
      title: `Memory on a ${(size / 1024 ** 3).toFixed(2)} GiB JSONL input (KGW h=1; State of the Union sentences in random order)`,
      body: markdownTable(['run', 'peak RSS (MiB)', 'wall seconds'], rows),
    },
  ];
}
