import { createHash } from 'node:crypto';

import { describe, expect, test } from 'vitest';

import { createRng } from '@tracemark/stats';
import { vocabularyHash } from './vocabulary-hash.ts';

/** The layout documented in vocabulary-hash.ts, written the obvious way with node:crypto. */
function referenceHash(tokens: ReadonlyArray<string | Uint8Array | null>): string {
  const hash = createHash('sha256').update('tracemark.vocabulary.v1\u0000');
  for (const token of tokens) {
    const length = Buffer.alloc(4);
    if (token === null) {
      length.writeUInt32BE(0xffff_ffff);
      hash.update(length);
    } else {
      const bytes = typeof token === 'string' ? Buffer.from(token, 'utf8') : token;
      length.writeUInt32BE(bytes.length);
      hash.update(length).update(bytes);
    }
  }
  return `sha256:${hash.digest('hex')}`;
}

describe('vocabularyHash', () => {
  test('follows the documented byte layout', () => {
    const tokens = ['a', new Uint8Array([0xff, 0x00]), null, '', 'héllo 👋'];
    expect(vocabularyHash(tokens)).toBe(referenceHash(tokens));
    expect(vocabularyHash([])).toBe(referenceHash([]));
    expect(vocabularyHash(['a'])).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('matches the reference on random vocabularies, including tokens larger than the 64 KiB scratch block', () => {
    const random = createRng(7);
    const alphabet = ['a', 'Ġ', 'é', '中', '👍', ' ', '\u0000'];
    for (let round = 0; round < 20; round++) {
      const tokens: Array<string | Uint8Array | null> = [];
      const count = 1 + Math.floor(random() * 3000);
      for (let i = 0; i < count; i++) {
        const kind = random();
        const length = random() < 0.01 ? 30_000 + Math.floor(random() * 50_000) : Math.floor(random() * 12);
        if (kind < 0.1) {
          tokens.push(null);
        } else if (kind < 0.55) {
          tokens.push(Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
        } else {
          tokens.push(Uint8Array.from({ length }, () => Math.floor(random() * 256)));
        }
      }
      expect(vocabularyHash(tokens)).toBe(referenceHash(tokens));
    }
  });

  test('the length prefixes keep different vocabularies apart', () => {
    const distinct = [
      vocabularyHash(['ab', 'c']),
      vocabularyHash(['a', 'bc']),
      vocabularyHash(['abc']),
      vocabularyHash(['abc', null]),
      vocabularyHash(['abc', '']),
      vocabularyHash([null, 'abc']),
    ];
    expect(new Set(distinct).size).toBe(distinct.length);
  });

  test('a string and its UTF-8 bytes are the same token', () => {
    expect(vocabularyHash(['é'])).toBe(vocabularyHash([new Uint8Array([0xc3, 0xa9])]));
  });

  test('accepts any iterable, not only arrays', () => {
    function* tokens(): Generator<string | null> {
      yield 'x';
      yield null;
    }
    expect(vocabularyHash(tokens())).toBe(vocabularyHash(['x', null]));
  });

  test('rejects an item that is not a token, naming its id', () => {
    expect(() => vocabularyHash(['a', 42 as unknown as string])).toThrow(/token 1 must be a string, a Uint8Array or null/);
  });
});
