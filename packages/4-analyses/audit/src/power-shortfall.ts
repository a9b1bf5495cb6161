/**
 * The power requirement of `audit --target-effect x`: when the audit detected nothing, was every
 * exact test able to detect a rate increase of at least x (at the power of `MDE_POWER`)? Returns
 * the first test that could not — the caller then reports "too little text" (exit 4) — or
 * undefined when the requirement holds, was not asked for, or the suspect was detected anyway.
 * Only when *every* exact test is too weak is the audit underpowered: one strong test suffices.
 */
import { type AuditReport } from './audit-report.ts';
import { type AuditTest } from './audit-test.ts';

export function powerShortfall(report: AuditReport, targetEffect: number | undefined): AuditTest | undefined {
  if (targetEffect === undefined || report.verdict.detected) return undefined;
  const exact = report.tests.filter((t) => t.minimumDetectableRate !== null);
  const weak = exact.filter((t) => t.minimumDetectableRate! - t.expectedRate > targetEffect);
  return weak.length === exact.length && weak.length > 0 ? weak[0] : undefined;
}
