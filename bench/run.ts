/**
 * `pnpm bench`: runs every benchmark and writes BENCHMARKS.md with the machine and date.
 * Pass section names (watermark, models) to run only those; the file is rewritten either way
 * with whatever ran.
 */
import { writeFileSync } from 'node:fs';
import { type BenchSection, machineLine } from './lib.ts';
import { benchAttacks } from './attacks.ts';
import { benchAudit } from './audit.ts';
import { benchGateway } from './gateway.ts';
import { benchMemory } from './memory.ts';
import { benchModels } from './models.ts';
import { benchWatermark } from './watermark.ts';

const SUITES: Record<string, () => Promise<BenchSection[]>> = {
  watermark: benchWatermark,
  models: benchModels,
  audit: benchAudit,
  attacks: benchAttacks,
  memory: benchMemory,
  gateway: benchGateway,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const sections: BenchSection[] = [];
for (const [name, run] of Object.entries(SUITES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  sections.push(...(await run()));
}
const out = [
  '# Benchmarks',
  '',
  `Machine: ${machineLine()}. Produced by \`pnpm bench\`; every figure is a median of repeated runs, and each table has a baseline measured in the same run.`,
  '',
  ...sections.flatMap((s) => [`## ${s.title}`, '', s.body, '']),
].join('\n');
writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), out);
process.stdout.write(out);
