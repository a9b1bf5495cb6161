import { describe, expect, it } from 'vitest';
import { SHARED, TupleOwners } from './tuple-owners.ts';

describe('TupleOwners', () => {
  it('reports new, single-owner and shared tuples, and keeps them through growth', () => {
    const owners = new TupleOwners(4);
    expect(owners.claim(5, 6, 0)).toBe(0);
    expect(owners.claim(5, 6, 0)).toBe(1); // same document again: not shared
    expect(owners.isShared(5, 6)).toBe(false);
    expect(owners.claim(5, 6, 3)).toBe(1); // document 0 held it: now shared
    expect(owners.isShared(5, 6)).toBe(true);
    expect(owners.claim(5, 6, 7)).toBe(SHARED);
    for (let t = 0; t < 5000; t++) expect(owners.claim(t, t ^ 0xabc, t % 7)).toBe(t === 5 && (5 ^ 0xabc) === 6 ? 1 : 0);
    expect(owners.size).toBe(5001);
    expect(owners.isShared(5, 6)).toBe(true);
    for (let t = 0; t < 5000; t += 97) expect(owners.claim(t, t ^ 0xabc, 1000)).toBe((t % 7) + 1);
    expect(owners.isShared(97, 97 ^ 0xabc)).toBe(true);
    expect(owners.isShared(98, 98 ^ 0xabc)).toBe(false);
    expect(owners.claim(0, 0, 2)).toBe(0);
    expect(owners.claim(1, 0, 4)).toBe(3); // the documented (0, 0) → (1, 0) alias
  });
});
