/**
 * The one UTF-8 decoder for every command that reads text (WHATWG Encoding Standard §8.1, strict:
 * overlong forms, surrogates and code points above U+10FFFF are errors). Text that is not UTF-8
 * is refused, naming the file, the line when known, and the byte offset where the bytes stop being
 * UTF-8: replacing bad bytes with U+FFFD would score, audit or attack text that was never in the
 * file, and random bytes must not come out as a finished analysis.
 */
import { SourceFormatError } from './source-format-error.ts';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decode `bytes` as UTF-8 (a leading byte-order mark is dropped).
 *
 * Method: the platform's fatal decoder; only on failure, a binary search for the longest prefix
 * that is valid UTF-8 or a valid start of it (O(n log n), error path only), then back to the first
 * byte of the sequence that failed.
 *
 * @param bytes - the raw text.
 * @param file - named in the error.
 * @param at - `offset`: byte offset of `bytes` in the file (default 0); `line`: 1-based line to name.
 * @throws SourceFormatError `file[:line]: invalid UTF-8 at byte N (offset in the file)`.
 * @example
 * decodeUtf8(Uint8Array.of(0x68, 0x69), 'a.txt'); // 'hi'
 * decodeUtf8(Uint8Array.of(0x68, 0xff), 'a.txt'); // throws "a.txt: invalid UTF-8 at byte 1"
 */
export function decodeUtf8(bytes: Uint8Array, file: string, at: { offset?: number; line?: number } = {}): string {
  try {
    return strict.decode(bytes);
  } catch {
    const offset = (at.offset ?? 0) + firstInvalidByte(bytes);
    throw new SourceFormatError(file, at.line, `invalid UTF-8 at byte ${offset} (the file must be UTF-8 text)`);
  }
}

function validPrefix(bytes: Uint8Array, length: number): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
    return true;
  } catch {
    return false;
  }
}

function firstInvalidByte(bytes: Uint8Array): number {
  // Largest L whose prefix is valid or an incomplete-but-valid start (monotone in L).
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (validPrefix(bytes, mid)) lo = mid;
    else hi = mid - 1;
  }
  // The failing sequence starts at the lead byte of an unfinished sequence ending at lo, if any.
  let start = lo;
  while (start > 0 && lo - start < 3 && (bytes[start - 1]! & 0xc0) === 0x80) start--;
  if (start > 0 && bytes[start - 1]! >= 0xc0 && lo - start < 3) return start - 1;
  // Whole text valid but unfinished (a truncated last character): the lead byte of that tail.
  return lo === bytes.length ? Math.max(0, lo - 1) : lo;
}
