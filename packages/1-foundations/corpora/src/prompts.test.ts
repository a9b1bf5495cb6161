import { describe, expect, it } from 'vitest';
import { builtinPrompts } from './prompts.ts';

describe('builtinPrompts', () => {
  it('gives distinct-id, deterministic opening phrases from held-out text', () => {
    const a = builtinPrompts('sotu', 50);
    expect(a.length).toBe(50);
    expect(new Set(a.map((p) => p.id)).size).toBe(50);
    expect(a.every((p) => p.prompt.split(' ').length === 6)).toBe(true);
    expect(builtinPrompts('sotu', 50)).toEqual(a);
    expect(builtinPrompts('moby-dick', 20).length).toBe(20);
  });

  it('rejects a bad count', () => {
    expect(() => builtinPrompts('sotu', 0)).toThrow(RangeError);
  });
});
