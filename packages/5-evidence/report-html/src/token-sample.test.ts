import { type AuditReport } from '@tracemark/audit';
import { describe, expect, it } from 'vitest';
import { agreementScale, tokenClass } from './token-sample.ts';

const withKey = (scheme: string, params: Record<string, unknown>) => ({ key: { scheme, params }, tests: [] }) as unknown as AuditReport;

describe('token colours on one scale per scheme', () => {
  it('kgw: score 1 is green, 0 is red, null is unscored', () => {
    const s = agreementScale(withKey('kgw', { gamma: 0.25, context: 1 }));
    expect(s.chance).toBe(0.25);
    expect(tokenClass(1, s)).toBe('g3');
    expect(tokenClass(0, s)).toBe('r3');
    expect(tokenClass(null, s)).toBe('u');
    expect(tokenClass(Number.NaN, s)).toBe('u');
  });

  it('synthid: the share of layers won against one half', () => {
    const s = agreementScale(withKey('synthid', { layers: 30 }));
    expect(tokenClass(30, s)).toBe('g3');
    expect(tokenClass(18, s)).toBe('g1');
    expect(tokenClass(15, s)).toBe('r1');
    expect(tokenClass(0, s)).toBe('r3');
  });

  it('gumbel: an Exp(1) score through its CDF, against the median', () => {
    const s = agreementScale(withKey('gumbel', { context: 1 }));
    expect(tokenClass(Math.LN2 + 0.01, s)).toBe('g1');
    expect(tokenClass(Math.LN2 - 0.01, s)).toBe('r1');
    expect(tokenClass(6, s)).toBe('g3');
  });
});
