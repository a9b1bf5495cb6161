/**
 * `tracemark verify FILE`: check a signed commitment or audit report (JSON envelope, or the HTML
 * report with its embedded envelope) against a public key; with the key file, check that it is the
 * committed key; with the inputs at hand, check every input's digest and recompute every statistic
 * of the report and confirm it matches. Each check is listed; any failure names what failed.
 */
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditReport, compareRecomputed } from '@tracemark/audit';
import {
  AUDIT_PREDICATE_TYPE,
  COMMITMENT_PREDICATE_TYPE,
  type Envelope,
  EvidenceError,
  openEnvelope,
  openReport,
  parseEnvelope,
  parsePublicKey,
  verifyCommitment,
} from '@tracemark/evidence';
import { extractEnvelopeJson } from '@tracemark/report-html';
import { TRAFFIC_PREDICATE_TYPE } from '@tracemark/traffic/report';
import { ExitCode, InputError } from '../errors.ts';
import { readTextInput } from '../io.ts';
import { loadKeyFile } from '../keys.ts';
import { auditWithKey } from './audit.ts';
import { argument, defineCommand, flag, listOption, option } from '../command.ts';
import { checkInputDigests, type VerifyCheck } from '../verify-check.ts';

export interface VerifyOptions {
  file: string;
  publicKey: string;
  key?: string;
  inputs: string[];
  quiet?: boolean;
}

export { type VerifyCheck } from '../verify-check.ts';

export interface VerifyResult {
  file: string;
  kind: 'commitment' | 'audit-report' | 'traffic-report';
  signer: string;
  verified: boolean;
  checks: VerifyCheck[];
  /**
   * What the signature vouches for, read from the signed statement (absent when the signature
   * fails): who signed, when the statement was made, for which key, and for a report the suspect
   * and the verdict, so a replayed old report shows its date.
   */
  signed?: VerifySigned;
}

export interface VerifySigned {
  signerId: string;
  /** The report's `createdAt`, or the commitment's `committedAt` (a traffic report has none). */
  createdAt?: string;
  /** The watermark key's id (a traffic report has none: a scan uses no key). */
  keyId?: string;
  suspect?: string;
  verdict?: { detected: boolean; basis: string; log10PValue: number; statement: string };
}

/** The envelope of a JSON file or of an HTML report's embedded block (one parser: report-html's). */
export function extractEnvelope(text: string, source: string): Envelope {
  if (!text.trimStart().startsWith('<')) return parseEnvelope(text, source);
  let json: string | null;
  try {
    json = extractEnvelopeJson(text);
  } catch (e) {
    throw new InputError(`${source}: ${(e as Error).message}`);
  }
  if (json === null) throw new InputError(`${source}: HTML without an embedded signed report (no #tracemark-envelope block; was it written with audit --sign?)`);
  return parseEnvelope(json, `${source} (embedded envelope)`);
}

export async function verify(o: VerifyOptions): Promise<VerifyResult> {
  const text = await readTextInput(o.file);
  const env = extractEnvelope(text, o.file);
  const { publicKey, signerId } = parsePublicKey(await readTextInput(o.publicKey), o.publicKey);
  const checks: VerifyCheck[] = [];
  const failed = (check: string, e: unknown): VerifyResult => {
    if (!(e instanceof EvidenceError)) throw e;
    checks.push({ check, ok: false, detail: e.message });
    return { file: o.file, kind: 'audit-report', signer: signerId, verified: false, checks };
  };
  let statement;
  try {
    statement = openEnvelope<unknown>(env, publicKey, o.file);
  } catch (e) {
    return failed('signature', e);
  }
  checks.push({ check: 'signature', ok: true, detail: `valid ed25519 signature by ${signerId}` });

  if (statement.predicateType === COMMITMENT_PREDICATE_TYPE) {
    const key = o.key ? await loadKeyFile(o.key) : undefined;
    let signed: VerifySigned;
    try {
      const c = verifyCommitment(env, publicKey, key, o.file);
      checks.push({ check: 'commitment', ok: true, detail: `key ${c.keyId} committed at ${c.committedAt}` });
      if (c.keyMatches) checks.push({ check: 'key', ok: true, detail: `${o.key} is the committed key (id, parameters, tokenizer and secret)` });
      signed = { signerId, createdAt: c.committedAt, keyId: c.keyId };
    } catch (e) {
      return { ...failed('commitment', e), kind: 'commitment' };
    } finally {
      key?.secret.fill(0);
    }
    return { file: o.file, kind: 'commitment', signer: signerId, verified: true, checks, signed };
  }
  if (statement.predicateType === TRAFFIC_PREDICATE_TYPE) {
    const { verifyTrafficReport } = await import('../verify-traffic-report.ts');
    const envelopeJson = text.trimStart().startsWith('<') ? extractEnvelopeJson(text)! : text;
    checks.push(...(await verifyTrafficReport(statement, text, envelopeJson, o.inputs, o.quiet ?? true)));
    return { file: o.file, kind: 'traffic-report', signer: signerId, verified: checks.every((c) => c.ok), checks, signed: { signerId } };
  }
  if (statement.predicateType !== AUDIT_PREDICATE_TYPE) return failed('statement', new EvidenceError(`${o.file}: unknown predicate type ${statement.predicateType}`));
  let report: AuditReport;
  try {
    report = openReport(env, publicKey, o.file).report;
  } catch (e) {
    return failed('statement', e);
  }
  checks.push({ check: 'statement', ok: true, detail: `audit report of ${report.suspect.name} with ${report.inputs.length} input digest(s) as subjects` });
  const signed: VerifySigned = {
    signerId,
    createdAt: report.createdAt,
    keyId: report.key.keyId,
    suspect: report.suspect.name,
    verdict: { detected: report.verdict.detected, basis: report.verdict.basis, log10PValue: report.verdict.log10PValue, statement: report.verdict.statement },
  };
  if (text.trimStart().startsWith('<')) {
    // The signature covers the embedded envelope only; the visible page must be exactly what the
    // signed report renders to, so an edit to what a reader sees is caught too.
    const { renderHtmlReport } = await import('@tracemark/report-html');
    const same = renderHtmlReport(report, { envelopeJson: extractEnvelopeJson(text)! }) === text;
    checks.push({ check: 'page', ok: same, detail: same ? 'the visible page is exactly the signed report, rendered' : 'the visible page differs from the signed report it embeds (edited after signing)' });
  }

  // Input digests, and the files found by role (a role such as fingerprint-reference may have several).
  const located = new Map<string, string[]>();
  let found = 0;
  if (o.inputs.length > 0) {
    const digests = await checkInputDigests(report.inputs, o.inputs);
    checks.push(...digests.checks);
    for (const [i, path] of digests.files.entries()) {
      if (path === undefined) continue;
      const role = report.inputs[i]!.role;
      located.set(role, [...(located.get(role) ?? []), path]);
      found++;
    }
  }

  // Recompute every statistic when the key and the inputs are at hand.
  if (o.key && found === report.inputs.length && report.inputs.length > 0) {
    checks.push(...compareRecomputed(report, await recompute(report, o.key, located, o.quiet ?? true)));
  } else if (o.key) {
    checks.push({ check: 'recompute', ok: false, detail: 'statistics not recomputed: give --inputs with every input listed in the report' });
  }
  return { file: o.file, kind: 'audit-report', signer: signerId, verified: checks.every((c) => c.ok), checks, signed };
}

/**
 * The signed report's audit again, from its re-read inputs and the key: the same reading and the
 * same `runAudit` as `tracemark audit`, with the parameters the report records.
 */
async function recompute(report: AuditReport, keyPath: string, located: Map<string, string[]>, quiet: boolean): Promise<AuditReport> {
  const inputs = new Map([...located].map(([role, paths]) => [role, paths[0]!]));
  const p = report.parameters as Record<string, unknown>;
  const scratch = await mkdtemp(join(tmpdir(), 'tracemark-verify-'));
  let saveOutputs: string | undefined;
  const collected = inputs.get('collected-outputs');
  if (collected) {
    // A copy, so a resumed audit never appends to the evidence file.
    saveOutputs = join(scratch, 'collected.jsonl');
    await copyFile(collected, saveOutputs);
  }
  const common = {
    alpha: p.alpha as number,
    topK: p.topK as number,
    forcedTokens: (p.forcedTokens as number | null) ?? 20_000,
    prompts: (p.prompts as string | null) ?? 'builtin',
    count: (p.count as number | null) ?? 300,
    maxTokens: (p.maxTokens as number | null) ?? 100,
    seed: p.seed as number,
    quiet,
    ...(p.forcedText ? { forcedText: p.forcedText as string } : {}),
    ...(p.supervisedFilter ? { supervisedFilter: true } : {}),
    ...(inputs.get('teacher-data') ? { teacherData: inputs.get('teacher-data')! } : {}),
    ...(inputs.get('accounts') ? { accounts: inputs.get('accounts')! } : {}),
    // The same clusters from the same (digest-checked) scan file: the pooled tests are recomputed.
    ...(inputs.get('traffic-scan') ? { accountsFromScan: inputs.get('traffic-scan')!, cluster: p.scanClusters as number[] } : {}),
    ...(inputs.get('prompts') ? { prompts: inputs.get('prompts')! } : {}),
    ...(saveOutputs ? { saveOutputs } : {}),
    ...(inputs.get('suspect-predictions') ? { suspectPredictions: inputs.get('suspect-predictions')! } : {}),
    ...(inputs.get('fingerprint-suspect')
      ? { fingerprintSuspect: inputs.get('fingerprint-suspect')!, fingerprintTeacher: inputs.get('fingerprint-teacher')!, fingerprintReferences: located.get('fingerprint-reference') ?? [] }
      : {}),
  };
  let source: { suspectOutputs: string } | { suspectModel: string };
  if (report.suspect.kind === 'outputs') source = { suspectOutputs: inputs.get('suspect-outputs')! };
  else if (report.suspect.kind === 'model') source = { suspectModel: inputs.get('suspect-model')! };
  else if (saveOutputs) source = { suspectOutputs: saveOutputs };
  else throw new InputError('an endpoint audit can only be recomputed from its collected-outputs file');
  const key = await loadKeyFile(keyPath);
  try {
    return await auditWithKey({ ...common, ...source }, key);
  } finally {
    key.secret.fill(0);
  }
}

export function renderVerify(r: VerifyResult): string {
  const s = r.signed;
  const head = s
    ? [
        `signed by ${s.signerId}` +
          (s.createdAt !== undefined ? ` · ${r.kind === 'commitment' ? 'committed' : 'created'} ${s.createdAt}` : '') +
          (s.keyId !== undefined ? ` · key ${s.keyId}` : '') +
          (s.suspect !== undefined ? ` · suspect ${s.suspect}` : ''),
        ...(s.verdict ? [`signed verdict: ${s.verdict.detected ? 'DETECTED' : 'not detected'} (${s.verdict.basis}, log10 p ${s.verdict.log10PValue.toFixed(2)}): ${s.verdict.statement}`] : []),
        '',
      ]
    : [];
  const lines = [...head, ...r.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.check}: ${c.detail}`)];
  lines.push('', r.verified ? `verified: ${r.file} (${r.kind})` : `NOT VERIFIED: ${r.file} — ${r.checks.filter((c) => !c.ok).map((c) => c.check).join(', ')} failed`);
  return lines.join('\n');
}

export const command = defineCommand({
  name: 'verify',
  description: 'verify a signed commitment, audit report or traffic scan report (JSON or HTML); with --inputs (and --key for an audit), recompute every statistic',
  options: {
    file: argument('<file>', 'commitment.json, report.json or report.html'),
    publicKey: option('--public-key <file>', "the signer's public key file (or the signer file)").required(),
    key: option('--key <file>', 'the watermark key: checks a commitment against it, and lets a report be recomputed'),
    inputs: listOption('--inputs <paths...>', "directories or files holding the report's inputs (matched by file name)").default([]),
    json: flag('--json', 'print the checks as JSON'),
  },
  async run({ json, ...o }, { emit, setExit }) {
    // Recomputing a large audit or scan takes minutes: progress on stderr, unless --json.
    const r = await verify({ ...o, quiet: json });
    emit(json, r, renderVerify(r));
    if (!r.verified) setExit(ExitCode.verificationFailed);
  },
});
