import { describe, expect, it } from 'vitest';
import { TupleSet } from './tuple-set.ts';

describe('TupleSet', () => {
  it('adds each 64-bit identity once, across growth', () => {
    const set = new TupleSet(4);
    for (let i = 0; i < 10_000; i++) expect(set.add(i, i * 7)).toBe(true);
    for (let i = 0; i < 10_000; i++) expect(set.add(i, i * 7)).toBe(false);
    expect(set.size).toBe(10_000);
    expect(set.has(5, 35)).toBe(true);
    expect(set.has(5, 36)).toBe(false);
    expect([...set.entries()].length).toBe(10_000);
  });

  it('distinguishes identities that differ in one lane only', () => {
    const set = new TupleSet();
    expect(set.add(1, 2)).toBe(true);
    expect(set.add(2, 1)).toBe(true);
    expect(set.add(0, 0)).toBe(true);
    expect(set.has(0, 0)).toBe(true);
  });
});
