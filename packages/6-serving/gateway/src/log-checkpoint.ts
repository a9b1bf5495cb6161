/**
 * Signed checkpoints of a hash-chained log (Crosby & Wallach, "Efficient Data Structures for
 * Tamper-Evident Logging", USENIX Security 2009, §3: a signed commitment to the chain head). The
 * chain alone proves nothing against someone who can write the file: they edit a line and recompute
 * every later `prev`. A checkpoint is a line in the log whose ed25519 signature (RFC 8032, the lab's
 * `tracemark signer` key) covers
 *
 *     "tracemark-log-checkpoint/v1\n" + log + "\n" + records + "\n" + head + "\n" + time
 *
 * where `log` is `receipts` or `exchanges` (so a checkpoint cannot be moved between the two kinds
 * of log), `records` the number of lines before the checkpoint, `head` the SHA-256 (hex) of the line
 * just before it — its `prev` — and `time` its ISO-8601 time. Because every line hashes its
 * predecessor, a valid signature on `head` covers every line before the checkpoint: changing,
 * removing, inserting or reordering any of them changes `head` or `records`, and recomputing the
 * chain cannot produce a new signature without the lab's secret key.
 *
 * What a checkpoint cannot show on its own: that no later lines existed. A log cut right after a
 * checkpoint looks like a gateway that stopped there; anchoring checkpoints outside the machine (the
 * gateway README, "Anchoring checkpoints") closes that gap.
 */
import { sign, type Signer, verifySignature } from '@tracemark/evidence';

export type LogKind = 'receipts' | 'exchanges';

export const CHECKPOINT_DOMAIN = 'tracemark-log-checkpoint/v1';

/** A checkpoint line's fields (the log adds `v` and `prev`, and `prev` equals `head`). */
export interface CheckpointRecord {
  readonly type: 'checkpoint';
  readonly time: string;
  /** Lines of the log before this one. */
  readonly records: number;
  /** SHA-256 (hex) of the line just before this one. */
  readonly head: string;
  readonly signerId: string;
  /** Base64 ed25519 signature of `checkpointMessage`. */
  readonly signature: string;
}

/** The exact bytes a checkpoint signs. */
export function checkpointMessage(log: LogKind, records: number, head: string, time: string): Uint8Array {
  return new TextEncoder().encode(`${CHECKPOINT_DOMAIN}\n${log}\n${records}\n${head}\n${time}`);
}

export function createCheckpoint(signer: Signer, log: LogKind, records: number, head: string, time: string): CheckpointRecord {
  const signature = Buffer.from(sign(signer, checkpointMessage(log, records, head, time))).toString('base64');
  return { type: 'checkpoint', time, records, head, signerId: signer.signerId, signature };
}

/**
 * Check a parsed checkpoint line found at 1-based `line`, whose predecessor hashes to `prevHash`.
 * Without `publicKey` only the structure, the count and the head are checked. Returns the problem
 * in words, or null when it holds.
 */
export function checkCheckpoint(r: Readonly<Record<string, unknown>>, log: LogKind, line: number, prevHash: string | null, publicKey: { readonly signerId: string; readonly publicKey: Uint8Array } | null): string | null {
  if (typeof r.time !== 'string' || !Number.isFinite(Date.parse(r.time))) return 'its "time" is not an ISO-8601 time';
  if (!Number.isInteger(r.records) || (r.records as number) < 0) return 'its "records" is not a count';
  if (typeof r.head !== 'string' || !/^[0-9a-f]{64}$/.test(r.head)) return 'its "head" is not a SHA-256';
  if (typeof r.signature !== 'string' || typeof r.signerId !== 'string') return 'it has no signature';
  if (r.records !== line - 1) return `it signs ${String(r.records)} records but ${line - 1} lines precede it (lines were removed or inserted)`;
  if (r.head !== prevHash) return 'the line before it is not the one it signed (a line was edited, removed or inserted)';
  if (publicKey === null) return null;
  if (r.signerId !== publicKey.signerId) return `signed by ${r.signerId}, not by the given public key ${publicKey.signerId}`;
  const sig = Buffer.from(r.signature, 'base64');
  if (sig.length !== 64 || !verifySignature(publicKey.publicKey, checkpointMessage(log, r.records as number, r.head, r.time), new Uint8Array(sig))) return 'its signature does not verify';
  return null;
}
