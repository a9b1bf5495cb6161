/**
 * Key commitments: a signed, dated statement that a watermark key with a given id, scheme,
 * parameters and tokenizer existed — binding a commitment to its secret without revealing it —
 * published before a suspect model is released. Later, whoever holds the key shows it is the one
 * committed: the key id and the secret commitment recompute from the key file.
 *
 * The secret commitment is SHA-256("tracemark/secret-commitment/v1" ‖ 0 ‖ keyId ‖ 0 ‖ secret): the
 * secret has 256 bits of entropy, so the hash hides it, and it binds exactly one secret.
 * The timestamp is the signer's claim; publishing the commitment (or an RFC 3161 timestamp over
 * its digest) is what makes the date checkable by others.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { sha256Hex } from '@tracemark/encoding';
import { keyDescriptor, publicKeyInfo, type WatermarkKey } from '@tracemark/watermark';
import { type Envelope, openEnvelope, signStatement, type Statement, STATEMENT_TYPE } from './dsse.ts';
import { EvidenceError, type Signer } from './signer.ts';

export const COMMITMENT_PREDICATE_TYPE = 'https://tracemark.dev/attestation/key-commitment/v1';

export interface CommitmentPredicate {
  readonly key: ReturnType<typeof publicKeyInfo>;
  readonly secretCommitment: string;
  readonly committedAt: string;
  readonly signer: string;
}

export function secretCommitment(key: WatermarkKey): string {
  const head = utf8ToBytes(`tracemark/secret-commitment/v1\u0000${key.keyId}\u0000`);
  const input = new Uint8Array(head.length + key.secret.length);
  input.set(head);
  input.set(key.secret, head.length);
  const out = sha256Hex(input);
  input.fill(0);
  return out;
}

export function commitKey(key: WatermarkKey, signer: Signer, at = new Date()): Envelope {
  const predicate: CommitmentPredicate = {
    key: publicKeyInfo(key),
    secretCommitment: secretCommitment(key),
    committedAt: at.toISOString(),
    signer: signer.signerId,
  };
  const statement: Statement<CommitmentPredicate> = {
    _type: STATEMENT_TYPE,
    subject: [{ name: key.keyId, digest: { sha256: sha256Hex(keyDescriptor(key)) } }],
    predicateType: COMMITMENT_PREDICATE_TYPE,
    predicate,
  };
  return signStatement(statement, signer);
}

export interface CommitmentCheck {
  readonly keyId: string;
  readonly committedAt: string;
  readonly signer: string;
  /** True when a key was given and it is the committed one. */
  readonly keyMatches: boolean | null;
}

/** Verify a commitment's signature and, when `key` is given, that the key is the one committed. */
export function verifyCommitment(env: Envelope, publicKey: Uint8Array, key?: WatermarkKey, source = 'commitment'): CommitmentCheck {
  const st = openEnvelope<CommitmentPredicate>(env, publicKey, source);
  if (st.predicateType !== COMMITMENT_PREDICATE_TYPE) throw new EvidenceError(`${source}: not a key commitment (predicateType ${st.predicateType})`);
  const p = st.predicate;
  if (!p || typeof p.secretCommitment !== 'string' || typeof p.key?.keyId !== 'string') throw new EvidenceError(`${source}: malformed commitment predicate`);
  if (st.subject[0]?.name !== p.key.keyId) throw new EvidenceError(`${source}: subject names ${st.subject[0]?.name}, predicate names ${p.key.keyId}`);
  let keyMatches: boolean | null = null;
  if (key) {
    if (key.keyId !== p.key.keyId) throw new EvidenceError(`${source}: committed key is ${p.key.keyId}, the key given is ${key.keyId}`);
    if (st.subject[0]!.digest.sha256 !== sha256Hex(keyDescriptor(key))) throw new EvidenceError(`${source}: the key's scheme, parameters or tokenizer differ from the commitment`);
    if (secretCommitment(key) !== p.secretCommitment) throw new EvidenceError(`${source}: the key's secret does not match the committed secret`);
    keyMatches = true;
  }
  return { keyId: p.key.keyId, committedAt: p.committedAt, signer: p.signer, keyMatches };
}
