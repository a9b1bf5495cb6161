import { describe, expect, it } from 'vitest';
import { tinyTokenizer } from './testing.ts';
import { mixSources, type TrainingSource } from './mix-sources.ts';
import { createRng } from '@tracemark/stats';
import { trainNgram } from './train-ngram.ts';

/** `n` documents of random lengths 1 … 200 with token ids in [base, base + 10). */
function documents(seed: string, n: number, base: number): Uint32Array[] {
  const random = createRng(seed);
  return Array.from({ length: n }, () => Uint32Array.from({ length: 1 + Math.floor(random() * 200) }, () => base + Math.floor(random() * 10)));
}

const sum = (docs: readonly Uint32Array[]) => docs.reduce((s, d) => s + d.length, 0);

describe('mixSources', () => {
  const teacher = documents('teacher', 40, 0);
  const human = documents('human', 300, 10);

  it('realises the requested token fractions, taking whole documents and truncating the last', () => {
    for (const f of [0.1, 0.5, 0.9]) {
      const { documents: docs, summary } = mixSources(
        [
          { name: 'teacher', documents: teacher, fraction: f },
          { name: 'human', documents: human, fraction: 1 - f },
        ],
        1,
      );
      const total = summary[0]!.tokens + summary[1]!.tokens;
      const longest = Math.max(...teacher.map((d) => d.length), ...human.map((d) => d.length));
      // Within one document's tokens of the target (in fact within rounding).
      expect(Math.abs(summary[0]!.tokens - f * total)).toBeLessThanOrEqual(longest);
      expect(Math.abs(summary[0]!.tokens - f * total)).toBeLessThanOrEqual(1);
      expect(sum(docs)).toBe(total);
      // The scarcer source is used up: T is as large as the sources allow.
      const binding = summary.some((s) => s.tokens === s.availableTokens);
      expect(binding).toBe(true);
      // Teacher tokens are ids < 10, human ids ≥ 10: count them back from the documents.
      const teacherTokens = docs.reduce((s, d) => s + d.filter((t) => t < 10).length, 0);
      expect(teacherTokens).toBe(summary[0]!.tokens);
    }
  });

  it('leaves out a source with fraction 0', () => {
    const { summary } = mixSources([
      { name: 'teacher', documents: teacher, fraction: 0 },
      { name: 'human', documents: human, fraction: 1 },
    ]);
    expect(summary.map((s) => s.tokens)).toEqual([0, sum(human)]);
  });

  it('is reproducible per seed and shuffles differently for another seed', () => {
    const sources: TrainingSource[] = [
      { name: 'teacher', documents: teacher, fraction: 0.3 },
      { name: 'human', documents: human, fraction: 0.7 },
    ];
    const a = mixSources(sources, 'x').documents;
    const b = mixSources(sources, 'x').documents;
    const c = mixSources(sources, 'y').documents;
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('uses every document when no fractions are given', () => {
    const { documents: docs, summary } = mixSources([{ name: 'teacher', documents: teacher }, { name: 'human', documents: human }]);
    expect(docs.length).toBe(teacher.length + human.length);
    expect(summary.map((s) => s.fraction)).toEqual([null, null]);
    expect(summary[1]!.tokens).toBe(sum(human));
  });

  it('rejects fractions that do not sum to 1, partial or out-of-range fractions, and duplicate names', () => {
    const bad = (sources: TrainingSource[]) => () => mixSources(sources);
    expect(bad([{ name: 'a', documents: teacher, fraction: 0.2 }, { name: 'b', documents: human, fraction: 0.7 }])).toThrow(
      /must sum to 1, got a=0.2, b=0.7/,
    );
    expect(bad([{ name: 'a', documents: teacher, fraction: 0.2 }, { name: 'b', documents: human }])).toThrow(/b=missing/);
    expect(bad([{ name: 'a', documents: teacher, fraction: -0.5 }, { name: 'b', documents: human, fraction: 1.5 }])).toThrow(/\[0, 1\]/);
    expect(bad([{ name: 'a', documents: teacher }, { name: 'a', documents: human }])).toThrow(/unique/);
    expect(bad([{ name: 'a', documents: [], fraction: 0.5 }, { name: 'b', documents: human, fraction: 0.5 }])).toThrow(/no tokens/);
    expect(bad([])).toThrow(RangeError);
    // Decimal rounding is tolerated.
    expect(() => mixSources([0.1, 0.2, 0.7].map((f, i) => ({ name: `s${i}`, documents: human, fraction: f })))).not.toThrow();
  });

  it('records the realised mixture in the trained model', () => {
    const model = trainNgram({
      tokenizer: tinyTokenizer(20),
      order: 2,
      seed: 4,
      sources: [
        { name: 'teacher', documents: teacher, fraction: 0.1 },
        { name: 'human', documents: human, fraction: 0.9 },
      ],
    });
    const [t, h] = model.sources;
    expect(t).toMatchObject({ name: 'teacher', fraction: 0.1 });
    expect(t!.tokens / (t!.tokens + h!.tokens)).toBeCloseTo(0.1, 3);
    expect(model.name).toBe('ngram2:teacher+human');
  });
});
