/**
 * Detection at tokenizer speed: end-to-end `tracemark detect` (read the JSONL, parse, normalize,
 * tokenize, score, deduplicate globally; default normalizers on, `--summary`) beside tokenization
 * alone of the same texts (already extracted, in memory: the strictest baseline), in one process and
 * one run, alternating, median of the repeats. 1 and 2 threads. Two tokenization baselines: the
 * encoder detection uses (tracemark's o200k_base, with its fast path) and gpt-tokenizer's `encode`,
 * the library tracemark tokenized with before the fast path, which gives the same ids. A second
 * table splits one thread's CPU time into the stages of detection, measured in the same runs.
 *
 *     pnpm bench throughput
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { detect } from '@tracemark/cli/commands/detect';
import { keygen } from '@tracemark/cli/commands/keygen';
import { getTokenizer } from '@tracemark/tokenizers';
import { createDetector, createNormalizer, parseKey } from '@tracemark/watermark';
import { encode as gptTokenizerEncode } from 'gpt-tokenizer/encoding/o200k_base';
import { type BenchSection, fmt, markdownTable } from './lib.ts';
import { buildInput } from './memory.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchScaleDetect(options: { bytes?: number; repeats?: number } = {}): Promise<BenchSection[]> {
  const bytes = options.bytes ?? 44 * 1024 * 1024;
  const repeats = options.repeats ?? 3;
  const input = join(tmpdir(), `tracemark-human-${bytes}.jsonl`);
  await buildInput(input, bytes);
  const key = join(tmpdir(), `tracemark-scale-key-${process.pid}.json`);
  await keygen({ scheme: 'kgw', tokenizer: 'o200k_base', params: {}, out: key, force: true });
  const lines = readFileSync(input, 'utf8').split('\n').filter((l) => l !== '');
  const texts = lines.map((l) => (JSON.parse(l) as { text: string }).text);
  const tokenizer = await getTokenizer('o200k_base');
  const detector = createDetector(parseKey(readFileSync(key, 'utf8')), { tokenizer });
  const normalize = createNormalizer({});
  const runs: Record<string, number[]> = { tokenize: [], detect1: [], detect2: [], tokenizeCpu: [], detect1Cpu: [], detect2Cpu: [], library: [], libraryCpu: [], parse: [], normalize: [], prepare: [], add: [] };
  const asText = { disallowedSpecial: new Set<string>() };
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  let tokens = 0;
  let scored = 0;
  for (let r = 0; r < repeats + 1; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    for (const t of texts) n += tokenizer.encode(t).length;
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    const d1 = await detect({ key, inputs: [input], alpha: 1e-3, summary: true, threads: 1, quiet: true });
    const t2 = performance.now();
    const c2 = process.cpuUsage();
    await detect({ key, inputs: [input], alpha: 1e-3, summary: true, threads: 2, quiet: true });
    const t3 = performance.now();
    const c3 = process.cpuUsage();
    let m = 0;
    for (const t of texts) m += gptTokenizerEncode(t, asText).length;
    const t4 = performance.now();
    const c4 = process.cpuUsage();
    if (m !== n) throw new Error(`gpt-tokenizer gave ${m} tokens, tracemark's encoder ${n}`);
    // Where one thread's time goes: the stages of detection, each alone or cumulated, in CPU time.
    const stage = (name: string, fn: () => void) => {
      const c = process.cpuUsage();
      fn();
      if (r > 0) runs[name]!.push(cpuMs(process.cpuUsage(c)));
    };
    stage('parse', () => lines.forEach((l) => JSON.parse(l)));
    stage('normalize', () => texts.forEach((t) => normalize(t)));
    const preparing = detector.session({ documents: false });
    stage('prepare', () => texts.forEach((text) => preparing.prepare({ text })));
    const adding = detector.session({ documents: false });
    stage('add', () => texts.forEach((text) => adding.add({ text })));
    if (adding.aggregate().scored !== d1.aggregate.scored) throw new Error(`session.add scored ${adding.aggregate().scored} tuples, detect ${d1.aggregate.scored}`);
    if (r === 0) continue; // warm-up: the tokenizers' piece caches and the JIT
    tokens = n;
    scored = d1.aggregate.scored;
    runs.tokenize!.push(t1 - t0);
    runs.detect1!.push(t2 - t1);
    runs.detect2!.push(t3 - t2);
    runs.detect2Cpu!.push(cpuMs(c3) - cpuMs(c2));
    runs.tokenizeCpu!.push(cpuMs(c1) - cpuMs(c0));
    runs.detect1Cpu!.push(cpuMs(c2) - cpuMs(c1));
    runs.library!.push(t4 - t3);
    runs.libraryCpu!.push(cpuMs(c4) - cpuMs(c3));
  }
  const base = median(runs.tokenize!);
  const baseCpu = median(runs.tokenizeCpu!);
  const library = median(runs.library!);
  const libraryCpu = median(runs.libraryCpu!);
  const row = (label: string, ms: number, cpu?: number) => [
    label,
    fmt(tokens / (ms / 1000)),
    (base / ms).toFixed(2),
    cpu === undefined ? '-' : fmt(tokens / (cpu / 1000)),
    cpu === undefined ? '-' : (baseCpu / cpu).toFixed(2),
    (library / ms).toFixed(2),
    cpu === undefined ? '-' : (libraryCpu / cpu).toFixed(2),
  ];
  const share = (ms: number) => [fmt(ms), `${((100 * ms) / median(runs.detect1Cpu!)).toFixed(0)}%`];
  const body = [
    `${(bytes / 2 ** 20).toFixed(0)} MiB JSONL of State of the Union sentences in random order (${tokens.toLocaleString('en-US')} o200k tokens, ${scored.toLocaleString('en-US')} distinct tuples); KGW h=1; default normalizers on; \`detect --summary\` called in-process (no start-up); medians of ${repeats} alternating runs after one warm-up.`,
    '',
    markdownTable(['run', 'tokens/s, wall (median)', '÷ tokenization, wall', 'tokens/s per CPU second', '÷ tokenization, CPU', '÷ gpt-tokenizer, wall', '÷ gpt-tokenizer, CPU'], [
      row("tokenization alone, tracemark's o200k_base (texts in memory), baseline", base, baseCpu),
      row("tokenization alone, gpt-tokenizer's encode (same ids), second baseline", library, libraryCpu),
      row('detect, 1 thread (read + parse + normalize + tokenize + score + dedup)', median(runs.detect1!), median(runs.detect1Cpu!)),
      row('detect, 2 threads (this thread + 1 worker)', median(runs.detect2!), median(runs.detect2Cpu!)),
    ]),
    '',
    `Where one thread's time goes (CPU time, medians of the same runs; each stage alone, or cumulated where marked +):`,
    '',
    markdownTable(['stage', 'CPU ms', 'share of detect, 1 thread'], [
      ['JSON.parse of every line', ...share(median(runs.parse!))],
      ['normalize (default normalizers)', ...share(median(runs.normalize!))],
      ['tokenize (the baseline above)', ...share(baseCpu)],
      ['normalize + tokenize + score (`session.prepare`, new arrays per document)', ...share(median(runs.prepare!))],
      ['+ dedup and aggregate (`session.add`, scratch arrays)', ...share(median(runs.add!))],
      ['+ read, decode and parse the lines, on fresh text (`detect`, 1 thread; the stages above reuse texts already in memory)', ...share(median(runs.detect1Cpu!))],
    ]),
    '',
    `Load average after the run: ${loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${cpus().length} cores (the machine is shared; CPU-time ratios are the steadier figure).`,
  ].join('\n');
  return [{ title: 'Detection ÷ tokenization (end to end, 1 and 2 threads)', body }];
}
