/**
 * A cluster of accounts tested together: a traffic scan (`tracemark traffic scan`) names groups of
 * coordinated accounts; a campaign spreads its extraction across them, so each account's key may
 * have left too faint a trace in the student to pass a per-account test, while the cluster as a
 * whole left a clear one. One pooled test per cluster sums the per-account statistics of its m
 * account keys (each derived from the master key by `deriveAccountKey`) over the same distinct
 * tuples the per-account attribution scores, plus the per-account attribution itself; the
 * clusters' pooled p-values are Holm-corrected over the clusters tested (Holm 1979).
 *
 * The null is exact. Attribution scores the n distinct (context, token) tuples of the suspect's
 * outputs, prompt tuples excluded; which tuples those are depends on the text only, not on any key
 * (attribute-accounts.ts; KGW self-hash is the exception, below). Under H0 — the suspect's text is
 * independent of every key in the cluster (it never learned from text watermarked with them) — each
 * key's per-tuple scores are iid draws of the scheme's null (Bernoulli(γ′) green indicators,
 * `trialsPerTuple` per tuple, or Exp(1) for the gamma statistics) because the keys are
 * pseudorandom functions of distinct HKDF-derived secrets, and different keys' scores are
 * independent of each other for the same reason. So the pooled score over m keys is a sum of
 * n·m independent null draws: Binomial(n·m·trialsPerTuple, γ′), or Gamma(n·m, 1) (stochastically
 * smaller for schemes whose per-tuple score is only bounded by Exp(1)) — the same `scoreTail` the
 * single-account test uses, with n·m in place of n. For KGW self-hash the tuple set depends on the
 * key, so attribution scores each key on its own n_k tuples; the pooled null is then the sum over
 * keys of independent nulls on n_k tuples each, i.e. `scoreTail` at Σ n_k. The null still holds when
 * the suspect learned from *other* accounts' text: their keys are independent of this cluster's.
 * The clusters must be chosen without looking at the suspect — a scan's flags are a function of
 * the traffic log alone; picking clusters after seeing their pooled p-values would void the Holm
 * correction.
 *
 * The per-account scores come from `attributeAccounts` itself, so the pooled test scores exactly
 * the tuples attribution scores, with whatever kernel attribution uses.
 */
import { holmAdjust, type PValue } from '@tracemark/stats';
import { createSchemeCore, scoreTail, type WatermarkKey } from '@tracemark/watermark';
import { type AccountResult, attributeAccounts, type AttributionResult } from './attribute-accounts.ts';
import { type SuspectOutput } from './closed-model-test.ts';

/** A group of accounts to test together (a traffic-scan cluster). */
export interface AccountCluster {
  readonly id: number;
  readonly accounts: readonly string[];
}

export interface PooledClusterResult extends PValue {
  readonly id: number;
  readonly accounts: string[];
  /** The account keys tested (derived from the master key), in the order of `accounts`. */
  readonly keyIds: string[];
  /** Tuples scored, summed over the cluster's keys (n·m, or Σ n_k for KGW self-hash). */
  readonly scored: number;
  readonly score: number;
  readonly trials: number;
  readonly rate: number;
  /** The rate expected under H0 (γ′ for the binomial statistics, 1 for the gamma ones). */
  readonly expectedRate: number;
  /** Holm-adjusted over every cluster tested. */
  readonly adjusted: PValue;
  readonly detected: boolean;
  /** The cluster's most significant account on its own (raw p-value), for comparison. */
  readonly strongestAccount: { readonly account: string; readonly log10PValue: number };
}

export interface ClusterAttribution {
  readonly clustersTested: number;
  readonly alpha: number;
  readonly correction: 'holm';
  /** Every cluster, in the order given. */
  readonly clusters: PooledClusterResult[];
  /** Per-account attribution over every account of every cluster (Holm over those accounts). */
  readonly accounts: AttributionResult;
}

export function attributeClusters(
  master: WatermarkKey,
  clusters: readonly AccountCluster[],
  outputs: readonly SuspectOutput[],
  options: { alpha: number; onProgress?: (done: number, total: number) => void },
): ClusterAttribution {
  if (clusters.length === 0) throw new RangeError('no clusters to test');
  if (new Set(clusters.map((c) => c.id)).size !== clusters.length) throw new RangeError('cluster ids must be distinct');
  for (const c of clusters) {
    if (c.accounts.length === 0) throw new RangeError(`cluster ${c.id} has no accounts`);
    if (new Set(c.accounts).size !== c.accounts.length) throw new RangeError(`cluster ${c.id} lists an account twice`);
  }
  // Every account once, even if two clusters share one (a scan's clusters are disjoint, but the
  // pooled test does not need them to be).
  const union = [...new Set(clusters.flatMap((c) => c.accounts))];
  const accounts = attributeAccounts(master, union, outputs, options);
  const byName = new Map(accounts.accounts.map((a) => [a.account, a]));
  const core = createSchemeCore(master);
  const raw = clusters.map((c) => pool(core, c, c.accounts.map((name) => byName.get(name)!)));
  const adjusted = holmAdjust(raw.map((r) => r.tail));
  const threshold = Math.log10(options.alpha);
  return {
    clustersTested: clusters.length,
    alpha: options.alpha,
    correction: 'holm',
    clusters: raw.map(({ tail, ...r }, i) => ({
      ...r,
      pValue: tail.pValue,
      log10PValue: tail.log10PValue,
      adjusted: adjusted[i]!,
      detected: adjusted[i]!.log10PValue < threshold,
    })),
    accounts,
  };
}

type Core = ReturnType<typeof createSchemeCore>;

function pool(core: Core, cluster: AccountCluster, members: AccountResult[]) {
  const binomial = core.statistic === 'binomial';
  let scored = 0;
  let score = 0;
  for (const m of members) {
    scored += m.scored;
    score += m.score;
  }
  const trials = binomial ? scored * core.trialsPerTuple : scored;
  const strongest = members.reduce((best, m) => (m.log10PValue < best.log10PValue ? m : best));
  return {
    id: cluster.id,
    accounts: [...cluster.accounts],
    keyIds: members.map((m) => m.keyId),
    scored,
    score,
    trials,
    rate: trials > 0 ? score / trials : 0,
    expectedRate: binomial ? core.nullProbability : 1,
    tail: scoreTail(core, scored, score),
    strongestAccount: { account: strongest.account, log10PValue: strongest.log10PValue },
  };
}

/** An account's statistic from its attribution result (attribution reports score / trials as `rate`). */
