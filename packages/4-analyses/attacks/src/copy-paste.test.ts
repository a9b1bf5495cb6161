import { describe, expect, it } from 'vitest';
import { segmentWords } from './_attack-kit.ts';
import { copyPaste } from './copy-paste.ts';
import { humanText } from './testing.ts';

const watermarked = humanText(8).slice(0, 1500);
const human = humanText(9);

describe('copyPaste', () => {
  for (const fraction of [0.1, 0.25, 0.5]) {
    it(`makes ${fraction * 100}% of the document watermarked spans`, () => {
      const r = copyPaste(watermarked, human, fraction, 1, { spans: 3 });
      const total = segmentWords(r.text).words.length;
      const inSpans = r.stats.spans.reduce((s, [a, b]) => s + segmentWords(r.text.slice(a, b)).words.length, 0);
      expect(r.stats.spans).toHaveLength(3);
      expect(inSpans).toBe(r.stats.watermarkedWords);
      expect(total).toBe(r.stats.total);
      expect(Math.abs(inSpans / total - fraction)).toBeLessThan(0.01);
      for (const [a, b] of r.stats.spans) expect(watermarked).toContain(r.text.slice(a, b));
      // Everything outside the spans is human text.
      let rest = r.text;
      for (const [a, b] of [...r.stats.spans].reverse()) rest = rest.slice(0, a) + '\u0000' + rest.slice(b);
      for (const piece of rest.split('\u0000').map((p) => p.trim()).filter((p) => p !== '')) expect(human).toContain(piece);
    });
  }

  it('uses part of the watermarked text when the human text is short, and is deterministic', () => {
    const r = copyPaste(watermarked, 'just a few human words here', 0.5, 2);
    expect(r.stats.humanWords).toBe(6);
    expect(r.stats.watermarkedWords).toBe(6);
    expect(copyPaste(watermarked, human, 0.2, 'a')).toEqual(copyPaste(watermarked, human, 0.2, 'a'));
    expect(copyPaste(watermarked, human, 1, 0).text).toBe(watermarked);
    expect(() => copyPaste(watermarked, human, 0, 0)).toThrow(/copy-paste: fraction must be a number in \(0, 1\]/);
    expect(() => copyPaste(watermarked, '', 0.5, 0)).toThrow(/human text has no words/);
  });
});
