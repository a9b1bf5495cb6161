import { samplePlain } from '@tracemark/watermark';
import { describe, expect, it } from 'vitest';
import { createRng } from './rng.ts';
import { sampleFromLogits, sampleIndex } from './sample.ts';

describe('sampleIndex / sampleFromLogits', () => {
  it('is greedy at temperature 0, first maximum on ties', () => {
    expect(sampleIndex(Float32Array.of(0, 2, 2, 1), { temperature: 0, random: () => 0.99 })).toBe(1);
    expect(sampleFromLogits(Uint32Array.of(7, 9), Float64Array.of(-1, -0.1), { temperature: 0, random: Math.random })).toBe(9);
  });

  it('draws in proportion to softmax(logits / temperature)', () => {
    const logits = Float64Array.of(Math.log(0.5), Math.log(0.3), Math.log(0.2));
    for (const [temperature, expected] of [
      [1, [0.5, 0.3, 0.2]],
      [0.5, [25 / 38, 9 / 38, 4 / 38]],
    ] as const) {
      const random = createRng(`t${temperature}`);
      const hits = [0, 0, 0];
      const n = 40_000;
      for (let i = 0; i < n; i++) hits[sampleIndex(logits, { temperature, random })]!++;
      // 4.5 binomial standard deviations at n = 40k is under 0.012.
      hits.forEach((h, i) => expect(Math.abs(h / n - expected[i]!)).toBeLessThan(0.012));
    }
  });

  it('keeps only the nucleus under top-p and never draws -Infinity', () => {
    const logits = Float64Array.of(Math.log(0.2), Math.log(0.5), -Infinity, Math.log(0.3));
    const random = createRng('p');
    const hits = [0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) hits[sampleIndex(logits, { topP: 0.6, random })]!++;
    expect(hits[0]).toBe(0);
    expect(hits[2]).toBe(0);
    expect(hits[1]! / 5000).toBeGreaterThan(0.55);
    expect(hits[3]! / 5000).toBeGreaterThan(0.3);
  });

  it('makes the same draw as the watermark library’s plain sampler', () => {
    const random = createRng('logits');
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 60);
      const ids = Uint32Array.from({ length: n }, (_, i) => 1000 + i);
      const logits = Float32Array.from({ length: n }, () => -10 * random());
      const u = random();
      const options = { temperature: [0, 0.7, 1, 1.5][trial % 4]!, topP: [1, 0.9, 0.5][trial % 3]! };
      expect(sampleFromLogits(ids, logits, { ...options, random: () => u })).toBe(samplePlain(ids, logits, { ...options, random: () => u }));
    }
  });

  it('rejects empty, all-impossible and mismatched inputs', () => {
    const random = Math.random;
    expect(() => sampleIndex(new Float32Array(0), { random })).toThrow(/empty/);
    expect(() => sampleIndex(Float32Array.of(-Infinity, -Infinity), { random })).toThrow(/finite maximum/);
    expect(() => sampleFromLogits(Uint32Array.of(1), Float32Array.of(1, 2), { random })).toThrow(/differ in length/);
    expect(() => sampleIndex(Float32Array.of(1), { random, topP: 1.5 })).toThrow(/topP/);
  });
});
