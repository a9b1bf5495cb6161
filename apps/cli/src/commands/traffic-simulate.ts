/**
 * `tracemark traffic simulate --out LOG.jsonl --truth TRUTH.json …`: write a benchmark exchange log
 * with known answers (benign accounts, the look-alikes that trap naive detectors, and planted
 * extraction campaigns) for `tracemark traffic scan` to be measured on. The simulator lives in
 * `@tracemark/traffic` (imported lazily, so registering this command costs nothing at startup);
 * this file binds its options to flags, checks the outputs, and renders the result.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CampaignStrategy, SimulationOptions, WriteSimulationResult } from '@tracemark/traffic';
import { InputError } from '../errors.ts';
import { refuseOverwrite } from '../io.ts';
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
  if (!o.force) {
    await refuseOverwrite(o.out);
    await refuseOverwrite(o.truth);
  }
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

/** What the registration needs from the CLI (passed in, so this file does not import cli.ts). */
export interface TrafficCommandContext {
  readonly io: { stdout(text: string): void; stderr(text: string): void };
  readonly parseNumber: (name: string, min: number, max: number, integer?: boolean) => (value: string) => number;
}

/** Register `simulate` under the `traffic` command. */
export function registerTrafficSimulate(traffic: Command, { io, parseNumber }: TrafficCommandContext): void {
  traffic
    .command('simulate')
    .description('write a benchmark exchange log with ground truth: benign accounts on real corpus text, the look-alikes that trap naive detectors, and planted extraction campaigns')
    .requiredOption('--out <log.jsonl>', 'where to write the log (JSON Lines, one ExchangeRecord per line, in time order)')
    .requiredOption('--truth <truth.json>', 'where to write the ground truth: campaign clusters and their accounts, the class of every benign account')
    .option('--seed <n>', 'the same options and seed give a byte-identical log', parseNumber('seed', 0, Number.MAX_SAFE_INTEGER, true))
    .option('--accounts <n>', 'accounts, all kinds together (default 2000)', parseNumber('accounts', 1, 10_000_000, true))
    .option('--exchanges <n>', 'exchanges (log lines), exactly; at least one per account (default 200000)', parseNumber('exchanges', 1, Number.MAX_SAFE_INTEGER, true))
    .option('--hours <h>', 'length of the window in hours (default 24)', parseNumber('hours', 1 / 60, 24 * 366))
    .option('--start <iso>', 'start of the window (default 2026-11-02T00:00:00.000Z)')
    .option('--campaign <which>', 'hydra, residential, slow-low, paraphrase, a comma-separated list, all or none (default all)', parseCampaigns)
    .option('--clusters <n>', 'campaign clusters per strategy (default 1)', parseNumber('clusters', 1, 100_000, true))
    .option('--cluster-size <n>', 'accounts per campaign cluster (default 10)', parseNumber('cluster-size', 2, 1_000_000, true))
    .option('--campaign-share <f>', 'share of all exchanges sent by hydra, residential and paraphrase clusters together (default 0.08)', parseNumber('campaign-share', 0, 0.9))
    .option('--slow-low-share <f>', "share of a slow-and-low account's requests that are extraction prompts (default 0.5)", parseNumber('slow-low-share', 0, 1))
    .option('--watermarked-share <f>', 'share of accounts whose exchanges carry a (synthetic) watermark keyId (default 0.75)', parseNumber('watermarked-share', 0, 1))
    .option('--no-lookalikes', 'leave out the support bot, evaluation harnesses, classroom, office and power users')
    .addOption(new Option('--response-text <mode>', 'full: answers carry their text; omitted: content null, usage only (about half the bytes)').choices(['full', 'omitted']))
    .option('--force', 'overwrite existing output files', false)
    .option('--json', 'print what was written as JSON', false)
    .action(async (o) => {
      const r = await trafficSimulate({
        out: o.out, truth: o.truth, force: o.force, quiet: o.json,
        seed: o.seed, accounts: o.accounts, exchanges: o.exchanges, hours: o.hours, start: o.start, campaigns: o.campaign,
        clustersPerStrategy: o.clusters, clusterSize: o.clusterSize, campaignShare: o.campaignShare, slowLowExtractionShare: o.slowLowShare,
        watermarkedShare: o.watermarkedShare, lookalikes: o.lookalikes, responseText: o.responseText,
      });
      io.stdout(o.json ? `${JSON.stringify(r, null, 2)}\n` : `${renderTrafficSimulate(r)}\n`);
    });
}
