/**
 * `tracemark traffic simulate --out LOG.jsonl --truth TRUTH.json …`: write a benchmark exchange log
 * with known answers (benign accounts, the look-alikes that trap naive detectors, and planted
 * extraction campaigns) for `tracemark traffic scan` to be measured on. The simulator lives in
 * `@tracemark/traffic` (imported lazily, so registering this command costs nothing at startup);
 * this file declares its flags, checks the outputs, and renders the result.
 */
import { InvalidArgumentError } from 'commander';
import type { CampaignStrategy, SimulationOptions, WriteSimulationResult } from '@tracemark/traffic';
import { defineCommand, flag, option } from '../command.ts';
import { InputError } from '../errors.ts';
import { checkOutput } from '../io.ts';
import { parseNumber } from '../option-parsers.ts';
import { createProgress } from '../progress.ts';

export interface TrafficSimulateOptions extends SimulationOptions {
  readonly out: string;
  readonly truth: string;
  readonly force?: boolean;
  /** No progress line (under --json). */
  readonly quiet?: boolean;
}

/** What `writeSimulation` reports, with the speed worked out. */
export interface TrafficSimulateResult extends Omit<WriteSimulationResult, 'truth'> {
  readonly truth: string;
  readonly exchangesPerSecond: number;
}

// CAMPAIGN_STRATEGIES of @tracemark/traffic, restated: importing it here would load the package
// (and, once the scanner lands, DuckDB) every time the CLI starts; the test pins them together.
const STRATEGIES: readonly CampaignStrategy[] = ['hydra', 'residential', 'slow-low', 'paraphrase'];

/** `--campaign`: one strategy, a comma-separated list, `all` or `none`. */
export function parseCampaigns(value: string): CampaignStrategy[] {
  const v = value.trim();
  if (v === 'all') return [...STRATEGIES];
  if (v === 'none') return [];
  const parts = v.split(',').map((s) => s.trim());
  for (const p of parts) {
    if (!(STRATEGIES as readonly string[]).includes(p)) throw new InvalidArgumentError(`campaign must be ${STRATEGIES.join(', ')}, a comma-separated list of them, all or none; got ${JSON.stringify(p)}`);
  }
  return parts as CampaignStrategy[];
}

/** Simulate and write the log and its truth; returns what was written. */
export async function trafficSimulate(o: TrafficSimulateOptions): Promise<TrafficSimulateResult> {
  if (o.out === o.truth) throw new InputError(`--out and --truth are the same file: ${o.out}`);
  await checkOutput(o.out, { force: o.force });
  await checkOutput(o.truth, { force: o.force });
  const { writeSimulation } = await import('@tracemark/traffic');
  const { out, truth, force: _force, quiet, ...options } = o;
  const progress = createProgress('simulate', { quiet });
  const r = await writeSimulation(options, out, truth, { onProgress: (done, total) => progress.update(done, total) });
  progress.done();
  return { ...r, truth, exchangesPerSecond: r.seconds > 0 ? Math.round(r.exchanges / r.seconds) : r.exchanges };
}

export function renderTrafficSimulate(r: TrafficSimulateResult): string {
  const lines = [
    `wrote ${r.exchanges} exchanges from ${r.accounts} accounts to ${r.log} (${(r.bytes / 2 ** 20).toFixed(1)} MiB, ${r.seconds.toFixed(1)} s, ${r.exchangesPerSecond}/s); ground truth in ${r.truth}`,
    `campaigns (${r.campaignAccounts} accounts): ${r.campaigns.length === 0 ? 'none' : r.campaigns.map((c) => `${c.id} ${c.accounts} accounts ${c.exchanges} exchanges`).join('; ')}`,
    `benign look-alikes: ${r.lookalikes.length === 0 ? 'none' : r.lookalikes.map((l) => `${l.class} ${l.accounts}`).join(', ')}`,
  ];
  return lines.join('\n');
}

export const command = defineCommand({
  name: 'simulate',
  description: 'write a benchmark exchange log with ground truth: benign accounts on real corpus text, the look-alikes that trap naive detectors, and planted extraction campaigns',
  options: {
    out: option('--out <log.jsonl>', 'where to write the log (JSON Lines, one ExchangeRecord per line, in time order)').required(),
    truth: option('--truth <truth.json>', 'where to write the ground truth: campaign clusters and their accounts, the class of every benign account').required(),
    seed: option('--seed <n>', 'the same options and seed give a byte-identical log (default 1)', { parse: parseNumber('seed', 0, Number.MAX_SAFE_INTEGER, true) }),
    accounts: option('--accounts <n>', 'accounts, all kinds together (default 2000)', { parse: parseNumber('accounts', 1, 10_000_000, true) }),
    exchanges: option('--exchanges <n>', 'exchanges (log lines), exactly; at least one per account (default 200000)', { parse: parseNumber('exchanges', 1, Number.MAX_SAFE_INTEGER, true) }),
    hours: option('--hours <h>', 'length of the window in hours (default 24)', { parse: parseNumber('hours', 1 / 60, 24 * 366) }),
    start: option('--start <iso>', 'start of the window (default 2026-11-02T00:00:00.000Z, a Monday)'),
    campaigns: option('--campaign <which>', 'hydra, residential, slow-low, paraphrase, a comma-separated list, all or none (default all)', { parse: parseCampaigns }),
    clustersPerStrategy: option('--clusters <n>', 'campaign clusters per strategy (default 1)', { parse: parseNumber('clusters', 1, 100_000, true) }),
    clusterSize: option('--cluster-size <n>', 'accounts per campaign cluster (default 10)', { parse: parseNumber('cluster-size', 2, 1_000_000, true) }),
    campaignShare: option('--campaign-share <f>', 'share of all exchanges sent by the hydra, residential and paraphrase clusters together (default 0.08)', { parse: parseNumber('campaign-share', 0, 0.9) }),
    slowLowExtractionShare: option('--slow-low-share <f>', "share of a slow-and-low account's requests that are extraction prompts (default 0.5)", { parse: parseNumber('slow-low-share', 0, 1) }),
    watermarkedShare: option('--watermarked-share <f>', 'share of accounts whose exchanges carry a (synthetic) watermark keyId (default 0.75)', { parse: parseNumber('watermarked-share', 0, 1) }),
    lookalikes: flag('--no-lookalikes', 'leave out the support bot, evaluation harnesses, classroom, office and power users'),
    responseText: option('--response-text <mode>', 'full: answers carry their text; omitted: content null, usage only (lines about a quarter shorter) (default full)', { choices: ['full', 'omitted'] as const }),
    force: flag('--force', 'overwrite existing output files'),
    json: flag('--json', 'print what was written as JSON'),
  },
  async run({ json, ...o }, { emit }) {
    const r = await trafficSimulate({ ...o, quiet: json });
    emit(json, r, renderTrafficSimulate(r));
  },
});
