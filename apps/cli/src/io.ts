/**
 * File input and output at the CLI's edge: reading text and JSONL with errors that name the file
 * and line, writing secrets owner-only, and refusing to overwrite unless asked.
 */
import { createReadStream, constants as fsConstants } from 'node:fs';
import { chmod, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { decodeUtf8 } from '@tracemark/corpora';
import { InputError, IoError } from './errors.ts';

function describeFsError(err: NodeJS.ErrnoException, path: string, verb: string): Error {
  if (err.code === 'ENOENT') return new InputError(`${path}: no such file`);
  if (err.code === 'EISDIR') return new InputError(`${path}: is a directory, expected a file`);
  if (err.code === 'EACCES' || err.code === 'EPERM') return new IoError(`${path}: permission denied (${verb})`);
  return new IoError(`${path}: cannot ${verb} (${err.code ?? err.message})`);
}

/** A whole text input (a file, or stdin for `-`), strictly UTF-8 (`decodeUtf8` names the bad byte). */
export async function readTextInput(path: string): Promise<string> {
  if (path === '-') return decodeUtf8(await readStdin(), '(stdin)');
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw describeFsError(e as NodeJS.ErrnoException, path, 'read');
  }
  return decodeUtf8(bytes, path);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** One parsed JSONL record with its 1-based line number. */
export interface JsonlRecord {
  readonly line: number;
  readonly value: Record<string, unknown>;
}

/** Part of a file that starts at a line start and ends after a newline (see `splitRanges`); `firstLine`: lines before `start`. */
export interface LineRange {
  readonly start: number;
  readonly end: number;
  readonly firstLine: number;
}

/** Stream a file's non-blank lines (or those of one range of it) with their 1-based numbers (bounded memory). */
export async function* readLines(path: string, range?: LineRange): AsyncGenerator<{ line: number; text: string }> {
  if (path !== '-') {
    try {
      const s = await stat(path);
      if (s.isDirectory()) throw new InputError(`${path}: is a directory, expected a JSONL file`);
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw describeFsError(e as NodeJS.ErrnoException, path, 'read');
    }
  }
  // Lines are split on raw bytes and each is decoded strictly, so invalid UTF-8 is refused with its
  // line and byte offset instead of being read as U+FFFD.
  if (range && (path === '-' || range.end <= range.start)) throw new RangeError(`readLines: a range needs a file and start < end, got ${path} ${range.start}-${range.end}`);
  const input = path === '-' ? process.stdin : createReadStream(path, range ? { start: range.start, end: range.end - 1 } : {});
  const name = path === '-' ? '(stdin)' : path;
  let pending: Buffer = Buffer.alloc(0);
  let offset = range?.start ?? 0;
  let line = range?.firstLine ?? 0;
  // (A byte-order mark at the start is dropped by the decoder.)
  const decodeLine = (bytes: Buffer, at: number): string => {
    line++;
    const end = bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    return decodeUtf8(bytes.subarray(0, end), name, { offset: at, line });
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const buf = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
        const text = decodeLine(buf.subarray(start, nl), offset + start);
        if (text.trim() !== '') yield { line, text };
        start = nl + 1;
      }
      offset += start;
      pending = buf.subarray(start);
    }
    if (pending.length > 0) {
      const text = decodeLine(pending, offset);
      if (text.trim() !== '') yield { line, text };
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw describeFsError(e as NodeJS.ErrnoException, path, 'read');
  }
}

/** Parse one JSONL line into an object, or throw InputError naming `path:line`. */
export function parseJsonlLine(path: string, line: number, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}:${line}: malformed JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${path}:${line}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Stream a JSONL file record by record (bounded memory). Blank lines are skipped; a line that is
 * not a JSON object raises InputError naming `file:line`.
 */
export async function* readJsonl(path: string): AsyncGenerator<JsonlRecord> {
  for await (const { line, text } of readLines(path)) yield { line, value: parseJsonlLine(path, line, text) };
}

/**
 * The one rule for every output path, checked before any work starts: its folder must exist (no
 * command creates folders implicitly; a missing folder is a usage error, exit 2, like a missing
 * input), the path must not be a folder, and an existing file is replaced only with `force`.
 * `mayExist`: the command appends to or resumes the file (probe transcripts).
 */
export async function checkOutput(path: string, options: { force?: boolean; mayExist?: boolean } = {}): Promise<void> {
  const dir = dirname(path);
  const folder = await stat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new InputError(`${path}: folder ${dir} does not exist (create it first)`);
    throw describeFsError(e, dir, 'write');
  });
  if (!folder.isDirectory()) throw new InputError(`${path}: ${dir} is not a folder`);
  let existing;
  try {
    existing = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw describeFsError(e as NodeJS.ErrnoException, path, 'write');
  }
  if (existing.isDirectory()) throw new InputError(`${path}: is a folder; give a file name inside it`);
  if (!options.force && !options.mayExist) throw new InputError(`${path}: already exists (use --force to overwrite)`);
}


/**
 * Write a file atomically (temp file + rename). `secret` files are created with mode 0600 so only
 * the owner can read them; without `force` an existing file is never replaced.
 */
export async function writeOutput(path: string, data: string, options: { force?: boolean; secret?: boolean } = {}): Promise<void> {
  await writeOutputs([{ path, data, ...(options.secret ? { secret: true } : {}) }], options);
}

/** One file of a set written together by `writeOutputs`. */
export interface OutputFile {
  readonly path: string;
  readonly data: string;
  /** Owner-only (0600): key and signer files. */
  readonly secret?: boolean;
}

/**
 * Write a set of files all or nothing: every path is checked (`checkOutput`), every file is
 * written to a temporary file beside it and synced, and only then are they renamed into place.
 * A failure before the renames removes the temporary files and leaves none of the set behind
 * (a signer without its public key, a JSON report without its HTML page).
 */
export async function writeOutputs(files: readonly OutputFile[], options: { force?: boolean } = {}): Promise<void> {
  for (const f of files) await checkOutput(f.path, options);
  const temps: string[] = [];
  try {
    for (const f of files) {
      const mode = f.secret ? 0o600 : 0o644;
      const tmp = `${f.path}.tmp-${process.pid}`;
      temps.push(tmp);
      const fh = await open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC, mode).catch((e: NodeJS.ErrnoException) => {
        throw describeFsError(e, f.path, 'write');
      });
      try {
        await fh.writeFile(f.data, 'utf8');
        await fh.sync();
      } finally {
        await fh.close();
      }
      await chmod(tmp, mode);
    }
    for (const [i, f] of files.entries()) await rename(temps[i]!, f.path);
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    if (e instanceof InputError || e instanceof IoError) throw e;
    throw describeFsError(e as NodeJS.ErrnoException, files[0]?.path ?? '', 'write');
  }
}


/** SHA-256 of a file's bytes, streamed (hex), for the input digests of reports. */
export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (e) {
    throw describeFsError(e as NodeJS.ErrnoException, path, 'read');
  }
  return { sha256: hash.digest('hex'), bytes };
}
