/**
 * Benchmark helpers: medians over repeated runs, and markdown tables. Benchmarks measure; they
 * assert nothing. Every table puts a baseline measured in the same run beside the thing measured.
 */
import { cpus, totalmem } from 'node:os';

export interface Measurement {
  /** Median milliseconds per call of `fn`. */
  readonly medianMs: number;
  readonly runs: number;
}

/** Run `fn` `warmup` times, then `runs` times (or until `maxMs` has passed) and report the median. */
export function measure(fn: () => unknown, options: { runs?: number; warmup?: number; maxMs?: number } = {}): Measurement {
  const runs = options.runs ?? 21;
  const maxMs = options.maxMs ?? 5000;
  for (let i = 0; i < (options.warmup ?? 3); i++) fn();
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
    if (performance.now() - start > maxMs && times.length >= 5) break;
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)]!, runs: times.length };
}

export async function measureAsync(fn: () => Promise<unknown>, options: { runs?: number; warmup?: number } = {}): Promise<Measurement> {
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < (options.runs ?? 5); i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)]!, runs: times.length };
}

export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '-';
  if (x >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(digits);
}

/** A section of BENCHMARKS.md. */
export interface BenchSection {
  readonly title: string;
  readonly body: string;
}
