import { chiSquareUpperTail, createRng } from '@tracemark/stats';
import { describe, expect, it } from 'vitest';
import { generateKey } from './key.ts';
import { type SchemeName } from './types.ts';
import { createWatermarker } from './watermarker.ts';

const tokenizer = { name: 'synthetic', vocabSize: 1000, hash: 'sha256:synthetic' };
// A fixed next-token distribution with entropy ~1.9 nats over 10 candidates.
const ids = Uint32Array.from([3, 14, 15, 92, 65, 35, 89, 79, 323, 846]);
const logits = Float32Array.from([2.0, 1.5, 1.2, 1.0, 0.7, 0.5, 0.2, 0.0, -0.5, -1.0]);
const probs = (() => {
  const e = Array.from(logits, Math.exp);
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
})();

/** Pearson chi-square p-value of `draws` per-step choices under fresh contexts against `probs`. */
function chiSquareOfChoices(scheme: SchemeName, params: object, draws: number, seed: number, dense: boolean): number {
  const secret = new Uint8Array(32).fill(seed);
  const wm = createWatermarker(generateKey({ scheme, tokenizer, secret, params }));
  const random = createRng(seed);
  const counts = new Map<number, number>();
  const ctx = new Uint32Array(4);
  const full = new Float32Array(1000).fill(-Infinity);
  ids.forEach((id, j) => (full[id] = logits[j]!));
  for (let d = 0; d < draws; d++) {
    // A fresh context each draw: the distribution over keys' pseudo-random values is what is unchanged.
    for (let j = 0; j < 4; j++) ctx[j] = Math.floor(random() * 1000);
    const t = dense ? wm.sample(full, ctx, { random }) : wm.sampleCandidates(ids, logits, ctx, { random });
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  let chi = 0;
  ids.forEach((id, j) => {
    const expected = draws * probs[j]!;
    chi += (((counts.get(id) ?? 0) - expected) ** 2) / expected;
  });
  return chiSquareUpperTail(chi, ids.length - 1).pValue;
}

describe('distortion-free schemes leave the per-step distribution unchanged', () => {
  it('gumbel: 40,000 draws match the model distribution (chi-square)', () => {
    expect(chiSquareOfChoices('gumbel', { context: 4 }, 40_000, 1, false)).toBeGreaterThan(1e-3);
    expect(chiSquareOfChoices('gumbel', { context: 2 }, 5_000, 2, true)).toBeGreaterThan(1e-3);
  });

  it('synthid: 40,000 draws match the model distribution (chi-square)', () => {
    expect(chiSquareOfChoices('synthid', { context: 4, layers: 30 }, 40_000, 3, false)).toBeGreaterThan(1e-3);
    expect(chiSquareOfChoices('synthid', { context: 2, layers: 4 }, 5_000, 4, true)).toBeGreaterThan(1e-3);
  });

  it('the same test does detect the distortion KGW introduces (so it can fail)', () => {
    expect(chiSquareOfChoices('kgw', { context: 4, delta: 2 }, 40_000, 5, false)).toBeLessThan(1e-6);
  });
});
