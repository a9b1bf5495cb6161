/**
 * Validity of `traffic scan` on the traffic simulator's benign-only logs (real human prompts plus
 * every look-alike: support bot, evaluation harnesses, a classroom behind one NAT, an office, power
 * users), over many seeds:
 * - each signal's raw per-account p-values, calibrated on a benign reference log of another seed,
 *   are uniform or conservative: one-sided Kolmogorov–Smirnov D⁺ = sup(F̂(u) − u) within the
 *   Dvoretzky–Kiefer–Wolfowitz bound, and the shares below 0.01 and 0.001 within their binomial
 *   bounds (at level 1e-4: accounts scored against one reference share it, so their p-values are
 *   slightly dependent and the binomial bound is given room);
 * - at α = 0.05 the share of benign-only logs with any cluster (hence any account) flagged after
 *   Holm's correction stays within its binomial bound, in both calibration modes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binomialUpperCritical } from '@tracemark/stats';
import { ingestLog, type IngestedLog, parseFieldMapping, scanTraffic, SIGNAL_NAMES, type TrafficReport, writeSimulation } from '@tracemark/traffic';
import { afterAll, describe, expect, it } from 'vitest';

const SEEDS = 8;
/** Benign-only simulated logs: every look-alike, no campaign. */
const SIZE = { accounts: 500, exchanges: 20_000, campaigns: [] } as const;
const ALPHA = 0.05;
const dir = mkdtempSync(join(tmpdir(), 'tm-traffic-validity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('traffic scan on benign-only logs', () => {
  const logs: IngestedLog[] = [];
  const population: TrafficReport[] = [];
  const reference: TrafficReport[] = [];

  it(`scans ${SEEDS} benign-only logs in both calibration modes`, async () => {
    const mapping = parseFieldMapping(undefined);
    for (let s = 0; s <= SEEDS; s++) {
      const path = join(dir, `benign-${s}.jsonl`);
      await writeSimulation({ seed: 500 + s, ...SIZE }, path, null);
      logs.push(await ingestLog(path, { mapping }));
    }
    for (let s = 0; s < SEEDS; s++) {
      population.push(await scanTraffic([logs[s]!], { alpha: ALPHA }));
      reference.push(await scanTraffic([logs[s]!], { alpha: ALPHA, references: [logs[s + 1]!] }));
    }
    // Clusters were found and tested (the look-alikes link accounts: a classroom, an office).
    expect(population.reduce((n, r) => n + r.clustersTested, 0)).toBeGreaterThan(SEEDS);
  }, 120_000);

  it('per-account p-values of every signal are uniform or conservative (reference calibration)', () => {
    const n = reference.reduce((s, r) => s + r.accounts.length, 0);
    const dkw = Math.sqrt(Math.log(1 / 1e-3) / (2 * n));
    const lines: string[] = [];
    for (const name of [...SIGNAL_NAMES, 'content'] as const) {
      const ps = Float64Array.from(reference.flatMap((r) => r.accounts.map((a) => (name === 'content' ? a.content.pValue : a.signals[name].pValue)))).sort();
      let dPlus = 0;
      for (let i = 0; i < ps.length; i++) dPlus = Math.max(dPlus, (i + 1) / ps.length - ps[i]!);
      const below = (u: number) => ps.filter((p) => p <= u).length;
      lines.push(`${name}: D+ ${dPlus.toFixed(4)} (bound ${dkw.toFixed(4)}), ≤0.01 ${below(0.01)}/${n}, ≤0.001 ${below(0.001)}/${n}`);
      expect(dPlus, name).toBeLessThanOrEqual(dkw);
      expect(below(0.01), name).toBeLessThanOrEqual(binomialUpperCritical(n, 0.01, 1e-4));
      expect(below(0.001), name).toBeLessThanOrEqual(binomialUpperCritical(n, 0.001, 1e-4));
    }
    console.log(`traffic validity, ${n} benign accounts over ${SEEDS} logs:\n  ${lines.join('\n  ')}`);
  });

  it('population-calibrated coordination p-values are uniform or conservative', () => {
    const ps = Float64Array.from(population.flatMap((r) => r.accounts.map((a) => a.signals.coordination.pValue))).sort();
    let dPlus = 0;
    for (let i = 0; i < ps.length; i++) dPlus = Math.max(dPlus, (i + 1) / ps.length - ps[i]!);
    expect(dPlus).toBeLessThanOrEqual(Math.sqrt(Math.log(1 / 1e-3) / (2 * ps.length)));
  });

  it(`at α = ${ALPHA}, the share of benign-only logs with anything flagged stays within its binomial bound`, () => {
    const scans = [...population, ...reference];
    const anyFlag = scans.filter((r) => r.clusters.some((c) => c.flagged) || r.accounts.some((a) => a.flagged)).length;
    const clusters = scans.reduce((s, r) => s + r.clustersTested, 0);
    console.log(`traffic validity: ${anyFlag}/${scans.length} benign-only scans with a flag at α = ${ALPHA} (${clusters} clusters tested)`);
    expect(anyFlag).toBeLessThanOrEqual(binomialUpperCritical(scans.length, ALPHA, 1e-3));
  });
});
