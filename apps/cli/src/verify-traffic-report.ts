/**
 * `tracemark verify` for a signed traffic scan report (`traffic scan --sign`): the statement's
 * shape and subjects, the HTML page if that is what was given, each input's digest, and — with
 * the inputs at hand — the whole scan again from those files (@tracemark/traffic's `rescanReport`),
 * which must reproduce the signed report to the last bit. No key is needed: a scan uses none.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Statement } from '@tracemark/evidence';
import { TRAFFIC_REPORT_TYPE, type TrafficReport } from '@tracemark/traffic/report';
import { checkInputDigests, type VerifyCheck } from './verify-check.ts';

/** The report, if the statement holds one whose fields a verification reads; else why not. */
function readReport(statement: Statement<unknown>): TrafficReport | string {
  const r = statement.predicate as Partial<TrafficReport> | null;
  if (typeof r !== 'object' || r === null || r.type !== TRAFFIC_REPORT_TYPE) return `the predicate is not a ${TRAFFIC_REPORT_TYPE}`;
  if (typeof r.alpha !== 'number' || !Array.isArray(r.inputs) || !Array.isArray(r.accounts) || !Array.isArray(r.clusters)) return 'the report lacks alpha, inputs, accounts or clusters';
  for (const [i, input] of r.inputs.entries()) {
    if (typeof input?.path !== 'string' || typeof input.sha256 !== 'string' || (input.role !== 'log' && input.role !== 'reference')) return `inputs[${i}] lacks its path, role or sha256`;
  }
  // The subjects are what the signature names; they must be the report's inputs, digest for digest.
  const subjects = new Map((statement.subject ?? []).map((s) => [s.name, s.digest?.sha256]));
  const stray = r.inputs.find((input) => subjects.get(`${input.role}:${input.path}`) !== input.sha256);
  if (stray) return `input ${stray.path}: the statement's subject digest differs from the report's`;
  return r as TrafficReport;
}

/**
 * The checks after the signature: `text` is the file as given (JSON or HTML), `envelopeJson` the
 * envelope it holds, `places` the --inputs.
 */
export async function verifyTrafficReport(
  statement: Statement<unknown>,
  text: string,
  envelopeJson: string,
  places: readonly string[],
  quiet: boolean,
): Promise<VerifyCheck[]> {
  const checks: VerifyCheck[] = [];
  const report = readReport(statement);
  if (typeof report === 'string') return [{ check: 'statement', ok: false, detail: report }];
  const flagged = report.clusters.filter((c) => c.flagged).length;
  checks.push({ check: 'statement', ok: true, detail: `traffic scan report of ${report.exchanges} exchanges, ${report.accounts.length} accounts, ${report.clusters.length} clusters (${flagged} flagged), with ${report.inputs.length} input digest(s) as subjects` });
  if (text.trimStart().startsWith('<')) {
    const { renderTrafficReport } = await import('@tracemark/report-html');
    const same = renderTrafficReport(report, { envelopeJson }) === text;
    checks.push({ check: 'page', ok: same, detail: same ? 'the visible page is exactly the signed report, rendered' : 'the visible page differs from the signed report it embeds (edited after signing)' });
  }
  if (places.length === 0) return checks;
  const digests = await checkInputDigests(report.inputs, places);
  checks.push(...digests.checks);
  const files = digests.files.filter((f): f is string => f !== undefined);
  if (files.length !== report.inputs.length) {
    checks.push({ check: 'recompute', ok: false, detail: 'the scan was not recomputed: give --inputs with every log and reference log the report lists, unchanged' });
    return checks;
  }
  if (!report.ingest) {
    checks.push({ check: 'recompute', ok: false, detail: 'the report does not record how its logs were read (field mapping, bad-line policy, format), so it cannot be recomputed; scan again with this version to get a report that can' });
    return checks;
  }
  const { compareScanReports, rescanReport } = await import('@tracemark/traffic');
  const scratch = await mkdtemp(join(tmpdir(), 'tracemark-verify-scan-'));
  try {
    const again = await rescanReport(report, files, scratch, quiet ? undefined : (m) => process.stderr.write(`${m}\n`));
    checks.push(...compareScanReports(report, again));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return checks;
}
