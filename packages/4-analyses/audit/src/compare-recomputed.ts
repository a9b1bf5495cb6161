/**
 * What `verify` checks once the statistics of a signed audit report have been recomputed from its
 * inputs (the same `runAudit` on the re-read files and the key): every test's scored count, score
 * and log10 p-value; every fingerprint line's p-value; the accounts found leaked. Scores and
 * p-values may differ by rounding only (`SAME`, relative): the computation is deterministic, so any
 * larger difference means the report or an input was changed.
 */
import { type AuditReport } from './audit-report.ts';

/** Relative tolerance for recomputed scores and log10 p-values (floating-point summation order). */
export const SAME = 1e-9;

export interface RecomputeCheck {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

interface FingerprintLines {
  evidence: { line: string; pValue: { log10PValue: number } | null }[];
}

export function compareRecomputed(signed: AuditReport, recomputed: AuditReport): RecomputeCheck[] {
  const checks: RecomputeCheck[] = [];
  const close = (a: number, b: number) => Math.abs(a - b) <= SAME * Math.max(1, Math.abs(b));
  for (const t of signed.tests) {
    const r = recomputed.tests.find((x) => x.name === t.name);
    const ok = r !== undefined && r.scored === t.scored && close(r.score, t.score) && close(r.log10PValue, t.log10PValue);
    checks.push({
      check: `recompute ${t.name}`,
      ok,
      detail: r ? `scored ${r.scored}, log10 p ${r.log10PValue.toFixed(6)} (report: ${t.scored}, ${t.log10PValue.toFixed(6)})` : 'the test could not be recomputed from these inputs',
    });
  }
  if (signed.fingerprint) {
    const a = signed.fingerprint as FingerprintLines;
    const b = recomputed.fingerprint as FingerprintLines | undefined;
    for (const line of a.evidence) {
      const r = b?.evidence.find((x) => x.line === line.line);
      const ok = r !== undefined && (r.pValue?.log10PValue ?? null) === (line.pValue?.log10PValue ?? null);
      checks.push({ check: `recompute fingerprint-${line.line}`, ok, detail: `log10 p ${r?.pValue?.log10PValue ?? 'untestable'} (report: ${line.pValue?.log10PValue ?? 'untestable'})` });
    }
  }
  if (signed.accounts) {
    const ok = JSON.stringify(recomputed.accounts?.leaked) === JSON.stringify(signed.accounts.leaked);
    checks.push({ check: 'recompute accounts', ok, detail: `leaked: ${recomputed.accounts?.leaked.join(', ') || 'none'} (report: ${signed.accounts.leaked.join(', ') || 'none'})` });
  }
  return checks;
}
