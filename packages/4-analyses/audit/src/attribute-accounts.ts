/**
 * Which accounts leaked: a lab serves many accounts, each watermarked with a key derived from one
 * master key (`deriveAccountKey`). Given a suspect's outputs, test every account key with the
 * closed-model test and report the accounts whose p-value survives a correction for the number of
 * accounts tested: Holm's step-down over the family, which controls the family-wise error rate
 * under any dependence between the tests (Holm 1979) and is never less powerful than Bonferroni.
 *
 * Two steps, each its own exported function so that a distributed run uses the same code as this
 * one: `scoreAccounts` (per account, independent; score-accounts.ts, where the cost is) and
 * `rankAccounts` (across accounts: Holm, the verdict, the order; rank-accounts.ts).
 */
import { type WatermarkKey } from '@tracemark/watermark';
import { type SuspectOutput } from './closed-model-test.ts';
import { type AttributionResult, rankAccounts } from './rank-accounts.ts';
import { scoreAccounts } from './score-accounts.ts';

export type { AccountResult, AttributionResult } from './rank-accounts.ts';

export function attributeAccounts(
  master: WatermarkKey,
  accounts: readonly string[],
  outputs: readonly SuspectOutput[],
  options: { alpha: number; onProgress?: (done: number, total: number) => void },
): AttributionResult {
  return rankAccounts(scoreAccounts(master, accounts, outputs, options), options.alpha);
}
