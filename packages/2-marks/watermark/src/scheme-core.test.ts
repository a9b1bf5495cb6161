import { describe, expect, it } from 'vitest';
import { contextRepeats } from './scheme-core.ts';

describe('contextRepeats', () => {
  it('finds an earlier occurrence of the last h tokens', () => {
    expect(contextRepeats(Uint32Array.of(1, 2, 3, 9, 1, 2, 3), 3)).toBe(true);
    expect(contextRepeats(Uint32Array.of(1, 2, 3, 9, 1, 2, 3), 4)).toBe(false);
    expect(contextRepeats(Uint32Array.of(5, 5), 1)).toBe(true);
    expect(contextRepeats(Uint32Array.of(1, 2), 2)).toBe(false);
    expect(contextRepeats(Uint32Array.of(7, 1, 2, 1, 2), 2)).toBe(true);
  });
});
