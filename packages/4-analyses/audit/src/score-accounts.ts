/**
 * The per-account half of attribution (attribute-accounts.ts): each account's raw score and exact
 * tail over the suspect's outputs, before any correction across accounts
 * (prepare-account-scoring.ts does the work). Accounts are independent of each other, so a list
 * can be scored in ranges on different machines (`audit --redis`) and the ranges concatenated: the
 * result is the same as scoring the whole list here, number for number. Cost: O(accounts × distinct
 * tuples), see prepare-account-scoring.ts; measured in BENCHMARKS.md (attribution kernel).
 */
import { type WatermarkKey } from '@tracemark/watermark';
import { type SuspectOutput } from './closed-model-test.ts';
import { prepareAccountScoring } from './prepare-account-scoring.ts';
import { type RawAccountScore } from './rank-accounts.ts';

export function scoreAccounts(
  master: WatermarkKey,
  accounts: readonly string[],
  outputs: readonly SuspectOutput[],
  options: { alpha: number; onProgress?: (done: number, total: number) => void },
): RawAccountScore[] {
  if (accounts.length === 0) throw new RangeError('no accounts to test');
  if (new Set(accounts).size !== accounts.length) throw new RangeError('account names must be distinct');
  const score = prepareAccountScoring(master, outputs, options);
  return accounts.map((account, i) => {
    const raw = score(account);
    options.onProgress?.(i + 1, accounts.length);
    return raw;
  });
}
