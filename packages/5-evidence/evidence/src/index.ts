export {
  createSigner,
  EvidenceError,
  parsePublicKey,
  parseSigner,
  PUBLIC_KEY_FILE_TYPE,
  serializePublicKey,
  serializeSigner,
  sign,
  SIGNER_FILE_TYPE,
  type Signer,
  signerIdOf,
  verifySignature,
} from './signer.ts';
export { type Envelope, IN_TOTO_PAYLOAD_TYPE, openEnvelope, pae, parseEnvelope, signStatement, type Statement, STATEMENT_TYPE, type Subject } from './dsse.ts';
export { COMMITMENT_PREDICATE_TYPE, type CommitmentCheck, type CommitmentPredicate, commitKey, secretCommitment, verifyCommitment } from './commitment.ts';
export { AUDIT_PREDICATE_TYPE, openReport, signReport } from './report-envelope.ts';
