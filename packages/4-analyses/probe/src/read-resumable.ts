/**
 * A JSONL file that a crashed run may have left torn (a probe transcript, a prediction cache), read
 * to resume it. The complete lines (through the last newline) must be UTF-8: a bad byte there is an
 * error naming the file, the line and the byte, never text replaced by U+FFFD (which would also put
 * every byte offset computed from the text after it out of place). The bytes after the last newline
 * are a line the crash cut, or a complete line whose newline was never written; they are decoded
 * only if they are UTF-8, since a tear can fall inside a character.
 */
import { readFile } from 'node:fs/promises';
import { decodeUtf8 } from '@tracemark/corpora';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface ResumableFile {
  /** The complete lines, decoded, through the last newline (the text ends with it). */
  readonly complete: string;
  /** Bytes of the complete lines: where a torn tail starts. */
  readonly completeBytes: number;
  /** The bytes after the last newline, decoded; null when they are not UTF-8 (torn inside a character). */
  readonly tail: string | null;
  readonly tailBytes: number;
}

/** The file as `ResumableFile`, or null when it does not exist. */
export async function readResumable(path: string): Promise<ResumableFile | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const completeBytes = bytes.lastIndexOf(0x0a) + 1;
  const head = bytes.subarray(0, completeBytes);
  let complete: string;
  try {
    complete = strict.decode(head);
  } catch {
    // Name the line: decode line by line until the bad one throws.
    let start = 0;
    for (let line = 1; start < completeBytes; line++) {
      const end = head.indexOf(0x0a, start) + 1;
      decodeUtf8(head.subarray(start, end), path, { offset: start, line });
      start = end;
    }
    throw new Error(`${path}: invalid UTF-8 the line-by-line pass did not find`); // unreachable: the whole failed
  }
  let tail: string | null;
  try {
    tail = strict.decode(bytes.subarray(completeBytes));
  } catch {
    tail = null;
  }
  return { complete, completeBytes, tail, tailBytes: bytes.length - completeBytes };
}
