import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth, writes no whitespace and skips undefined members', () => {
    expect(canonicalJson({ b: 1, a: [true, 'x', null], c: undefined })).toBe('{"a":[true,"x",null],"b":1}');
    expect(canonicalJson({ z: { y: 2, x: [{ b: 0, a: -1.5 }] }, 'é': 'q', A: 'Z' })).toBe('{"A":"Z","z":{"x":[{"a":-1.5,"b":0}],"y":2},"é":"q"}');
    expect(canonicalJson('line\n"quoted"')).toBe(JSON.stringify('line\n"quoted"'));
  });

  it('gives the same text for the same value whatever the key order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it('rejects values JSON cannot hold instead of writing null for them', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson([Infinity])).toThrow(/Infinity is not a JSON number/);
    expect(() => canonicalJson([undefined])).toThrow(TypeError);
    expect(() => canonicalJson({ a: 1n })).toThrow(/bigint/);
    expect(() => canonicalJson(() => 1)).toThrow(/function/);
  });
});
