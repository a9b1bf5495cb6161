/**
 * Test helpers of the audit package. `referenceAttributeAccounts` is account attribution as it was
 * before the typed-array kernel (prepare-attribution-tuples.ts, score-account-tuples.ts): one
 * `SchemeCore.scoreAt` call per key and tuple. It is kept verbatim as the reference the kernel must
 * match to the bit (attribute-accounts.test.ts, test/audit-accounts.test.ts) and as the baseline
 * of bench/audit.ts.
 */
import { holmAdjust, type PValue } from '@tracemark/stats';
import {
  createSchemeCore,
  deriveAccountKey,
  scoreTail,
  type KgwParams,
  TupleSet,
  tupleIdentity,
  type WatermarkKey,
} from '@tracemark/watermark';
import { type AccountResult, type AttributionResult } from './attribute-accounts.ts';
import { closedModelTest, type SuspectOutput } from './closed-model-test.ts';

export function referenceAttributeAccounts(
  master: WatermarkKey,
  accounts: readonly string[],
  outputs: readonly SuspectOutput[],
  options: { alpha: number; onProgress?: (done: number, total: number) => void },
): AttributionResult {
  if (accounts.length === 0) throw new RangeError('no accounts to test');
  if (new Set(accounts).size !== accounts.length) throw new RangeError('account names must be distinct');
  const selfhash = master.scheme === 'kgw' && (master.params as KgwParams).seeding === 'selfhash';
  const raw: { account: string; keyId: string; scored: number; score: number; rate: number; tail: PValue }[] = [];
  if (selfhash) {
    // The self-hash PRF input depends on the key: score each account's corpus afresh.
    accounts.forEach((account, i) => {
      const key = deriveAccountKey(master, account);
      const t = closedModelTest(key, outputs, { alpha: options.alpha });
      raw.push({ account, keyId: key.keyId, scored: t.scored, score: t.score, rate: t.rate, tail: t });
      key.secret.fill(0);
      options.onProgress?.(i + 1, accounts.length);
    });
  } else {
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
  }
  const adjusted = holmAdjust(raw.map((r) => r.tail));
  const threshold = Math.log10(options.alpha);
  const results: AccountResult[] = raw.map((r, i) => ({
    account: r.account,
    keyId: r.keyId,
    scored: r.scored,
    rate: r.rate,
    pValue: r.tail.pValue,
    log10PValue: r.tail.log10PValue,
    adjusted: adjusted[i]!,
    leaked: adjusted[i]!.log10PValue < threshold,
  }));
  results.sort((x, y) => x.log10PValue - y.log10PValue);
  return {
    accountsTested: accounts.length,
    alpha: options.alpha,
    correction: 'holm',
    scored: raw[0]?.scored ?? 0,
    accounts: results,
    leaked: results.filter((r) => r.leaked).map((r) => r.account),
  };
}
