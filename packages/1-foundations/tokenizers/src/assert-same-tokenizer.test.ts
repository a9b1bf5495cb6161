import { describe, expect, test } from 'vitest';

import { assertSameTokenizer, TokenizerMismatchError } from './assert-same-tokenizer.ts';
import { type TokenizerIdentity } from './tokenizer.ts';

const o200k: TokenizerIdentity = { name: 'o200k_base', vocabSize: 200_019, hash: `sha256:${'ab12'.repeat(16)}` };
const cl100k: TokenizerIdentity = { name: 'cl100k_base', vocabSize: 100_277, hash: `sha256:${'cd34'.repeat(16)}` };

function mismatch(expected: TokenizerIdentity, actual: TokenizerIdentity): TokenizerMismatchError {
  try {
    assertSameTokenizer(expected, actual, 'key 3f2a');
  } catch (error) {
    if (error instanceof TokenizerMismatchError) return error;
    throw error;
  }
  throw new Error('expected a TokenizerMismatchError');
}

describe('assertSameTokenizer', () => {
  test('passes for the same identity, including a structurally equal copy', () => {
    expect(() => assertSameTokenizer(o200k, o200k, 'key')).not.toThrow();
    expect(() => assertSameTokenizer(o200k, { ...o200k }, 'key')).not.toThrow();
  });

  test('names both tokenizers and both hashes when the vocabularies differ', () => {
    const error = mismatch(o200k, cl100k);
    expect(error.message).toBe('key 3f2a was made for tokenizer o200k_base (sha256:ab12ab12ab12…) but the input uses cl100k_base (sha256:cd34cd34cd34…)');
    expect(error.name).toBe('TokenizerMismatchError');
    expect(error.expected).toBe(o200k);
    expect(error.actual).toBe(cl100k);
  });

  test('tells apart two files with the same name by their hash', () => {
    const a: TokenizerIdentity = { name: 'hf:tokenizer.json', vocabSize: 10, hash: `sha256:${'1'.repeat(64)}` };
    const b: TokenizerIdentity = { ...a, hash: `sha256:${'2'.repeat(64)}` };
    expect(mismatch(a, b).message).toBe(
      'key 3f2a was made for tokenizer hf:tokenizer.json (sha256:111111111111…) but the input uses hf:tokenizer.json (sha256:222222222222…)',
    );
  });

  test('refuses the same vocabulary under another name', () => {
    const renamed = { ...o200k, name: 'hf:tokenizer.json' };
    expect(mismatch(o200k, renamed).message).toBe(
      'key 3f2a was made for tokenizer o200k_base but the input uses hf:tokenizer.json (the same vocabulary, sha256:ab12ab12ab12…, under another name)',
    );
  });

  test('refuses a different vocabulary size under the same name and hash', () => {
    expect(mismatch(o200k, { ...o200k, vocabSize: 200_000 }).message).toBe(
      "key 3f2a was made for tokenizer o200k_base with 200019 ids but the input's o200k_base has 200000 ids",
    );
  });

  test.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'o200k_base'],
    ['a missing hash', { name: 'o200k_base', vocabSize: 200_019 }],
    ['a hash without its algorithm', { ...o200k, hash: 'ab12'.repeat(16) }],
    ['a fractional size', { ...o200k, vocabSize: 1.5 }],
  ])('rejects %s as an identity with a TypeError', (_title, value) => {
    expect(() => assertSameTokenizer(value as unknown as TokenizerIdentity, o200k, 'key')).toThrow(TypeError);
    expect(() => assertSameTokenizer(o200k, value as unknown as TokenizerIdentity, 'key')).toThrow(/actual must be a tokenizer identity/);
  });
});
