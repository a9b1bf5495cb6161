import { getTokenizer } from '@tracemark/tokenizers';
import { expect, it } from 'vitest';
import { createDetector } from './_detector-patched.ts';
import { generateKey } from './key.ts';
it('normalizes text inputs and records it', async () => {
  const tokenizer = await getTokenizer('o200k_base');
  const key = generateKey({ scheme: 'kgw', tokenizer: tokenizer.identity(), secret: new Uint8Array(32).fill(1) });
  const d = createDetector(key, { tokenizer });
  const r = d.detect(['The  cаt\u200b sat', 'plain text', tokenizer.encode('The  cat')]);
  expect(r.normalization).toEqual(['invisible', 'homoglyphs', 'nfkc', 'case', 'whitespace']);
  expect(r.documents[0]!.normalized).toEqual(['invisible', 'homoglyphs', 'whitespace']);
  expect(r.documents[0]!.tokens).toBe(tokenizer.encode('The cat sat').length);
  expect(r.documents[1]!.normalized).toBeUndefined();
  expect(r.documents[2]!.tokens).toBe(tokenizer.encode('The  cat').length);
  const off = d.detect('The  cаt\u200b sat', { normalize: false });
  expect(off.normalization).toEqual([]);
  expect(off.documents[0]!.tokens).toBe(tokenizer.encode('The  cаt\u200b sat').length);
  expect(d.detect({ text: 'The cat', prompt: 'Once\u200b upon' }, { normalize: { nfkc: false } }).normalization).toEqual(['invisible', 'homoglyphs', 'case', 'whitespace']);
});
