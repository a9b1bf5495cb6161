import { describe, expect, it } from 'vitest';
import { createRng } from '@tracemark/stats';
import { checkSampleOptions, drawIndex, prepareCandidates, samplePlain } from './sampling.ts';

const random = createRng(1);

describe('prepareCandidates', () => {
  const logits = Float32Array.of(0, 3, 1, 2, -1);

  it('keeps the k largest logits and normalises', () => {
    const c = prepareCandidates(null, logits, { topK: 2, random });
    expect(Array.from(c.ids).sort()).toEqual([1, 3]);
    expect(c.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('maps sparse candidates back to their token ids', () => {
    const ids = Uint32Array.of(10, 20, 30, 40, 50);
    const c = prepareCandidates(ids, logits, { topK: 1, random });
    expect(Array.from(c.ids)).toEqual([20]);
  });

  it('applies nucleus truncation after temperature', () => {
    const c = prepareCandidates(null, logits, { topP: 0.5, random });
    expect(Array.from(c.ids)).toEqual([1]);
    const hot = prepareCandidates(null, logits, { topP: 0.5, temperature: 10, random });
    expect(hot.ids.length).toBeGreaterThan(1);
  });

  it('is greedy at temperature 0', () => {
    expect(Array.from(prepareCandidates(null, logits, { temperature: 0, random }).ids)).toEqual([1]);
  });

  it('rejects bad options with the option named', () => {
    expect(() => checkSampleOptions({ temperature: -1, random })).toThrow(/temperature/);
    expect(() => checkSampleOptions({ topK: 1.5, random })).toThrow(/topK/);
    expect(() => checkSampleOptions({ topP: 0, random })).toThrow(/topP/);
  });

  it('draws indices in proportion to probability', () => {
    const probs = Float64Array.of(0.2, 0.5, 0.3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[drawIndex(probs, random())]!++;
    expect(counts[0]! / 30_000).toBeCloseTo(0.2, 1);
    expect(counts[1]! / 30_000).toBeCloseTo(0.5, 1);
  });
});

describe('samplePlain', () => {
  it('is greedy at temperature 0, first maximum on ties, without taking a draw', () => {
    let draws = 0;
    const counted = () => (draws++, 0.99);
    expect(samplePlain(null, Float32Array.of(0, 2, 2, 1), { temperature: 0, random: counted })).toBe(1);
    expect(samplePlain(Uint32Array.of(7, 9), Float64Array.of(-1, -0.1), { temperature: 0, random: counted })).toBe(9);
    expect(draws).toBe(0);
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
      for (let i = 0; i < n; i++) hits[samplePlain(null, logits, { temperature, random })]!++;
      // 4.5 binomial standard deviations at n = 40k is under 0.012.
      hits.forEach((h, i) => expect(Math.abs(h / n - expected[i]!)).toBeLessThan(0.012));
    }
  });

  it('keeps only the nucleus under top-p and never draws -Infinity', () => {
    const logits = Float64Array.of(Math.log(0.2), Math.log(0.5), -Infinity, Math.log(0.3));
    const random = createRng('p');
    const hits = [0, 0, 0, 0];
    for (let i = 0; i < 5000; i++) hits[samplePlain(null, logits, { topP: 0.6, random })]!++;
    expect(hits[0]).toBe(0);
    expect(hits[2]).toBe(0);
    expect(hits[1]! / 5000).toBeGreaterThan(0.55);
    expect(hits[3]! / 5000).toBeGreaterThan(0.3);
  });

  it('makes the draw prepareCandidates and drawIndex make, on the untruncated fast path too', () => {
    const random = createRng('logits');
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 60);
      const ids = Uint32Array.from({ length: n }, (_, i) => 1000 + i);
      const logits = Float32Array.from({ length: n }, () => -10 * random());
      const u = random();
      const options = { temperature: [0.7, 1, 1.5][trial % 3]!, topP: [1, 0.9, 0.5][trial % 3]!, topK: [0, 5][trial % 2]!, random: () => u };
      const c = prepareCandidates(ids, logits, options);
      expect(samplePlain(ids, logits, options)).toBe(c.ids[drawIndex(c.probs, u)]);
    }
  });

  it('rejects empty, all-impossible and mismatched inputs and bad options', () => {
    const random = Math.random;
    expect(() => samplePlain(null, new Float32Array(0), { random })).toThrow(/empty/);
    expect(() => samplePlain(null, Float32Array.of(-Infinity, -Infinity), { random })).toThrow(/finite maximum/);
    expect(() => samplePlain(null, Float32Array.of(-Infinity, Number.NaN), { temperature: 0, random })).toThrow(/finite maximum/);
    expect(() => samplePlain(Uint32Array.of(1), Float32Array.of(1, 2), { random })).toThrow(/differ in length/);
    expect(() => samplePlain(null, Float32Array.of(1), { random, topP: 1.5 })).toThrow(/topP/);
  });
});
