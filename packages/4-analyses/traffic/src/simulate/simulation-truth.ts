/**
 * The ground truth of a simulated log: which accounts belong to which campaign (and by which
 * strategy), the look-alike class of every benign account, each account's exact number of
 * exchanges and watermark key id. Benchmarks score a scan against it (per-account flags,
 * cluster precision and recall); it is computed from the plan alone, without generating the log.
 */
import { planPopulation, type BenignClass, type Population } from './plan-population.ts';
import { type CampaignStrategy, type ResolvedSimulationOptions, type SimulationOptions } from './simulation-options.ts';

export const SIMULATION_TRUTH_TYPE = 'tracemark.traffic.simulation-truth';

export interface TruthAccount {
  readonly account: string;
  readonly role: 'benign' | 'campaign';
  /** The benign class (`ordinary` or a look-alike), or null for a campaign account. */
  readonly class: BenignClass | null;
  readonly strategy: CampaignStrategy | null;
  /** The campaign cluster id, or null for a benign account. */
  readonly campaign: string | null;
  readonly exchanges: number;
  /** The watermark key id its successful responses carry in the log, or null. */
  readonly keyId: string | null;
}

export interface TruthCampaign {
  readonly id: string;
  readonly strategy: CampaignStrategy;
  readonly accounts: readonly string[];
  readonly exchanges: number;
  readonly proxyPool: readonly string[] | null;
  readonly userAgents: readonly string[];
  readonly payments: readonly string[];
  readonly dispatch: { readonly periodS: number; readonly phaseS: number; readonly jitterS: number } | null;
}

export interface SimulationTruth {
  readonly type: typeof SIMULATION_TRUTH_TYPE;
  readonly version: 1;
  /** Every option, defaults filled in: the log can be regenerated from this alone. */
  readonly options: ResolvedSimulationOptions;
  readonly window: { readonly start: string; readonly end: string };
  readonly exchanges: number;
  readonly campaigns: readonly TruthCampaign[];
  readonly lookalikes: readonly { readonly class: BenignClass; readonly accounts: readonly string[]; readonly description: string }[];
  /** In the order of the plan (shuffled: the order says nothing about the role). */
  readonly accounts: readonly TruthAccount[];
  readonly note: string;
}

/**
 * The ground truth of the log `simulateTraffic(options)` produces. `population` is the plan of
 * `options`, for callers that planned already.
 *
 * @throws SimulationOptionError for invalid options (see `resolveSimulationOptions`).
 */
export function simulationTruth(options: SimulationOptions = {}, population: Population = planPopulation(options)): SimulationTruth {
  const o = population.options;
  const start = Date.parse(o.start);
  return {
    type: SIMULATION_TRUTH_TYPE,
    version: 1,
    options: o,
    window: { start: new Date(start).toISOString(), end: new Date(start + o.hours * 3_600_000).toISOString() },
    exchanges: o.exchanges,
    campaigns: population.campaigns.map((c) => ({
      id: c.id, strategy: c.strategy, accounts: c.accounts, exchanges: c.exchanges, proxyPool: c.proxyPool, userAgents: c.userAgents, payments: c.payments, dispatch: c.dispatch,
    })),
    lookalikes: population.lookalikes,
    accounts: population.accounts.map((a) => ({ account: a.name, role: a.role, class: a.class, strategy: a.strategy, campaign: a.cluster, exchanges: a.exchanges, keyId: a.keyId })),
    note:
      'Synthetic benchmark traffic from tracemark traffic simulate. Prompts and answers reuse public-domain text (State of the Union addresses, Moby-Dick); addresses, user agents, payment fingerprints and watermark key ids are synthetic (a key id is a hash of the account name).',
  };
}
