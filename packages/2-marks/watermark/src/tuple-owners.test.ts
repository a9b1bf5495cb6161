import { describe, expect, it } from 'vitest';
import { REPEAT, SHARED, TupleOwners } from './tuple-owners.ts';

describe('TupleOwners', () => {
  it('reports new, repeated, single-owner and shared tuples, and keeps them through growth', () => {
    const owners = new TupleOwners(4);
    expect(owners.claim(5, 6, 0)).toBe(0);
    expect(owners.claim(5, 6, 0)).toBe(REPEAT); // same document again: a repeat, not shared
    expect(owners.isShared(5, 6)).toBe(false);
    expect(owners.claim(5, 6, 3)).toBe(1); // document 0 held it: now shared
    expect(owners.isShared(5, 6)).toBe(true);
    expect(owners.claim(5, 6, 3)).toBe(REPEAT); // document 3's second sighting changes nothing
    expect(owners.claim(5, 6, 7)).toBe(SHARED);
    expect(owners.claim(5, 6, 7)).toBe(REPEAT);
    for (let t = 0; t < 5000; t++) expect(owners.claim(t, t ^ 0xabc, 8 + (t % 7))).toBe(t === 5 && (5 ^ 0xabc) === 6 ? SHARED : 0);
    expect(owners.size).toBe(5001);
    expect(owners.isShared(5, 6)).toBe(true);
    for (let t = 0; t < 5000; t += 97) expect(owners.claim(t, t ^ 0xabc, 1000)).toBe(8 + (t % 7) + 1);
    for (let t = 0; t < 5000; t += 97) expect(owners.claim(t, t ^ 0xabc, 1000)).toBe(REPEAT);
    expect(owners.isShared(97, 97 ^ 0xabc)).toBe(true);
    expect(owners.isShared(98, 98 ^ 0xabc)).toBe(false);
    expect(owners.claim(0, 0, 1001)).toBe(0);
    expect(owners.claim(1, 0, 1002)).toBe(1002); // the documented (0, 0) → (1, 0) alias: held by document 1001
  });
});
