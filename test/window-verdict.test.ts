/**
 * `detect --window` on long real human documents (Moby-Dick chapters and State of the Union
 * addresses): the whole document counts as one of the windows, so each document has one verdict,
 * Bonferroni-corrected over the document and all its windows. Read that way the share of human
 * documents flagged must stay within the binomial bound at α over many keys, both when every
 * document gets a fresh key and when one fixed key screens the whole set in one run. The old
 * reading (flagged when the whole-document test OR the window-corrected best window is
 * significant) is measured alongside and printed; it is not asserted, only the one verdict is.
 */
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { binomialUpperCritical } from '@tracemark/stats';
import { getTokenizer } from '@tracemark/tokenizers';
import { createDetector, generateKey, type ParamOverrides, type SchemeName } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';

const ALPHA = 1e-2;
const LEVEL = 1e-3;
/** Long documents: 1500 tokens and more, each cut at 3000 so the suite takes seconds. */
const MIN_TOKENS = 1500;
const MAX_TOKENS = 3000;
const FRESH_ROUNDS = 3;
const FIXED_KEYS = 8;

const CONFIGS: { scheme: SchemeName; params: ParamOverrides }[] = [
  { scheme: 'kgw', params: { context: 1, seeding: 'lefthash' } },
  { scheme: 'unigram', params: {} },
  { scheme: 'gumbel', params: { context: 4 } },
  { scheme: 'synthid', params: { context: 4, layers: 30 } },
];

let identity: { name: string; vocabSize: number; hash: string };
let documents: Uint32Array[];

beforeAll(async () => {
  const tokenizer = await getTokenizer('o200k_base');
  identity = tokenizer.identity();
  const texts = [...loadBuiltinCorpus('moby-dick'), ...loadBuiltinCorpus('sotu').filter((_, i) => i % 3 === 0)].map((d) => d.text);
  documents = texts.map((t) => tokenizer.encode(t)).filter((t) => t.length >= MIN_TOKENS).map((t) => t.subarray(0, MAX_TOKENS));
});

function keyOf(scheme: SchemeName, params: ParamOverrides, a: number, b: number) {
  const secret = new Uint8Array(32);
  const v = new DataView(secret.buffer);
  v.setUint32(0, a);
  v.setUint32(4, b);
  v.setUint32(8, 0x77696e64);
  return generateKey({ scheme, params, tokenizer: identity, secret, createdAt: new Date(0) });
}

describe('one verdict per document with --window, on long human documents', () => {
  it('has a hundred and more long human documents', () => {
    expect(documents.length).toBeGreaterThanOrEqual(100);
  });

  for (const [c, { scheme, params }] of CONFIGS.entries()) {
    it(`${scheme}: the combined verdict flags within the binomial bound, fresh keys and fixed keys`, () => {
      const D = documents.length;
      const log10Alpha = Math.log10(ALPHA);
      // Fresh key per document: the window statistic alone, no shared-tuple exclusion.
      let combined = 0;
      let either = 0;
      for (let r = 0; r < FRESH_ROUNDS; r++) {
        documents.forEach((doc, i) => {
          const d = createDetector(keyOf(scheme, params, 1000 * c + r, i)).detect(doc, { alpha: ALPHA, window: true }).documents[0]!;
          expect(d.window!.windowsTested).toBeGreaterThan(1);
          if (d.detected) combined++;
          // The old side-by-side reading: the whole document OR the best window (windows only,
          // corrected for them). When the whole document won, the best window's p is no smaller,
          // so that reading flags exactly when the whole document does; otherwise the winning
          // window's corrected p is recomputed for one window fewer.
          const w = d.window!;
          const wholeWon = w.start === 0 && w.end === d.tokens && w.scored === d.scored;
          const windowOnly = w.log10PValue - Math.log10(w.windowsTested) + Math.log10(w.windowsTested - 1);
          if (d.log10PValue < log10Alpha || (!wholeWon && windowOnly < log10Alpha)) either++;
        });
      }
      const tests = FRESH_ROUNDS * D;
      expect(combined).toBeLessThanOrEqual(binomialUpperCritical(tests, ALPHA, LEVEL));
      // One fixed key screening all documents in one run, for several keys (Bonferroni over keys).
      const fixed = Array.from({ length: FIXED_KEYS }, (_, k) =>
        createDetector(keyOf(scheme, params, 9000 + c, k)).detect(documents, { alpha: ALPHA, window: true }).documents.filter((d) => d.detected).length,
      );
      for (const n of fixed) expect(n).toBeLessThanOrEqual(binomialUpperCritical(D, ALPHA, LEVEL / FIXED_KEYS));
      console.log(`${scheme}: ${D} documents; fresh keys ${tests} tests: combined ${combined} (${((100 * combined) / tests).toFixed(2)}%), old either-reading ${either} (${((100 * either) / tests).toFixed(2)}%), bound ${binomialUpperCritical(tests, ALPHA, LEVEL)}; fixed keys flagged ${JSON.stringify(fixed)}, bound ${binomialUpperCritical(D, ALPHA, LEVEL / FIXED_KEYS)}`);
    }, 120_000);
  }
});
