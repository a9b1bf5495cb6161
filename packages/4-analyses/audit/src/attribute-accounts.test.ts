/**
 * The typed-array attribution kernel must give exactly the reference's results: every account's
 * score, p-value, log10 p-value and Holm-adjusted value, compared with Object.is (to the bit), on
 * random corpora for every scheme and parameter shape, with prompts (teacher-forced tuples
 * excluded), repeated tuples, shared contexts, and watermarked outputs from some accounts so the
 * tails are deep as well as null.
 */
import { deriveAccountKey, generateKey, type ParamOverrides, type SchemeName, type WatermarkKey, createSchemeCore } from '@tracemark/watermark';
import { describe, expect, it } from 'vitest';
import { attributeAccounts } from './attribute-accounts.ts';
import { type SuspectOutput } from './closed-model-test.ts';
import { prepareAttributionTuples } from './prepare-attribution-tuples.ts';
import { rankAccounts } from './rank-accounts.ts';
import { scoreAccounts } from './score-accounts.ts';
import { referenceAttributeAccounts } from './testing.ts';

/** xorshift32 in [0, 1): deterministic corpora. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function masterKey(scheme: SchemeName, params: ParamOverrides, seed: number): WatermarkKey {
  const secret = new Uint8Array(32).map((_, i) => (seed * 31 + i * 7) & 255);
  return generateKey({ scheme, params, tokenizer: { name: 'test', vocabSize: 64, hash: 'test' }, secret, createdAt: new Date(0) });
}

/** Outputs over a small vocabulary (many repeated tuples and contexts); `marked` accounts' outputs are watermarked. */
function corpus(master: WatermarkKey, marked: readonly string[], seed: number, docs: number, length: number, vocab: number): SuspectOutput[] {
  const random = rng(seed);
  const out: SuspectOutput[] = [];
  for (let d = 0; d < docs; d++) {
    const account = marked.length > 0 && d % 2 === 0 ? marked[d % marked.length] : undefined;
    const core = account ? createSchemeCore(deriveAccountKey(master, account)) : null;
    const promptLength = d % 3 === 0 ? 0 : 1 + Math.floor(random() * 6);
    const prompt = Uint32Array.from({ length: promptLength }, () => Math.floor(random() * vocab));
    const tokens: number[] = [];
    for (let i = 0; i < length; i++) {
      const context = Uint32Array.from([...prompt, ...tokens]);
      const logits = Float32Array.from({ length: vocab }, () => random() * 3);
      tokens.push(core ? core.sample(logits, context, { temperature: 1, random }) : Math.floor(random() * vocab));
    }
    out.push(promptLength > 0 ? { prompt, tokens: Uint32Array.from(tokens) } : { tokens: Uint32Array.from(tokens) });
  }
  return out;
}

const ACCOUNTS = Array.from({ length: 24 }, (_, i) => `acct-${i}`);

const CASES: { scheme: SchemeName; params: ParamOverrides }[] = [
  { scheme: 'kgw', params: { context: 1 } },
  { scheme: 'kgw', params: { context: 2, gamma: 0.5 } },
  { scheme: 'kgw', params: { context: 3, gamma: 0.1 } },
  { scheme: 'kgw', params: { context: 1, seeding: 'selfhash' } },
  { scheme: 'synthid', params: { context: 4, layers: 30 } },
  { scheme: 'synthid', params: { context: 1, layers: 32 } },
  { scheme: 'gumbel', params: { context: 4 } },
  { scheme: 'gumbel', params: { context: 1 } },
  { scheme: 'unigram', params: {} },
];

describe('attributeAccounts (typed-array kernel) equals the reference to the bit', () => {
  CASES.forEach(({ scheme, params }, c) => {
    it(`${scheme} ${JSON.stringify(params)}`, () => {
      for (const [seed, vocab] of [[c + 1, 64], [c + 101, 6]] as const) {
        const master = masterKey(scheme, params, seed);
        const outputs = corpus(master, ['acct-3', 'acct-17'], seed, 12, 60, vocab);
        const got = attributeAccounts(master, ACCOUNTS, outputs, { alpha: 1e-3 });
        const want = referenceAttributeAccounts(master, ACCOUNTS, outputs, { alpha: 1e-3 });
        expect(got.scored).toBe(want.scored);
        expect(got.leaked).toEqual(want.leaked);
        expect(got.accounts.map((a) => a.account)).toEqual(want.accounts.map((a) => a.account));
        got.accounts.forEach((a, i) => {
          const w = want.accounts[i]!;
          for (const [x, y] of [
            [a.pValue, w.pValue],
            [a.log10PValue, w.log10PValue],
            [a.rate, w.rate],
            [a.adjusted.pValue, w.adjusted.pValue],
            [a.adjusted.log10PValue, w.adjusted.log10PValue],
          ] as const) {
            expect(Object.is(x, y), `${a.account}: ${x} vs ${y}`).toBe(true);
          }
        });
        if (vocab === 64 && scheme !== 'unigram') expect(got.accounts[0]!.log10PValue).toBeLessThan(-3);
      }
    });
  });
});

describe('scoreAccounts in ranges, concatenated and ranked, is attributeAccounts (audit --redis relies on it)', () => {
  for (const { scheme, params } of [CASES[0]!, CASES[3]!, CASES[4]!]) {
    it(`${scheme} ${JSON.stringify(params)}`, () => {
      const master = masterKey(scheme, params, 7);
      const outputs = corpus(master, ['acct-5', 'acct-20'], 7, 10, 50, 64);
      const whole = attributeAccounts(master, ACCOUNTS, outputs, { alpha: 1e-3 });
      // Uneven ranges, scored independently, each with its own key-independent preparation.
      const cuts = [0, 5, 6, 17, ACCOUNTS.length];
      const raw = cuts.slice(1).flatMap((end, i) => scoreAccounts(master, ACCOUNTS.slice(cuts[i], end), outputs, { alpha: 1e-3 }));
      const pieced = rankAccounts(raw, 1e-3);
      // toEqual tells 0 from -0 and compares every double exactly.
      expect(pieced).toEqual(whole);
      expect(whole.leaked.length).toBeGreaterThan(0);
    });
  }
  it('refuses a family with a repeated account', () => {
    const master = masterKey('kgw', {}, 3);
    const outputs = corpus(master, [], 3, 2, 20, 64);
    const raw = scoreAccounts(master, ['a', 'b'], outputs, { alpha: 1e-3 });
    expect(() => rankAccounts([...raw, raw[0]!], 1e-3)).toThrow(/distinct/);
  });
});

describe('prepareAttributionTuples', () => {
  it('groups tuples by context and excludes prompt tuples', () => {
    const outputs = [
      { prompt: Uint32Array.of(1, 2), tokens: Uint32Array.of(3, 1, 2, 5) },
      { tokens: Uint32Array.of(1, 2, 3, 1, 2, 6) },
    ];
    const t = prepareAttributionTuples(outputs, 1);
    // Tuples in first-occurrence order: (2,3) (3,1) (2,5) [(1,2) is a prompt tuple] then (2,6).
    expect(Array.from(t.flat())).toEqual([2, 3, 3, 1, 2, 5, 2, 6]);
    expect(t.contexts).toBe(2);
    expect(Array.from(t.ctxStart)).toEqual([0, 3, 4]);
  });
});
