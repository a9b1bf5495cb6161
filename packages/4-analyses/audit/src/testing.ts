/**
 * Test helpers of the audit package. `referenceAttributeAccounts` is account attribution as it was
 * before the typed-array kernel (prepare-attribution-tuples.ts, score-account-tuples.ts): one
 * `SchemeCore.scoreAt` call per key and tuple. Its tuple collection and scoring are kept as they were, as the reference the kernel must
 * match to the bit (attribute-accounts.test.ts, test/audit-accounts.test.ts, test/gateway-attribution
 * .test.ts). The Holm step (`rankAccounts`) and the KGW self-hash path are shared with the kernel:
 * they did not change.
 */
import {
  createSchemeCore,
  deriveAccountKey,
  scoreTail,
  type KgwParams,
  TupleSet,
  tupleIdentity,
  type WatermarkKey,
} from '@tracemark/watermark';
import { attributeAccounts, type AttributionResult } from './attribute-accounts.ts';
import { type SuspectOutput } from './closed-model-test.ts';
import { rankAccounts, type RawAccountScore } from './rank-accounts.ts';

export function referenceAttributeAccounts(
  master: WatermarkKey,
  accounts: readonly string[],
  outputs: readonly SuspectOutput[],
  options: { alpha: number; onProgress?: (done: number, total: number) => void },
): AttributionResult {
  // Argument checks, and KGW self-hash (scored per account by the closed-model test, no kernel),
  // are attributeAccounts' own: unchanged, not part of what this reference checks.
  if (accounts.length === 0 || (master.scheme === 'kgw' && (master.params as KgwParams).seeding === 'selfhash')) {
    return attributeAccounts(master, accounts, outputs, options);
  }
  const raw: RawAccountScore[] = [];
  const probe = createSchemeCore(master);
  const h = probe.contextWidth;
  const seen = new TupleSet(8192);
  const excluded = new TupleSet(1024);
  const id = new Uint32Array(2);
  for (const o of outputs) {
    const p = o.prompt;
    if (p) for (let i = h; i < p.length; i++) (tupleIdentity(p, i, h, id), excluded.add(id[0]!, id[1]!));
  }
  // Distinct tuples, h + 1 tokens each, in one flat array.
  const flat: number[] = [];
  for (const o of outputs) {
    const p = o.prompt ?? new Uint32Array(0);
    const all = new Uint32Array(p.length + o.tokens.length);
    all.set(p);
    all.set(o.tokens, p.length);
    for (let i = Math.max(p.length, h); i < all.length; i++) {
      tupleIdentity(all, i, h, id);
      if (excluded.has(id[0]!, id[1]!) || !seen.add(id[0]!, id[1]!)) continue;
      for (let j = i - h; j <= i; j++) flat.push(all[j]!);
    }
  }
  const tuples = Uint32Array.from(flat);
  const n = tuples.length / (h + 1);
  accounts.forEach((account, a) => {
    const key = deriveAccountKey(master, account);
    const core = createSchemeCore(key);
    let score = 0;
    for (let t = 0; t < n; t++) score += core.scoreAt(tuples, t * (h + 1) + h, id);
    const tail = scoreTail(core, n, score);
    const trials = core.statistic === 'binomial' ? n * core.trialsPerTuple : n;
    raw.push({ account, keyId: key.keyId, scored: n, score, rate: trials > 0 ? score / trials : 0, tail });
    key.secret.fill(0);
    options.onProgress?.(a + 1, accounts.length);
  });
  return rankAccounts(raw, options.alpha);
}
