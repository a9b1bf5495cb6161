/**
 * `pnpm bench [suite…]`: runs the benchmarks and writes BENCHMARKS.md. With no argument every suite
 * runs; naming suites (watermark, models, audit, attacks, memory, gateway, attribution, throughput,
 * distributed, traffic, traffic-distributed) reruns only those and
 * replaces only their sections, so one slow suite can be refreshed without the rest. Each section
 * is tagged with its suite and records the machine and date of the run that produced it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type BenchSection, machineLine } from './lib.ts';
import { benchAttacks } from './attacks.ts';
import { benchAudit } from './audit.ts';
import { benchGateway } from './gateway.ts';
import { benchMemory } from './memory.ts';
import { benchModels } from './models.ts';
import { benchTraffic } from './traffic.ts';
import { benchTrafficDistributed } from './traffic-distributed.ts';
import { benchWatermark } from './watermark.ts';
import { benchScaleAttribution } from './scale-attribution.ts';
import { benchScaleDetect } from './scale-detect.ts';
import { benchAuditDistributed, benchScaleDistributed } from './scale-distributed.ts';

const SUITES: Record<string, () => Promise<BenchSection[]>> = {
  watermark: benchWatermark,
  models: benchModels,
  audit: benchAudit,
  attacks: benchAttacks,
  memory: benchMemory,
  gateway: benchGateway,
  // The scale suites (issue 15); TRACEMARK_BENCH_SCALE_MB sets the detection input size in MiB.
  attribution: benchScaleAttribution,
  throughput: () => benchScaleDetect(scaleBytes(44)),
  distributed: async () => [...(await benchScaleDistributed(scaleBytes(1024))), ...(await benchAuditDistributed())],
  traffic: benchTraffic,
  'traffic-distributed': benchTrafficDistributed,
};

function scaleBytes(defaultMiB: number): { bytes: number } {
  const mb = Number(process.env.TRACEMARK_BENCH_SCALE_MB ?? 0);
  return { bytes: (mb > 0 ? mb : defaultMiB) * 2 ** 20 };
}

const FILE = new URL('../BENCHMARKS.md', import.meta.url);
const TAG = /^<!-- suite: ([a-z-]+) -->$/;

/** The existing file's sections per suite, as text blocks (untagged sections are dropped). */
function existingSections(): Map<string, string[]> {
  const bySuite = new Map<string, string[]>();
  if (!existsSync(FILE)) return bySuite;
  const blocks = readFileSync(FILE, 'utf8').split(/^(?=## )/m).slice(1);
  for (const block of blocks) {
    const tag = block.split('\n').map((l) => TAG.exec(l.trim())).find(Boolean);
    if (tag) bySuite.set(tag[1]!, [...(bySuite.get(tag[1]!) ?? []), block.trimEnd()]);
  }
  return bySuite;
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !(w in SUITES));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown suite(s) ${unknown.join(', ')} (known: ${Object.keys(SUITES).join(', ')})\n`);
  process.exit(2);
}
const sections = existingSections();
for (const [name, run] of Object.entries(SUITES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  const produced = await run();
  const measured = `Measured on ${machineLine()}.`;
  sections.set(name, produced.map((s) => [`## ${s.title}`, `<!-- suite: ${name} -->`, '', measured, '', s.body].join('\n')));
}
const out = [
  '# Benchmarks',
  '',
  'Produced by `pnpm bench` (every suite) or `pnpm bench <suite>` (that suite\'s sections only). Every figure is a median of repeated runs, and each table has a baseline measured in the same run.',
  '',
  ...Object.keys(SUITES).flatMap((name) => (sections.get(name) ?? []).map((s) => `${s}\n`)),
].join('\n');
writeFileSync(FILE, out);
process.stdout.write(out);
