import { getTokenizer } from '@tracemark/tokenizers';
import { describe, expect, it } from 'vitest';
import { IncrementalDecoder } from './incremental-decoder.ts';

describe('IncrementalDecoder', () => {
  it('streams pieces whose concatenation is the full decode, with no broken characters mid-stream', async () => {
    const tokenizer = await getTokenizer('o200k_base');
    for (const text of ['Plain ASCII text, with punctuation.', 'naïve café — “quotes” 日本語のテキスト 🐋🐳 end', '🧑‍🚀 multi-codepoint emoji and ｆｕｌｌ-width']) {
      const ids = tokenizer.encode(text);
      const d = new IncrementalDecoder(tokenizer);
      const pieces = Array.from(ids, (id) => d.push(id));
      pieces.push(d.flush());
      expect(pieces.join('')).toBe(text);
      for (const p of pieces) expect(p).not.toContain('\uFFFD');
    }
  });

  it('flushes an incomplete last character as U+FFFD', async () => {
    const tokenizer = await getTokenizer('o200k_base');
    const ids = tokenizer.encode('🐋'); // two byte-level tokens in o200k_base
    expect(ids.length).toBe(2);
    const d = new IncrementalDecoder(tokenizer);
    expect(d.push(ids[0]!)).toBe('');
    expect(d.flush()).toContain('\uFFFD');
  });
});
