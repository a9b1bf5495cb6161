/**
 * What every kind of verification shares: its check lines, and the input files found by name among
 * the --inputs and checked against the digests the signature covers.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InputError } from './errors.ts';
import { sha256File } from './io.ts';

/** One line of a verification: what was checked, whether it held, and the evidence. */
export interface VerifyCheck {
  check: string;
  ok: boolean;
  detail: string;
}

/** The file named `name` among `places` (files, or folders holding it), or undefined. */
async function findInput(name: string, places: readonly string[]): Promise<string | undefined> {
  for (const place of places) {
    const s = await stat(place).catch(() => undefined);
    if (!s) throw new InputError(`${place}: no such file or directory (given with --inputs)`);
    if (s.isFile() && basename(place) === name) return place;
    if (s.isDirectory() && (await readdir(place)).includes(name)) return join(place, name);
  }
  return undefined;
}

/**
 * Find each signed input among `places` by its file name and compare its SHA-256 with the signed
 * one: a check line per input, and per input the file found with a matching digest (undefined when
 * missing or changed), in the order of `inputs`.
 */
export async function checkInputDigests(inputs: readonly { role: string; path: string; sha256: string }[], places: readonly string[]): Promise<{ checks: VerifyCheck[]; files: (string | undefined)[] }> {
  const checks: VerifyCheck[] = [];
  const files: (string | undefined)[] = [];
  for (const input of inputs) {
    const name = basename(input.path);
    const path = await findInput(name, places);
    if (!path) {
      checks.push({ check: `input ${input.role}`, ok: false, detail: `${name} not found in ${places.join(', ')}` });
      files.push(undefined);
      continue;
    }
    const d = await sha256File(path);
    const ok = d.sha256 === input.sha256;
    checks.push({ check: `input ${input.role}`, ok, detail: ok ? `${path}: sha256 matches` : `${path}: sha256 ${d.sha256} differs from the signed ${input.sha256} (the file changed)` });
    files.push(ok ? path : undefined);
  }
  return { checks, files };
}
