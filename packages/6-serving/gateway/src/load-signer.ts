/**
 * The lab's ed25519 signer for log checkpoints: a `tracemark signer init` file, read once at start.
 * Its secret key stays in memory while the gateway runs (every checkpoint needs it); a file that is
 * missing or not a signer is a configuration error naming the file, found before the port is bound.
 */
import { readFile } from 'node:fs/promises';
import { EvidenceError, parseSigner, type Signer } from '@tracemark/evidence';
import { ConfigError } from './config.ts';

/** @throws ConfigError naming `path` and `field` (the config field that named it). */
export async function loadSigner(path: string, field: string): Promise<Signer> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path} (${field}): ${code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? (e as Error).message})`}`);
  }
  try {
    return parseSigner(text, path);
  } catch (e) {
    if (e instanceof EvidenceError) throw new ConfigError(`${e.message} (${field})`);
    throw e;
  }
}
