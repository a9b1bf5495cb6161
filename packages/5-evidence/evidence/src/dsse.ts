/**
 * DSSE envelopes (Dead Simple Signing Envelope, secure-systems-lab/dsse v1.0) carrying in-toto
 * Statements v1 (in-toto/attestation spec). We chose this pair because it is what software supply
 * chain tooling (Sigstore, SLSA) already verifies: the signature covers the exact payload bytes via
 * the pre-authentication encoding PAE, the payload type cannot be swapped, and the Statement's
 * subjects bind the attestation to the SHA-256 digests of the inputs it is about.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { EvidenceError, sign, type Signer, signerIdOf, verifySignature } from './signer.ts';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';

export interface Envelope {
  readonly payloadType: string;
  /** Base64 of the payload bytes. */
  readonly payload: string;
  readonly signatures: { readonly keyid: string; readonly sig: string }[];
}

export interface Subject {
  readonly name: string;
  readonly digest: { readonly sha256: string };
}

export interface Statement<P = unknown> {
  readonly _type: typeof STATEMENT_TYPE;
  readonly subject: Subject[];
  readonly predicateType: string;
  readonly predicate: P;
}

/** PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths in bytes (DSSE §"Protocol"). */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8ToBytes(payloadType);
  const head = utf8ToBytes(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

export function signStatement<P>(statement: Statement<P>, signer: Signer): Envelope {
  const payload = utf8ToBytes(JSON.stringify(statement));
  const sig = sign(signer, pae(IN_TOTO_PAYLOAD_TYPE, payload));
  return {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: Buffer.from(payload).toString('base64'),
    signatures: [{ keyid: signer.signerId, sig: Buffer.from(sig).toString('base64') }],
  };
}

export function parseEnvelope(text: string, source = 'envelope'): Envelope {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new EvidenceError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null || typeof doc.payload !== 'string' || typeof doc.payloadType !== 'string' || !Array.isArray(doc.signatures)) {
    throw new EvidenceError(`${source}: not a DSSE envelope (needs payloadType, payload, signatures)`);
  }
  for (const s of doc.signatures as unknown[]) {
    const sig = s as Record<string, unknown>;
    if (typeof sig?.sig !== 'string' || typeof sig?.keyid !== 'string') throw new EvidenceError(`${source}: each signature needs "keyid" and "sig"`);
  }
  return doc as unknown as Envelope;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Verify an envelope's signature with `publicKey` and return its Statement.
 * @throws EvidenceError naming what failed: payload type, encoding, signature, statement shape.
 */
export function openEnvelope<P>(env: Envelope, publicKey: Uint8Array, source = 'envelope'): Statement<P> {
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new EvidenceError(`${source}: payloadType is ${JSON.stringify(env.payloadType)}, expected ${IN_TOTO_PAYLOAD_TYPE}`);
  if (!BASE64.test(env.payload)) throw new EvidenceError(`${source}: payload is not valid base64`);
  const payload = new Uint8Array(Buffer.from(env.payload, 'base64'));
  if (Buffer.from(payload).toString('base64') !== env.payload) throw new EvidenceError(`${source}: payload is not canonical base64`);
  const message = pae(env.payloadType, payload);
  const signerId = signerIdOf(publicKey);
  const mine = env.signatures.filter((s) => s.keyid === signerId);
  if (mine.length === 0) {
    throw new EvidenceError(`${source}: no signature by ${signerId} (signed by ${env.signatures.map((s) => s.keyid).join(', ') || 'nobody'})`);
  }
  const ok = mine.some((s) => {
    if (!BASE64.test(s.sig)) return false;
    const sig = new Uint8Array(Buffer.from(s.sig, 'base64'));
    return sig.length === 64 && verifySignature(publicKey, message, sig);
  });
  if (!ok) throw new EvidenceError(`${source}: signature does not verify with this public key (the envelope was altered, or it was signed by another key)`);
  let statement: Statement<P>;
  try {
    statement = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) as Statement<P>;
  } catch {
    throw new EvidenceError(`${source}: signed payload is not a JSON statement`);
  }
  if (statement._type !== STATEMENT_TYPE || !Array.isArray(statement.subject)) throw new EvidenceError(`${source}: signed payload is not an in-toto Statement v1`);
  return statement;
}
