/**
 * `tracemark commit`: a signed, dated commitment to a watermark key (id, scheme, parameters,
 * tokenizer, and a hash commitment to the secret), to publish before a suspect is released.
 */
import { commitKey } from '@tracemark/evidence';
import { writeOutput } from '../io.ts';
import { loadKeyFile } from '../keys.ts';
import { loadSigner } from './signer.ts';
import { defineCommand, flag, option } from '../command.ts';

export async function commit(o: { key: string; signer: string; out: string; force?: boolean }): Promise<{ keyId: string; signerId: string; out: string; committedAt: string }> {
  const key = await loadKeyFile(o.key);
  const signer = await loadSigner(o.signer);
  const at = new Date();
  const env = commitKey(key, signer, at);
  key.secret.fill(0);
  signer.secretKey.fill(0);
  await writeOutput(o.out, `${JSON.stringify(env, null, 2)}\n`, { force: o.force ?? false });
  return { keyId: key.keyId, signerId: signer.signerId, out: o.out, committedAt: at.toISOString() };
}

export const command = defineCommand({
  name: 'commit',
  description: 'sign a dated commitment to a watermark key (publish it before suspects are released)',
  options: {
    key: option('--key <file>', 'watermark key file').required(),
    signer: option('--signer <file>', 'signer file').required(),
    out: option('--out <file>', 'commitment file to write (DSSE envelope)').required(),
    force: flag('--force', 'overwrite an existing file'),
    json: flag('--json', 'print the summary as JSON'),
  },
  async run({ json, ...o }, { emit }) {
    const r = await commit(o);
    emit(json, r, `committed to key ${r.keyId} at ${r.committedAt}, signed by ${r.signerId}: ${r.out}`);
  },
});
