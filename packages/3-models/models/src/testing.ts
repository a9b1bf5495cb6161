/**
 * Test helpers shared by this package's tests (the `./testing` subpath, never the main entry): a
 * tokenizer over a tiny vocabulary for hand-made corpora, and a brute-force interpolated modified
 * Kneser-Ney reference written straight from the formulas with Maps, to check the typed-array
 * implementation against.
 */
import { type Tokenizer, type TokenizerIdentity } from '@tracemark/tokenizers';

/** Ids 0 … size − 1 written as `t<id>` separated by spaces. */
export function tinyTokenizer(size: number, hashDigit = '0'): Tokenizer {
  const identity: TokenizerIdentity = { name: `tiny-${size}`, vocabSize: size, hash: `sha256:${hashDigit.repeat(64)}` };
  return {
    name: identity.name,
    vocabSize: size,
    identity: () => identity,
    encode: (text) => Uint32Array.from(text.split(/\s+/).filter(Boolean).map((w) => Number(w.slice(1)))),
    decode: (ids) => Array.from(ids, (i) => `t${i}`).join(' '),
  };
}

/**
 * P(w | context) for every w, by the textbook recursion over explicit Maps. Conventions match
 * `countNgrams`: documents are padded with order − 1 `bos`; continuation counts below the top
 * order except for contexts starting with bos; discounts per context length from
 * `discounts(k)`.
 */
export function referenceKneserNey(
  documents: readonly number[][],
  order: number,
  vocabSize: number,
  discounts: (k: number) => [number, number, number],
  context: readonly number[],
): Float64Array {
  const bos = vocabSize;
  const key = (h: readonly number[]) => h.join(',');
  // counts[k]: context key (length k) → token → count
  const counts: Map<string, Map<number, number>>[] = Array.from({ length: order }, () => new Map());
  const lefts: Map<string, Map<number, Set<number>>>[] = Array.from({ length: order }, () => new Map());
  for (const doc of documents) {
    const padded = [...Array(order - 1).fill(bos), ...doc];
    for (let i = order - 1; i < padded.length; i++) {
      const w = padded[i]!;
      for (let k = 0; k < order; k++) {
        const h = padded.slice(i - k, i);
        const hk = key(h);
        if (k === order - 1 || (k >= 1 && h[0] === bos)) {
          const m = counts[k]!.get(hk) ?? new Map<number, number>();
          m.set(w, (m.get(w) ?? 0) + 1);
          counts[k]!.set(hk, m);
        } else {
          const m = lefts[k]!.get(hk) ?? new Map<number, Set<number>>();
          const s = m.get(w) ?? new Set<number>();
          s.add(padded[i - k - 1]!);
          m.set(w, s);
          lefts[k]!.set(hk, m);
        }
      }
    }
  }
  for (let k = 0; k < order; k++) {
    for (const [hk, m] of lefts[k]!) {
      const out = counts[k]!.get(hk) ?? new Map<number, number>();
      for (const [w, s] of m) out.set(w, s.size);
      counts[k]!.set(hk, out);
    }
  }
  const padded = [...Array(order - 1).fill(bos), ...context];
  const full = padded.slice(padded.length - (order - 1));
  let p = new Float64Array(vocabSize).fill(1 / vocabSize);
  for (let k = 0; k < order; k++) {
    const m = counts[k]!.get(key(full.slice(full.length - k, full.length).slice(0, k)));
    if (m === undefined) break;
    const [d1, d2, d3] = discounts(k);
    const d = (r: number) => (r === 1 ? d1 : r === 2 ? d2 : d3);
    let total = 0;
    let mass = 0;
    for (const r of m.values()) {
      total += r;
      mass += d(r);
    }
    const gamma = mass / total;
    const next = p.map((x) => gamma * x);
    for (const [w, r] of m) next[w]! += (r - d(r)) / total;
    p = next;
  }
  return p;
}
