import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './sha256-hex.ts';

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 example digests', () => {
    // FIPS 180-4 / NIST CSRC example values for "abc" and the empty message.
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes a string as its UTF-8 bytes, the same as node:crypto', () => {
    for (const text of ['', 'tracemark', 'naïve ✓ 𝔘', '{"a":1}\n']) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      expect(sha256Hex(new TextEncoder().encode(text))).toBe(sha256Hex(text));
    }
  });

  it('rejects other argument types by name', () => {
    expect(() => sha256Hex(42 as unknown as string)).toThrow(/sha256Hex: data must be a string or a Uint8Array, got number/);
    expect(() => sha256Hex(null as unknown as string)).toThrow(/got null/);
  });
});
