/**
 * The overall audit verdict from several lines of evidence. The tests of one audit share data (the
 * same suspect, often the same text), so they are combined with Bonferroni — min p × number of
 * tests — which is valid under any dependence. The watermark tests are the only key-backed claim:
 * the statement says whether the verdict rests on them or only on behavioural fingerprints (whose
 * p-values mean "closer to the teacher than this reference panel", not "trained on the teacher").
 */
import { bonferroniCombine, formatPValue, type PValue } from '@tracemark/stats';
import { type AuditTest } from './audit-test.ts';

/** One behavioural line of evidence (from @tracemark/fingerprint), with its p-value. */
export interface BehaviourLine extends PValue {
  readonly name: string;
}

export interface BehaviourEvidence {
  readonly lines: readonly BehaviourLine[];
  readonly verdict: 'detected' | 'not-detected' | 'inconclusive';
  readonly reasons: readonly string[];
}

export interface OverallVerdict extends PValue {
  readonly detected: boolean;
  /** What carried the verdict: the key-backed watermark tests, behaviour only, or nothing. */
  readonly basis: 'watermark' | 'behaviour' | 'none';
  readonly rule: string;
  readonly statement: string;
  readonly strongest: string | null;
  /** The watermark tests alone, combined: the key-backed claim, always shown. */
  readonly watermark: PValue & { readonly detected: boolean; readonly tests: number };
}

export function combineVerdict(tests: readonly AuditTest[], alpha: number, behaviour?: BehaviourEvidence): OverallVerdict {
  const threshold = Math.log10(alpha);
  const wm = tests.length > 0 ? bonferroniCombine(tests) : { pValue: 1, log10PValue: 0 };
  const watermark = { ...wm, detected: wm.log10PValue < threshold, tests: tests.length };
  const named: { name: string; p: PValue }[] = [...tests.map((t) => ({ name: t.name, p: t as PValue })), ...(behaviour?.lines ?? []).map((l) => ({ name: `fingerprint-${l.name}`, p: l as PValue }))];
  if (named.length === 0) {
    return { pValue: 1, log10PValue: 0, detected: false, basis: 'none', rule: 'no test could be run', statement: 'inconclusive: no test could be run with the inputs given', strongest: null, watermark };
  }
  const combined = bonferroniCombine(named.map((n) => n.p));
  const strongest = [...named].sort((a, b) => a.p.log10PValue - b.p.log10PValue)[0]!;
  const detected = combined.log10PValue < threshold;
  const rule = `Bonferroni over ${named.length} test(s) (valid under any dependence): flagged when min p × ${named.length} < alpha = ${alpha}`;
  let statement: string;
  let basis: OverallVerdict['basis'] = 'none';
  if (detected && watermark.detected) {
    basis = 'watermark';
    statement = `watermark evidence that the suspect was trained on the teacher's outputs: ${strongest.name} test, combined p = ${formatPValue(combined.log10PValue, 'e')}`;
  } else if (detected) {
    basis = 'behaviour';
    statement = `behavioural evidence only: the suspect is closer to the teacher than the reference panel (${strongest.name}, combined p = ${formatPValue(combined.log10PValue, 'e')}); the watermark tests found no evidence, so this is not a key-backed claim`;
  } else {
    const parts = [...tests.map((t) => `${t.name}: ${t.scored} scored`), ...(behaviour ? [`fingerprint: ${behaviour.verdict}`] : [])];
    statement = `no evidence at alpha = ${alpha} (${parts.join('; ')}); this does not show the suspect was not distilled — see each test's detectable effect`;
    if (behaviour?.verdict === 'inconclusive') statement += `; the fingerprint analysis was inconclusive: ${behaviour.reasons.join('; ')}`;
  }
  return { ...combined, detected, basis, rule, statement, strongest: strongest.name, watermark };
}
