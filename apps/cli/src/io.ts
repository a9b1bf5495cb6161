/**
 * File input and output at the CLI's edge: reading text and JSONL with errors that name the file
 * and line, writing secrets owner-only, and refusing to overwrite unless asked.
 */
import { createReadStream, constants as fsConstants } from 'node:fs';
import { chmod, open, readFile, rename, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { InputError, IoError } from './errors.ts';

function describeFsError(err: NodeJS.ErrnoException, path: string, verb: string): Error {
  if (err.code === 'ENOENT') return new InputError(`${path}: no such file`);
  if (err.code === 'EISDIR') return new InputError(`${path}: is a directory, expected a file`);
  if (err.code === 'EACCES' || err.code === 'EPERM') return new IoError(`${path}: permission denied (${verb})`);
  return new IoError(`${path}: cannot ${verb} (${err.code ?? err.message})`);
}

export async function readTextInput(path: string): Promise<string> {
  if (path === '-') return readStdin();
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw describeFsError(e as NodeJS.ErrnoException, path, 'read');
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One parsed JSONL record with its 1-based line number. */
export interface JsonlRecord {
  readonly line: number;
  readonly value: Record<string, unknown>;
}

/** Stream a file's non-blank lines with their 1-based numbers (bounded memory). */
export async function* readLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  if (path !== '-') {
    try {
      const s = await stat(path);
      if (s.isDirectory()) throw new InputError(`${path}: is a directory, expected a JSONL file`);
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw describeFsError(e as NodeJS.ErrnoException, path, 'read');
    }
  }
  const input = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of rl) {
      line++;
      if (text.trim() !== '') yield { line, text };
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw describeFsError(e as NodeJS.ErrnoException, path, 'read');
  } finally {
    rl.close();
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

/** Throw InputError when `path` exists (outputs are never replaced without --force). */
export async function refuseOverwrite(path: string): Promise<void> {
  try {
    await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw describeFsError(e as NodeJS.ErrnoException, path, 'write');
  }
  throw new InputError(`${path}: already exists (use --force to overwrite)`);
}

/**
 * Write a file atomically (temp file + rename). `secret` files are created with mode 0600 so only
 * the owner can read them; without `force` an existing file is never replaced.
 */
export async function writeOutput(path: string, data: string, options: { force?: boolean; secret?: boolean } = {}): Promise<void> {
  if (!options.force) await refuseOverwrite(path);
  const mode = options.secret ? 0o600 : 0o644;
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fh = await open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC, mode);
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw describeFsError(e as NodeJS.ErrnoException, path, 'write');
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
