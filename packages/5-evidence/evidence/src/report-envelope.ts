/**
 * Signed audit reports: the report is the predicate of an in-toto Statement whose subjects are the
 * SHA-256 digests of every input (transcripts, models, teacher data, accounts), inside a DSSE
 * envelope. Verification checks the signature, that the subjects and the report's own input list
 * agree, and — when the inputs are at hand — that every file still has its digest.
 */
import { type AuditReport, AUDIT_REPORT_TYPE } from '@tracemark/audit';
import { type Envelope, openEnvelope, signStatement, type Statement, STATEMENT_TYPE } from './dsse.ts';
import { EvidenceError, type Signer } from './signer.ts';

export const AUDIT_PREDICATE_TYPE = 'https://tracemark.dev/attestation/audit-report/v1';

export function signReport(report: AuditReport, signer: Signer): Envelope {
  const statement: Statement<AuditReport> = {
    _type: STATEMENT_TYPE,
    subject: report.inputs.map((i) => ({ name: `${i.role}:${i.path}`, digest: { sha256: i.sha256 } })),
    predicateType: AUDIT_PREDICATE_TYPE,
    predicate: report,
  };
  return signStatement(statement, signer);
}

/** Verify the signature and the statement's internal consistency; returns the signed report. */
export function openReport(env: Envelope, publicKey: Uint8Array, source = 'report'): { report: AuditReport; subjects: Statement['subject'] } {
  const st = openEnvelope<AuditReport>(env, publicKey, source);
  if (st.predicateType !== AUDIT_PREDICATE_TYPE) throw new EvidenceError(`${source}: not an audit report (predicateType ${st.predicateType})`);
  const r = st.predicate;
  if (!r || r.type !== AUDIT_REPORT_TYPE || !Array.isArray(r.inputs) || !Array.isArray(r.tests)) throw new EvidenceError(`${source}: signed predicate is not a tracemark audit report`);
  const listed = r.inputs.map((i) => `${i.role}:${i.path}=${i.sha256}`).sort();
  const subjects = st.subject.map((s) => `${s.name}=${s.digest?.sha256}`).sort();
  if (JSON.stringify(listed) !== JSON.stringify(subjects)) throw new EvidenceError(`${source}: the statement's subjects do not match the report's inputs`);
  return { report: r, subjects: st.subject };
}
