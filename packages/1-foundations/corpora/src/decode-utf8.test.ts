import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from './decode-utf8.ts';

const bytes = (...xs: number[]) => Uint8Array.from(xs);

describe('decodeUtf8', () => {
  it('decodes UTF-8 and drops a byte-order mark', () => {
    expect(decodeUtf8(new TextEncoder().encode('héllo — 𝄞'), 'a.txt')).toBe('héllo — 𝄞');
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x68), 'a.txt')).toBe('h');
  });

  it.each([
    ['a stray continuation byte', bytes(0x68, 0x69, 0x80, 0x41), 2],
    ['0xff', bytes(0x41, 0xff), 1],
    ['a lead byte followed by ASCII', bytes(0x41, 0x42, 0xe0, 0xa4, 0x41), 2],
    ['a truncated last character', bytes(0x41, 0xe2, 0x82), 1],
    ['an overlong slash', bytes(0x41, 0xc0, 0xaf), 1],
    ['a UTF-16 surrogate', bytes(0x41, 0x42, 0x43, 0xed, 0xa0, 0x80), 3],
  ])('names the byte offset of %s', (_, input, offset) => {
    expect(() => decodeUtf8(input, 'x.txt')).toThrow(`x.txt: invalid UTF-8 at byte ${offset} `);
    expect(() => decodeUtf8(input, 'x.jsonl', { offset: 1000, line: 7 })).toThrow(`x.jsonl:7: invalid UTF-8 at byte ${1000 + offset} `);
  });

  it('rejects 1 MB of random bytes early in the file', () => {
    const random = new Uint8Array(1 << 20);
    let x = 12345;
    for (let i = 0; i < random.length; i++) random[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    expect(() => decodeUtf8(random, 'r.bin')).toThrow(/r\.bin: invalid UTF-8 at byte \d{1,2} /);
  });
});
