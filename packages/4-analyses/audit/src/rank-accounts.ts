/**
 * The last step of account attribution, shared by the kernel and its reference: Holm's step-down
 * adjustment over every account tested (family-wise error control under any dependence, Holm 1979),
 * the leaked verdict at alpha, and the accounts ordered most significant first.
 */
import { holmAdjust, type PValue } from '@tracemark/stats';

export interface AccountResult extends PValue {
  readonly account: string;
  readonly keyId: string;
  readonly scored: number;
  /** The account's score under its key: a green count (binomial statistics) or a sum of −ln(1−r) (gamma). */
  readonly score: number;
  readonly rate: number;
  /** Holm-adjusted over all accounts tested. */
  readonly adjusted: PValue;
  readonly leaked: boolean;
}

export interface AttributionResult {
  readonly accountsTested: number;
  readonly alpha: number;
  readonly correction: 'holm';
  readonly scored: number;
  /** Every account, most significant first. */
  readonly accounts: AccountResult[];
  /** The accounts whose adjusted p-value is below alpha. */
  readonly leaked: string[];
}

/** One account's raw score and tail before the correction. */
export interface RawAccountScore {
  readonly account: string;
  readonly keyId: string;
  readonly scored: number;
  readonly score: number;
  readonly rate: number;
  readonly tail: PValue;
}

export function rankAccounts(raw: readonly RawAccountScore[], alpha: number): AttributionResult {
  // Checked here too, not only where the scores were computed: scores gathered from several places
  // (audit --redis) must still form one family of distinct accounts for Holm's correction to hold.
  if (raw.length === 0) throw new RangeError('no accounts to test');
  if (new Set(raw.map((r) => r.account)).size !== raw.length) throw new RangeError('account names must be distinct');
  const adjusted = holmAdjust(raw.map((r) => r.tail));
  const threshold = Math.log10(alpha);
  const results: AccountResult[] = raw.map((r, i) => ({
    account: r.account,
    keyId: r.keyId,
    scored: r.scored,
    score: r.score,
    rate: r.rate,
    pValue: r.tail.pValue,
    log10PValue: r.tail.log10PValue,
    adjusted: adjusted[i]!,
    leaked: adjusted[i]!.log10PValue < threshold,
  }));
  results.sort((x, y) => x.log10PValue - y.log10PValue);
  return {
    accountsTested: raw.length,
    alpha,
    correction: 'holm',
    scored: raw[0]?.scored ?? 0,
    accounts: results,
    leaked: results.filter((r) => r.leaked).map((r) => r.account),
  };
}
