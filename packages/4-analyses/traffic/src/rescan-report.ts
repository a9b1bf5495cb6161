/**
 * A scan report recomputed from its inputs, and compared with the report as signed: what
 * `tracemark verify` does with a signed traffic report. A scan depends only on the exchanges, not
 * on their order in the log nor on DuckDB's threads (scan-traffic.test.ts), so a report that was
 * honestly computed from these files is reproduced to the last bit, and any difference is a
 * finding: the report was edited before it was signed, or made by other code.
 */
import { join } from 'node:path';
import { ingestLog } from './ingest-log.ts';
import { scanTraffic } from './scan-traffic.ts';
import { TrafficInputError } from './traffic-errors.ts';
import { type TrafficReport } from './traffic-report.ts';

/** One line of a comparison: what was compared, whether it held, the evidence. */
export interface RescanCheck {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Scan the report's inputs again, as the report says they were read.
 *
 * @param files - a readable file for each of `report.inputs`, in the same order (their digests
 *   already checked by the caller).
 * @param scratch - a folder for the databases (nothing is written beside the evidence files).
 * @throws {TrafficInputError} when the report does not record how its logs were read.
 */
export async function rescanReport(report: TrafficReport, files: readonly string[], scratch: string, onProgress?: (message: string) => void): Promise<TrafficReport> {
  const ingest = report.ingest;
  if (!ingest) throw new TrafficInputError('the report does not record how its logs were read (field mapping, bad-line policy, format): it predates that field and cannot be recomputed');
  if (files.length !== report.inputs.length) throw new Error(`rescanReport: ${files.length} files for ${report.inputs.length} inputs`);
  const logs = [];
  for (const [i, input] of report.inputs.entries()) {
    const ingested = await ingestLog(files[i]!, {
      mapping: ingest.mapping,
      skipBadLines: ingest.skipBadLines,
      ...(ingest.format ? { format: ingest.format } : {}),
      databasePath: join(scratch, `input-${i}.duckdb`),
      ...(onProgress ? { onProgress } : {}),
    });
    // The report names each input as the scan that signed it did.
    logs.push({ role: input.role, log: { ...ingested, log: input.path, database: input.database } });
  }
  return scanTraffic(
    logs.filter((l) => l.role === 'log').map((l) => l.log),
    {
      alpha: report.alpha,
      references: logs.filter((l) => l.role === 'reference').map((l) => l.log),
      sha256: new Map(report.inputs.map((i) => [i.path, i.sha256])),
      ingest,
      ...(onProgress ? { onProgress } : {}),
    },
  );
}

/** Where two JSON values first differ, as a path (`accounts[3].signals.harvest.pValue`), or null. */
function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (Object.is(a, b)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return path || '(the whole value)';
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = i < a.length && i < b.length ? firstDifference(a[i], b[i], `${path}[${i}]`) : `${path}[${i}]`;
      if (d !== null) return d;
    }
    return null;
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    if (d !== null) return d;
  }
  return null;
}

const describe = (what: string, signed: unknown, recomputed: unknown): string => {
  const d = firstDifference(signed, recomputed, '');
  return `${what}: first difference at ${d}: signed ${JSON.stringify(pick(signed, d!))}, recomputed ${JSON.stringify(pick(recomputed, d!))}`;
};

/** The value at a path written by firstDifference (undefined where it does not exist). */
function pick(value: unknown, path: string): unknown {
  let v = value;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** The signed report against its recomputation: inputs, accounts, clusters, and everything else. */
export function compareScanReports(signedReport: TrafficReport, recomputedReport: TrafficReport): RescanCheck[] {
  // Both as JSON carries them (the signed one was): −0 is 0 and a non-finite number null on both sides.
  const [signed, recomputed] = [signedReport, recomputedReport].map((r) => JSON.parse(JSON.stringify(r)) as TrafficReport) as [TrafficReport, TrafficReport];
  const checks: RescanCheck[] = [];
  const count = (xs: readonly unknown[], ys: readonly unknown[]) => xs.filter((x, i) => firstDifference(x, ys[i], '') !== null).length + Math.max(0, ys.length - xs.length);
  const inputsOk = firstDifference(signed.inputs, recomputed.inputs, '') === null;
  checks.push({ check: 'recompute inputs', ok: inputsOk, detail: inputsOk ? `${recomputed.exchanges} exchanges read from ${recomputed.inputs.length} input(s), bad lines as signed` : describe('inputs', signed.inputs, recomputed.inputs) });
  const accountsWrong = count(signed.accounts, recomputed.accounts);
  checks.push({
    check: 'recompute accounts',
    ok: accountsWrong === 0,
    detail: accountsWrong === 0 ? `all ${recomputed.accounts.length} accounts: every signal, p-value and flag identical` : `${accountsWrong} of ${Math.max(signed.accounts.length, recomputed.accounts.length)} accounts differ; ${describe('accounts', signed.accounts, recomputed.accounts)}`,
  });
  const clustersWrong = count(signed.clusters, recomputed.clusters);
  checks.push({
    check: 'recompute clusters',
    ok: clustersWrong === 0,
    detail: clustersWrong === 0 ? `all ${recomputed.clusters.length} clusters: members, tests, Holm and flags identical (${recomputed.clusters.filter((c) => c.flagged).length} flagged)` : `${clustersWrong} of ${Math.max(signed.clusters.length, recomputed.clusters.length)} clusters differ; ${describe('clusters', signed.clusters, recomputed.clusters)}`,
  });
  const rest = (r: TrafficReport) => ({ ...r, inputs: null, accounts: null, clusters: null });
  const restOk = firstDifference(rest(signed), rest(recomputed), '') === null;
  checks.push({ check: 'recompute report', ok: restOk, detail: restOk ? 'alpha, calibration, method, signal versions and totals identical' : describe('report', rest(signed), rest(recomputed)) });
  return checks;
}
