/**
 * Ed25519 signing keys (RFC 8032, via @noble/ed25519) for commitments and audit reports. The signer
 * file holds the secret key and must be written owner-only; the public key is exported on its own
 * so anyone can verify. A signer is named by `signerId` = "ed25519:" + the first 16 bytes of
 * SHA-256 of the public key, which is what envelopes carry as their `keyid`.
 */
import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { InputError } from '@tracemark/errors';

ed.hashes.sha512 = sha512;

export const SIGNER_FILE_TYPE = 'tracemark.signer';
export const PUBLIC_KEY_FILE_TYPE = 'tracemark.public-key';

/** Raised for invalid signer/public-key files and failed verifications; `message` is one line. */
export class EvidenceError extends InputError {
  override name = 'EvidenceError';
}

export interface Signer {
  readonly signerId: string;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
  readonly createdAt: string;
}

export function signerIdOf(publicKey: Uint8Array): string {
  return `ed25519:${bytesToHex(sha256(publicKey).subarray(0, 16))}`;
}

export function createSigner(createdAt = new Date()): Signer {
  const { secretKey, publicKey } = ed.keygen();
  return { signerId: signerIdOf(publicKey), publicKey, secretKey, createdAt: createdAt.toISOString() };
}

export function sign(signer: Signer, message: Uint8Array): Uint8Array {
  return ed.sign(message, signer.secretKey);
}

export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return ed.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

export function serializeSigner(s: Signer): string {
  return `${JSON.stringify({ type: SIGNER_FILE_TYPE, version: 1, signerId: s.signerId, createdAt: s.createdAt, publicKey: bytesToHex(s.publicKey), secretKey: bytesToHex(s.secretKey) }, null, 2)}\n`;
}

export function serializePublicKey(s: Pick<Signer, 'signerId' | 'publicKey'>): string {
  return `${JSON.stringify({ type: PUBLIC_KEY_FILE_TYPE, version: 1, signerId: s.signerId, publicKey: bytesToHex(s.publicKey) }, null, 2)}\n`;
}

function parseJson(text: string, source: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new EvidenceError(`${source}: not valid JSON (${(e as Error).message})`);
  }
}

function hex32(v: unknown, field: string, source: string): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/i.test(v)) throw new EvidenceError(`${source}: "${field}" must be 64 hex characters`);
  return hexToBytes(v);
}

export function parseSigner(text: string, source = 'signer'): Signer {
  const doc = parseJson(text, source);
  if (doc.type !== SIGNER_FILE_TYPE) throw new EvidenceError(`${source}: not a tracemark signer file (expected "type": "${SIGNER_FILE_TYPE}")`);
  const secretKey = hex32(doc.secretKey, 'secretKey', source);
  const publicKey = hex32(doc.publicKey, 'publicKey', source);
  if (bytesToHex(ed.getPublicKey(secretKey)) !== bytesToHex(publicKey)) throw new EvidenceError(`${source}: publicKey does not match secretKey`);
  return { signerId: signerIdOf(publicKey), publicKey, secretKey, createdAt: typeof doc.createdAt === 'string' ? doc.createdAt : '' };
}

/** A public key from a public-key file or a signer file (only its public half is used). */
export function parsePublicKey(text: string, source = 'public key'): { signerId: string; publicKey: Uint8Array } {
  const doc = parseJson(text, source);
  if (doc.type !== PUBLIC_KEY_FILE_TYPE && doc.type !== SIGNER_FILE_TYPE) {
    throw new EvidenceError(`${source}: not a tracemark public key (expected "type": "${PUBLIC_KEY_FILE_TYPE}")`);
  }
  const publicKey = hex32(doc.publicKey, 'publicKey', source);
  return { signerId: signerIdOf(publicKey), publicKey };
}
