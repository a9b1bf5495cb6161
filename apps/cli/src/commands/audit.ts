/**
 * `tracemark audit`: test a suspect model for a teacher's watermark (radioactivity, Sander et al.
 * 2024). Collects what the suspect's access allows — its outputs from a file, generations from a
 * local model file, or generations from an OpenAI-compatible endpoint — runs every test that
 * access permits (closed-model, supervised closed-model, open-model reading and probability-mass
 * tests, per-account attribution) and writes a report with input digests, parameters, each test's
 * statistic, effect, p-value and verdict, and an overall verdict with the rule that produced it.
 * Collected outputs are appended to a file as they arrive, so an interrupted audit loses nothing
 * and a rerun resumes.
 */
import { type AuditReport, type AuditStage, AUDIT_REPORT_TYPE, powerShortfall, runAudit } from '@tracemark/audit';
import { signReport } from '@tracemark/evidence';
import { assertSameTokenizer } from '@tracemark/tokenizers';
import { type WatermarkKey } from '@tracemark/watermark';
import { type AuditSourceOptions, gatherAuditInputs } from '../audit-inputs.ts';
import { ExitCode, type ExitCodeValue, InputError } from '../errors.ts';
import { formatPValue, renderTable } from '../format.ts';
import { refuseOverwrite, writeOutput } from '../io.ts';
import { loadKeyFile, tokenizerForKey } from '../keys.ts';
import { createProgress, note, type Progress } from '../progress.ts';
import { loadSigner } from './signer.ts';

export const REPORT_TYPE = AUDIT_REPORT_TYPE;

export interface AuditCommandOptions extends AuditSourceOptions {
  key: string;
  /** Signer file: write the report as a signed DSSE envelope (in-toto Statement v1). */
  sign?: string;
  /** Also write the self-contained HTML report here (the signed envelope embedded with --sign). */
  html?: string;
  force?: boolean;
  tokenizer?: string;
}

export interface AuditCommandResult {
  report: AuditReport;
  envelopeJson?: string;
  exitCode: ExitCodeValue;
  warning?: string;
}

/** Parse → read → `runAudit` → sign and write; the exit code is 4 when --target-effect is not met. */
export async function audit(o: AuditCommandOptions): Promise<AuditCommandResult> {
  checkAuditOptions(o);
  if (o.out && !o.force) await refuseOverwrite(o.out);
  if (o.html && !o.force) await refuseOverwrite(o.html);
  const key: WatermarkKey = await loadKeyFile(o.key);
  let report: AuditReport;
  try {
    report = await auditWithKey(o, key);
  } finally {
    key.secret.fill(0);
  }
  const envelopeJson = await writeReport(report, o);
  const weak = powerShortfall(report, o.targetEffect);
  if (!weak) return { report, ...(envelopeJson ? { envelopeJson } : {}), exitCode: ExitCode.ok };
  const warning = `too little text for the requested power: ${weak.name} scored ${weak.scored} tuples and can only detect an effect ≥ ${(weak.minimumDetectableRate! - weak.expectedRate).toFixed(4)} (asked: ${o.targetEffect}); collect more suspect outputs${o.out ? ` (report written to ${o.out})` : ''}`;
  return { report, ...(envelopeJson ? { envelopeJson } : {}), exitCode: ExitCode.insufficient, warning };
}

/** Read every input the options name and run the audit with an already loaded key (also used by `verify`). */
export async function auditWithKey(o: AuditSourceOptions & { tokenizer?: string }, key: WatermarkKey): Promise<AuditReport> {
  const tokenizer = await tokenizerForKey(key, o.tokenizer);
  assertSameTokenizer(key.tokenizer, tokenizer.identity(), `key ${key.keyId}`);
  const inputs = await gatherAuditInputs(o, key, tokenizer);
  const quiet = o.quiet ?? false;
  note(`audit: closed-model test on ${inputs.outputs.length} outputs`, { quiet });
  const bars = new Map<AuditStage, Progress>();
  const labels: Record<AuditStage, string> = { 'teacher-forcing': 'audit: teacher-forcing the suspect', accounts: 'audit: testing account keys' };
  const onProgress = (stage: AuditStage, done: number, total: number) => {
    if (!bars.has(stage)) bars.set(stage, createProgress(labels[stage], { quiet }));
    bars.get(stage)!.update(done, total);
  };
  try {
    return await runAudit({ ...inputs, onProgress });
  } finally {
    for (const bar of bars.values()) bar.done();
  }
}

function checkAuditOptions(o: AuditCommandOptions): void {
  const modes = [o.suspectOutputs, o.suspectModel, o.suspectEndpoint].filter((x) => x !== undefined).length;
  if (modes !== 1) throw new InputError('give exactly one of --suspect-outputs FILE, --suspect-model FILE or --suspect-endpoint URL');
  if (o.suspectEndpoint && !o.suspectName) throw new InputError('--suspect-endpoint needs --suspect-name (the model name the endpoint serves)');
  if (o.supervisedFilter && !o.teacherData) throw new InputError('--supervised-filter needs --teacher-data');
  const fp = [o.fingerprintSuspect, o.fingerprintTeacher].filter((x) => x !== undefined).length;
  const refs = (o.fingerprintReferences ?? []).length;
  if (fp === 1 || (fp === 2 && refs === 0) || (fp === 0 && refs > 0)) {
    throw new InputError('fingerprint evidence needs --fingerprint-suspect, --fingerprint-teacher and at least one --fingerprint-reference transcript');
  }
  if (o.sign && !o.out) throw new InputError('--sign needs --out (the signed report is written there)');
}

/** Write the report (signed when --sign is given) and the HTML page; returns the envelope's JSON. */
async function writeReport(report: AuditReport, o: AuditCommandOptions): Promise<string | undefined> {
  let envelopeJson: string | undefined;
  if (o.sign) {
    const signer = await loadSigner(o.sign);
    envelopeJson = `${JSON.stringify(signReport(report, signer), null, 2)}\n`;
    signer.secretKey.fill(0);
  }
  if (o.out) await writeOutput(o.out, envelopeJson ?? `${JSON.stringify(report, null, 2)}\n`, { force: true });
  if (o.html) {
    const { renderHtmlReport } = await import('@tracemark/report-html');
    await writeOutput(o.html, renderHtmlReport(report, envelopeJson ? { envelopeJson } : {}), { force: true });
  }
  return envelopeJson;
}

export function renderAudit(r: AuditReport): string {
  const rows = r.tests.map((t) => [
    t.name,
    t.scored,
    `${t.rate.toFixed(4)} (null ${t.expectedRate.toFixed(4)})`,
    formatPValue(t.log10PValue),
    t.detected ? 'DETECTED' : 'not detected',
  ]);
  const lines = [
    `audit of ${r.suspect.name} (${r.suspect.kind}, ${r.suspect.outputs} outputs, ${r.suspect.tokens} tokens) for key ${r.key.keyId} (${r.key.scheme})`,
    '',
    renderTable(['test', 'scored', 'rate', 'p-value', 'result'], rows),
    '',
    ...r.tests.map((t) => `- ${t.name}: ${t.verdict}`),
    ...r.skipped.map((s) => `- ${s.test} not run: ${s.reason}`),
  ];
  if (r.accounts) {
    const a = r.accounts;
    lines.push('', `accounts: ${a.accountsTested} tested (Holm-corrected at alpha ${a.alpha}); leaked: ${a.leaked.length ? a.leaked.join(', ') : 'none'}`);
    for (const acc of a.accounts.slice(0, Math.max(5, a.leaked.length))) {
      lines.push(`  ${acc.account}: p = ${formatPValue(acc.log10PValue)}, adjusted ${formatPValue(acc.adjusted.log10PValue)}${acc.leaked ? '  ← leaked' : ''}`);
    }
  }
  lines.push('', `verdict: ${r.verdict.statement}`, `rule: ${r.verdict.rule}`);
  return lines.join('\n');
}
