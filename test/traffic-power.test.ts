/**
 * Power of `tracemark traffic scan` on the traffic simulator's mixed logs (`writeSimulation`:
 * benign accounts with real human prompts, every look-alike — support bot, evaluation harnesses,
 * classroom behind one NAT, office, power users — and the four campaign strategies), per strategy:
 * share of campaign accounts flagged, share of benign accounts flagged, and cluster precision and
 * recall against the ground truth. Slow-and-low accounts send what an ordinary user sends from
 * their own addresses; the conjunction of coordination and content is not built to reach them, and
 * the test states that rather than hiding it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@tracemark/cli/testing';
import { type SimulationOptions, simulationTruth, type TrafficReport, writeSimulation } from '@tracemark/traffic';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tm-traffic-power-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIZE = { accounts: 800, exchanges: 40_000 } as const;
const DETECTABLE = ['hydra', 'residential', 'paraphrase'] as const;

async function scan(args: string[]): Promise<TrafficReport> {
  const r = await runCli('traffic', 'scan', ...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as TrafficReport;
}

async function simulate(name: string, options: SimulationOptions) {
  const path = join(dir, `${name}.jsonl`);
  await writeSimulation(options, path, null);
  return { path, truth: simulationTruth(options) };
}

describe('traffic scan on simulated traffic', () => {
  const seeds = [101, 102, 103];
  const byStrategy = new Map<string, [flagged: number, of: number]>();
  const totals = { benign: 0, benignFlagged: 0, lookalikeFlagged: 0, flaggedClusters: 0, matchedClusters: 0, detectableCampaigns: 0, recovered: 0 };

  it.each(seeds)('mixed log, seed %i (population calibration)', async (seed) => {
    const { path, truth } = await simulate(`mixed-${seed}`, { seed, ...SIZE });
    const report = await scan([path]);
    expect(report.calibration.mode).toBe('population');
    const flagged = new Set(report.accounts.filter((a) => a.flagged).map((a) => a.account));
    for (const a of truth.accounts) {
      if (a.role !== 'benign') continue;
      totals.benign++;
      if (flagged.has(a.account)) {
        totals.benignFlagged++;
        if (a.class !== 'ordinary') totals.lookalikeFlagged++;
      }
    }
    for (const c of truth.campaigns) {
      const s = byStrategy.get(c.strategy) ?? [0, 0];
      s[0] += c.accounts.filter((a) => flagged.has(a)).length;
      s[1] += c.accounts.length;
      byStrategy.set(c.strategy, s);
    }
    // A flagged cluster is correct when the accounts it flags are all campaign accounts; a campaign
    // is recovered when ≥ 80% of its accounts are flagged (the simulator's operators may reuse
    // templates across strategies, so two campaigns can rightly land in one cluster).
    const campaignAccounts = new Set(truth.campaigns.flatMap((t) => t.accounts));
    const flaggedClusters = report.clusters.filter((c) => c.flagged);
    totals.flaggedClusters += flaggedClusters.length;
    totals.matchedClusters += flaggedClusters.filter((c) => c.accounts.filter((a) => flagged.has(a)).every((a) => campaignAccounts.has(a))).length;
    const detectable = truth.campaigns.filter((t) => (DETECTABLE as readonly string[]).includes(t.strategy));
    totals.detectableCampaigns += detectable.length;
    totals.recovered += detectable.filter((t) => t.accounts.filter((a) => flagged.has(a)).length >= 0.8 * t.accounts.length).length;
    for (const c of flaggedClusters) expect(c.exchanges).toBeGreaterThan(0);
  }, 120_000);

  it('flags ≥ 95% of hydra and paraphrasing campaign accounts, ≤ 0.1% of benign ones and no look-alike, with cluster precision ≥ 95%; residential proxies fall short', () => {
    const line = [...byStrategy].map(([k, [f, n]]) => `${k} ${f}/${n}`).join(', ');
    console.log(
      `traffic power (simulator, ${seeds.length} seeds × ${SIZE.accounts} accounts, ${SIZE.exchanges} exchanges): campaign accounts flagged ${line}; ` +
        `benign flagged ${totals.benignFlagged}/${totals.benign} (look-alikes ${totals.lookalikeFlagged}); cluster precision ${totals.matchedClusters}/${totals.flaggedClusters}, ` +
        `recall ${totals.recovered}/${totals.detectableCampaigns} (hydra, residential, paraphrase)`,
    );
    // Met: hydra and paraphrase ≥ 95%, benign ≤ 0.1%, no look-alike, cluster precision ≥ 95%.
    for (const s of ['hydra', 'paraphrase']) {
      const [f, n] = byStrategy.get(s)!;
      expect(f, s).toBeGreaterThanOrEqual(0.95 * n);
    }
    expect(totals.lookalikeFlagged).toBe(0);
    expect(totals.benignFlagged).toBeLessThanOrEqual(0.001 * totals.benign);
    expect(totals.matchedClusters).toBeGreaterThanOrEqual(0.95 * totals.flaggedClusters);
    // Short of the 95% target (measured, stated in the report): residential-proxy accounts, each on
    // its own address with a common browser user agent, are partly absorbed into large clusters of
    // ordinary accounts sharing that user agent, where too few members are extraction-shaped for
    // the cluster to be flagged. These floors record what is measured so a regression fails.
    const [rf, rn] = byStrategy.get('residential')!;
    expect(rf).toBeGreaterThanOrEqual(0.5 * rn);
    expect(totals.recovered).toBeGreaterThanOrEqual(0.6 * totals.detectableCampaigns);
  });

  it('with a benign-only simulated reference log, finds the same campaigns and no benign account', async () => {
    const { path, truth } = await simulate('mixed-ref', { seed: 111, ...SIZE });
    const { path: ref } = await simulate('benign-ref', { seed: 112, ...SIZE, campaigns: [] });
    const report = await scan([path, '--reference', ref]);
    expect(report.calibration.mode).toBe('reference');
    const flagged = new Set(report.accounts.filter((a) => a.flagged).map((a) => a.account));
    const detectable = truth.campaigns.filter((t) => (DETECTABLE as readonly string[]).includes(t.strategy)).flatMap((t) => t.accounts);
    console.log(`traffic power (reference calibration): ${detectable.filter((a) => flagged.has(a)).length}/${detectable.length} detectable campaign accounts flagged`);
    expect(detectable.filter((a) => flagged.has(a)).length).toBeGreaterThanOrEqual(0.95 * detectable.length);
    expect(truth.accounts.filter((a) => a.role === 'benign' && flagged.has(a.account)).map((a) => a.account)).toEqual([]);
  }, 120_000);
});
