/**
 * One committed key, many documents that share boilerplate (issue 12, the cardinal sin). The corpus
 * is real: the TypeScript compiler's own lib.*.d.ts files (node_modules/typescript/lib), each of
 * which opens with the same Microsoft Apache-2.0 licence header, many of them little more than it.
 *
 * A p-value is exact over the draw of a key, but a lab screens many documents with one key. Under
 * the old per-document method (each document scored on all its own distinct tuples) the shared
 * header's tuples are green or not together for all files, so under an unlucky key dozens of files
 * are flagged at once. This test searches KEYS keys per scheme for the worst ones under the old
 * method, shows that their flagged counts break the binomial bound (the trap exists), then runs
 * the real detector (per-document tests on tuples no other document holds) on those worst keys and
 * on others, and requires every key's flagged count to stay within the binomial bound for D
 * documents at α. The bound is Bonferroni'd over every key checked, so the test fails by chance
 * with probability ≤ LEVEL.
 */
import { binomialUpperCritical } from '@tracemark/stats';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { createDetector, createSchemeCore, generateKey, type ParamOverrides, type SchemeName, scoreTail, TupleSet, tupleIdentity, type WatermarkKey } from '@tracemark/watermark';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const LIB = fileURLToPath(new URL('../node_modules/typescript/lib', import.meta.url));
/** Files up to 16 KB: 80+ real files, ≈35k tokens, so 200 keys per scheme take seconds. */
const MAX_BYTES = 16_000;
const KEYS = 200;
/** Keys run through the real detector per scheme: the WORST under the old method, then the first OTHERS. */
const WORST = 10;
const OTHERS = 30;
const ALPHAS = [1e-2, 1e-3] as const;
const LEVEL = 1e-3;

const CONFIGS: { scheme: SchemeName; params: ParamOverrides }[] = [
  { scheme: 'kgw', params: { context: 1, seeding: 'lefthash' } },
  { scheme: 'kgw', params: { context: 4, seeding: 'selfhash' } },
  { scheme: 'unigram', params: {} },
  { scheme: 'synthid', params: { context: 4, layers: 30 } },
];

let tokenizer: Tokenizer;
let files: string[];
let docs: Uint32Array[];

beforeAll(async () => {
  tokenizer = await getTokenizer('o200k_base');
  files = readdirSync(LIB).filter((f) => /^lib\..*\.d\.ts$/.test(f) && statSync(join(LIB, f)).size <= MAX_BYTES).sort();
  docs = files.map((f) => tokenizer.encode(readFileSync(join(LIB, f), 'utf8')));
});

function keyOf(scheme: SchemeName, params: ParamOverrides, k: number): WatermarkKey {
  const secret = new Uint8Array(32);
  new DataView(secret.buffer).setUint32(0, k + 1);
  secret[30] = 0x12;
  return generateKey({ scheme, params, tokenizer: tokenizer.identity(), secret, createdAt: new Date(0) });
}

/**
 * The corpus's distinct (context, token) tuples, one representative position each, and for every
 * document the list of its own distinct tuples: scoring a key then costs one PRF call per distinct
 * tuple of the corpus instead of one per token.
 */
function groupTuples(h: number): { at: [number, number][]; perDoc: Uint32Array[] } {
  const at: [number, number][] = [];
  const index = new Map<string, number>();
  const id = new Uint32Array(2);
  const perDoc = docs.map((d, di) => {
    const mine = new Set<number>();
    for (let i = h; i < d.length; i++) {
      tupleIdentity(d, i, h, id);
      const name = `${id[0]}:${id[1]}`;
      let u = index.get(name);
      if (u === undefined) index.set(name, (u = at.push([di, i]) - 1));
      mine.add(u);
    }
    return Uint32Array.from(mine);
  });
  return { at, perDoc };
}

/**
 * The old method, by hand: each document scored alone on its own distinct tuples (dedup on the
 * identity the scheme reports; for self-hash it is keyed and coarser than the unkeyed grouping).
 * Returns each document's log10 p-value.
 */
function oldMethod(key: WatermarkKey, groups: ReturnType<typeof groupTuples>): Float64Array {
  const core = createSchemeCore(key);
  const id = new Uint32Array(2);
  const score = new Float64Array(groups.at.length);
  const lo = new Uint32Array(groups.at.length);
  const hi = new Uint32Array(groups.at.length);
  groups.at.forEach(([di, i], u) => {
    score[u] = core.scoreAt(docs[di]!, i, id);
    lo[u] = id[0]!;
    hi[u] = id[1]!;
  });
  return Float64Array.from(groups.perDoc, (list) => {
    const seen = new TupleSet(list.length);
    let n = 0;
    let s = 0;
    for (const u of list) if (seen.add(lo[u]!, hi[u]!)) (n++, (s += score[u]!));
    return scoreTail(core, n, s).log10PValue;
  });
}

const flagged = (log10s: ArrayLike<number>, alpha: number) => Array.from(log10s).filter((l) => l < Math.log10(alpha)).length;

describe('one committed key, real files sharing a licence header', () => {
  it('the corpus is what the test claims: 80+ real files, nearly all opening with the same Apache header', () => {
    expect(docs.length).toBeGreaterThanOrEqual(80);
    const header = 'Licensed under the Apache License, Version 2.0';
    expect(files.filter((f) => readFileSync(join(LIB, f), 'utf8').includes(header)).length).toBeGreaterThanOrEqual(docs.length - 2);
  });

  for (const { scheme, params } of CONFIGS) {
    const name = `${scheme} ${JSON.stringify(params)}`;
    it(`${name}: the worst of ${KEYS} keys flags far more than α·D under the old method, within the bound under the new`, () => {
      const D = docs.length;
      const checked = CONFIGS.length * (WORST + OTHERS);
      const bound = (alpha: number) => binomialUpperCritical(D, alpha, LEVEL / checked);
      const groups = groupTuples(createSchemeCore(keyOf(scheme, params, 0)).contextWidth);
      const old = Array.from({ length: KEYS }, (_, k) => oldMethod(keyOf(scheme, params, k), groups));
      const byOld = [...old.keys()].sort((a, b) => flagged(old[b]!, ALPHAS[0]) - flagged(old[a]!, ALPHAS[0]));
      const worst = byOld.slice(0, WORST);
      const others = [...old.keys()].filter((k) => !worst.includes(k)).slice(0, OTHERS);

      // The hand-made old method is the detector's result for each document scored on its own.
      const probe = keyOf(scheme, params, worst[0]!);
      for (const d of [0, 7, D - 1]) expect(createDetector(probe).detect([docs[d]!]).documents[0]!.log10PValue).toBeCloseTo(old[worst[0]!]![d]!, 9);

      const report: Record<string, unknown> = { documents: D, keysSearched: KEYS };
      for (const alpha of ALPHAS) {
        const oldCounts = old.map((l) => flagged(l, alpha));
        const newCounts = [...worst, ...others].map((k) => {
          const r = createDetector(keyOf(scheme, params, k)).detect(docs, { alpha });
          return r.documents.filter((d) => d.detected).length;
        });
        report[`alpha ${alpha}`] = {
          bound: bound(alpha),
          oldMaxOverKeys: Math.max(...oldCounts),
          oldMeanOverKeys: oldCounts.reduce((a, b) => a + b, 0) / KEYS,
          newOnWorstKeys: newCounts.slice(0, WORST),
          newMaxOverKeysChecked: Math.max(...newCounts),
        };
        for (const c of newCounts) expect(c).toBeLessThanOrEqual(bound(alpha));
      }
      console.log(`${name}: ${JSON.stringify(report)}`);
      // The trap exists: under the old method the worst key's count breaks the same bound.
      expect(Math.max(...old.map((l) => flagged(l, ALPHAS[0])))).toBeGreaterThan(bound(ALPHAS[0]));
    }, 120_000);
  }
});
