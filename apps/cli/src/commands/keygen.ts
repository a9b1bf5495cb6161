/**
 * `tracemark keygen`: create a watermark key file (owner-only permissions, never overwritten
 * without --force). Only the public part is printed.
 */
import { getTokenizer } from '@tracemark/tokenizers';
import { generateKey, publicKeyInfo, serializeKey, type ParamOverrides, type SchemeName } from '@tracemark/watermark';
import { writeOutput } from '../io.ts';

export interface KeygenOptions {
  scheme: SchemeName;
  tokenizer: string;
  params: ParamOverrides;
  /** synthid-hf: transformers' `keys`, imported as they are. */
  synthidKeys?: readonly bigint[];
  out: string;
  force?: boolean;
}

export type KeygenResult = ReturnType<typeof publicKeyInfo> & { out: string };

export async function keygen(o: KeygenOptions): Promise<KeygenResult> {
  const tokenizer = await getTokenizer(o.tokenizer);
  const key = generateKey({ scheme: o.scheme, tokenizer: tokenizer.identity(), params: o.params, ...(o.synthidKeys !== undefined ? { synthidKeys: o.synthidKeys } : {}) });
  try {
    await writeOutput(o.out, serializeKey(key), { force: o.force ?? false, secret: true });
  } finally {
    key.secret.fill(0);
  }
  return { ...publicKeyInfo(key), out: o.out };
}

export function renderKeygen(r: KeygenResult): string {
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
  return `wrote ${r.scheme} key ${r.keyId} (${params}; tokenizer ${r.tokenizer.name}) to ${r.out} (mode 600: keep it secret)`;
}
