/**
 * The options of the traffic simulator (`simulateTraffic`, `simulationTruth`, `writeSimulation`,
 * `tracemark traffic simulate`) and their defaults, validated in one place. The defaults describe
 * an ordinary day of a mid-sized API: 2,000 accounts, 200,000 exchanges, the benign look-alikes
 * that trap naive detectors, and one cluster of each campaign strategy whose accounts are a small
 * minority (2%) sending 8% of the traffic. The incident the issue sizes against (24,000 accounts,
 * 16 million exchanges) is `--accounts 24000 --exchanges 16000000 --clusters 40`.
 */
import { InputError } from '@tracemark/errors';

/** An invalid simulator option (exit 2 in the CLI): the message names the option and its allowed values. */
export class SimulationOptionError extends InputError {}

/** The extraction-campaign strategies the simulator can plant (DESIGN.md, "Campaigns"). */
export type CampaignStrategy = 'hydra' | 'residential' | 'slow-low' | 'paraphrase';

export const CAMPAIGN_STRATEGIES: readonly CampaignStrategy[] = ['hydra', 'residential', 'slow-low', 'paraphrase'];

export interface SimulationOptions {
  /** Seed of every random choice: the same options give byte-identical output. Default 1. */
  readonly seed?: number;
  /** Accounts in the log, benign, look-alike and campaign together. Default 2000. */
  readonly accounts?: number;
  /** Exchanges (log lines), exactly. At least one per account. Default 200,000. */
  readonly exchanges?: number;
  /** Length of the simulated window in hours. Default 24. */
  readonly hours?: number;
  /** ISO 8601 start of the window. Default `2026-11-02T00:00:00.000Z` (a Monday). */
  readonly start?: string;
  /** Strategies to plant; `[]` for a benign-only log. Default all four. */
  readonly campaigns?: readonly CampaignStrategy[];
  /** Campaign clusters per strategy. Default 1. */
  readonly clustersPerStrategy?: number;
  /** Accounts per campaign cluster. Default 10. */
  readonly clusterSize?: number;
  /**
   * Share of all exchanges sent by the hydra, residential and paraphrase clusters together
   * (slow-and-low accounts send what an ordinary user sends, by design). Default 0.08.
   */
  readonly campaignShare?: number;
  /** Share of a slow-and-low account's requests that are extraction prompts; the rest is ordinary use. Default 0.5. */
  readonly slowLowExtractionShare?: number;
  /** Plant the benign look-alikes (support bot, evaluation harnesses, classroom, office, power users). Default true. */
  readonly lookalikes?: boolean;
  /** Share of accounts whose responses carry a watermark key id (`keyId`). Default 0.75. */
  readonly watermarkedShare?: number;
  /**
   * `full` (default): answers carry their text. `omitted`: the assistant message's content is null
   * and only `usage` says how long it was, as in a log that keeps features only; lines are about
   * a quarter shorter (1.17 kB against 1.60 kB on average, measured), which matters at 16 million exchanges.
   */
  readonly responseText?: 'full' | 'omitted';
}

export interface ResolvedSimulationOptions {
  readonly seed: number;
  readonly accounts: number;
  readonly exchanges: number;
  readonly hours: number;
  readonly start: string;
  readonly campaigns: readonly CampaignStrategy[];
  readonly clustersPerStrategy: number;
  readonly clusterSize: number;
  readonly campaignShare: number;
  readonly slowLowExtractionShare: number;
  readonly lookalikes: boolean;
  readonly watermarkedShare: number;
  readonly responseText: 'full' | 'omitted';
}

export const DEFAULT_SIMULATION_OPTIONS: ResolvedSimulationOptions = {
  seed: 1,
  accounts: 2000,
  exchanges: 200_000,
  hours: 24,
  start: '2026-11-02T00:00:00.000Z',
  campaigns: CAMPAIGN_STRATEGIES,
  clustersPerStrategy: 1,
  clusterSize: 10,
  campaignShare: 0.08,
  slowLowExtractionShare: 0.5,
  lookalikes: true,
  watermarkedShare: 0.75,
  responseText: 'full',
};

/** Accounts the look-alikes take: support bot 1, evaluation harnesses 2, classroom 30, office 8 (power users are drawn from the ordinary ones). */
export const LOOKALIKE_ACCOUNTS = 41;
/** Fewest ordinary benign accounts a log needs, so that look-alikes and campaigns stay a minority. */
export const MIN_ORDINARY_ACCOUNTS = 20;

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new SimulationOptionError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
}

function checkNumber(name: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw new SimulationOptionError(`${name} must be a number in [${min}, ${max}], got ${value}`);
}

/**
 * Fill in the defaults and check every option, so that a bad value fails before anything is
 * written. Also checks that the population fits: the look-alikes and the campaign clusters must
 * leave at least {@link MIN_ORDINARY_ACCOUNTS} ordinary accounts, and every account sends at least
 * one exchange.
 *
 * @throws SimulationOptionError naming the option and the allowed range.
 */
export function resolveSimulationOptions(options: SimulationOptions = {}): ResolvedSimulationOptions {
  const o = { ...DEFAULT_SIMULATION_OPTIONS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedSimulationOptions;
  checkInteger('seed', o.seed, 0, Number.MAX_SAFE_INTEGER);
  checkInteger('accounts', o.accounts, 1, 10_000_000);
  checkInteger('exchanges', o.exchanges, 1, Number.MAX_SAFE_INTEGER);
  checkNumber('hours', o.hours, 1 / 60, 24 * 366);
  if (Number.isNaN(Date.parse(o.start)) || !/^\d{4}-\d{2}-\d{2}T/.test(o.start)) throw new SimulationOptionError(`start must be an ISO 8601 time, got ${o.start}`);
  checkInteger('clustersPerStrategy', o.clustersPerStrategy, 1, 100_000);
  checkInteger('clusterSize', o.clusterSize, 2, 1_000_000);
  checkNumber('campaignShare', o.campaignShare, 0, 0.9);
  checkNumber('slowLowExtractionShare', o.slowLowExtractionShare, 0, 1);
  checkNumber('watermarkedShare', o.watermarkedShare, 0, 1);
  if (o.responseText !== 'full' && o.responseText !== 'omitted') throw new SimulationOptionError(`responseText must be full or omitted, got ${o.responseText}`);
  if (typeof o.lookalikes !== 'boolean') throw new SimulationOptionError(`lookalikes must be true or false, got ${o.lookalikes}`);
  const seen = new Set<string>();
  for (const s of o.campaigns) {
    if (!(CAMPAIGN_STRATEGIES as readonly string[]).includes(s)) throw new SimulationOptionError(`unknown campaign strategy ${JSON.stringify(s)}; expected one of ${CAMPAIGN_STRATEGIES.join(', ')}`);
    if (seen.has(s)) throw new SimulationOptionError(`campaign strategy ${s} given twice`);
    seen.add(s);
  }
  // A canonical order, so that ['paraphrase', 'hydra'] and ['hydra', 'paraphrase'] plan the same log.
  const campaigns = CAMPAIGN_STRATEGIES.filter((s) => seen.has(s));
  const campaignAccounts = campaigns.length * o.clustersPerStrategy * o.clusterSize;
  const needed = campaignAccounts + (o.lookalikes ? LOOKALIKE_ACCOUNTS : 0) + MIN_ORDINARY_ACCOUNTS;
  if (o.accounts < needed) {
    throw new SimulationOptionError(
      `accounts must be at least ${needed} for ${campaignAccounts} campaign accounts${o.lookalikes ? `, ${LOOKALIKE_ACCOUNTS} look-alike accounts` : ''} and ${MIN_ORDINARY_ACCOUNTS} ordinary ones; got ${o.accounts}`,
    );
  }
  if (o.exchanges < o.accounts) throw new SimulationOptionError(`exchanges must be at least the number of accounts (${o.accounts}): every account sends at least one; got ${o.exchanges}`);
  return { ...o, campaigns };
}
