/**
 * The overall audit verdict from several lines of evidence. The tests of one audit share data (the
 * same suspect, often the same text), so they are combined with Bonferroni — min p × number of
 * tests — which is valid under any dependence. The watermark tests are the only key-backed claim;
 * the verdict says which test carried it.
 */
import { bonferroniCombine, type PValue } from '@tracemark/stats';
import { type AuditTest } from './audit-test.ts';

export interface OverallVerdict extends PValue {
  readonly detected: boolean;
  readonly rule: string;
  readonly statement: string;
  readonly strongest: string | null;
}

export function combineVerdict(tests: readonly AuditTest[], alpha: number): OverallVerdict {
  if (tests.length === 0) {
    return {
      pValue: 1,
      log10PValue: 0,
      detected: false,
      rule: 'no test could be run',
      statement: 'inconclusive: no test could be run with the inputs given',
      strongest: null,
    };
  }
  const combined = bonferroniCombine(tests);
  const strongest = [...tests].sort((a, b) => a.log10PValue - b.log10PValue)[0]!;
  const detected = combined.log10PValue < Math.log10(alpha);
  const rule = `Bonferroni over ${tests.length} test(s): flagged when min p × ${tests.length} < alpha = ${alpha}`;
  const statement = detected
    ? `watermark evidence that the suspect was trained on the teacher's outputs: ${strongest.name} test, combined p = ${formatP(combined.log10PValue)}`
    : `no watermark evidence at alpha = ${alpha} (${tests.map((t) => `${t.name}: ${t.scored} scored`).join('; ')}); this does not show the suspect was not distilled — see each test's detectable effect`;
  return { ...combined, detected, rule, statement, strongest: strongest.name };
}

function formatP(log10: number): string {
  if (log10 > -4) return (10 ** log10).toPrecision(2);
  const e = Math.floor(log10);
  return `${(10 ** (log10 - e)).toFixed(1)}e${e}`;
}
