/**
 * SHA-256 (FIPS 180-4) as 64 lowercase hex digits, of bytes or of a string's UTF-8 encoding: the
 * digest form of report inputs, signed subjects and receipt chains.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * The SHA-256 digest of `data` in lowercase hex. A string is hashed as its UTF-8 bytes (lone
 * surrogates become U+FFFD, as `TextEncoder` writes them).
 *
 * @throws TypeError for anything but a string or a Uint8Array.
 * @example
 * sha256Hex('abc'); // 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 */
export function sha256Hex(data: string | Uint8Array): string {
  if (typeof data === 'string') return bytesToHex(sha256(utf8ToBytes(data)));
  if (data instanceof Uint8Array) return bytesToHex(sha256(data));
  throw new TypeError(`sha256Hex: data must be a string or a Uint8Array, got ${data === null ? 'null' : typeof data}`);
}
