/**
 * `tracemark signer init` and `tracemark signer export-public`: the ed25519 key that signs
 * commitments and reports. The signer file is written owner-only; the public key file is what a
 * lab publishes so anyone can verify.
 */
import { createSigner, parseSigner, serializePublicKey, serializeSigner } from '@tracemark/evidence';
import { readTextInput, writeOutput, writeOutputs } from '../io.ts';
import { type CommandGroup, defineCommand, flag, option } from '../command.ts';

export async function signerInit(o: { out: string; force?: boolean; publicOut?: string }): Promise<{ signerId: string; out: string; publicOut: string | null }> {
  const signer = createSigner();
  try {
    // Both files or neither: a secret without its public key cannot be published or verified.
    await writeOutputs(
      [{ path: o.out, data: serializeSigner(signer), secret: true }, ...(o.publicOut ? [{ path: o.publicOut, data: serializePublicKey(signer) }] : [])],
      { force: o.force ?? false },
    );
  } finally {
    signer.secretKey.fill(0);
  }
  return { signerId: signer.signerId, out: o.out, publicOut: o.publicOut ?? null };
}

export async function loadSigner(path: string) {
  return parseSigner(await readTextInput(path), path);
}

export async function signerExportPublic(o: { signer: string; out?: string; force?: boolean }): Promise<{ signerId: string; publicKey: string; text: string }> {
  const signer = await loadSigner(o.signer);
  const text = serializePublicKey(signer);
  signer.secretKey.fill(0);
  if (o.out) await writeOutput(o.out, text, { force: o.force ?? false });
  return { signerId: signer.signerId, publicKey: Buffer.from(signer.publicKey).toString('hex'), text };
}

export const command: CommandGroup = {
  name: 'signer',
  description: 'ed25519 signing keys for commitments and reports',
  subcommands: [
    defineCommand({
      name: 'init',
      description: 'create a signing key (owner-only file); optionally write its public key',
      options: {
        out: option('--out <file>', 'signer file to write (keep it secret)').required(),
        publicOut: option('--public-out <file>', 'also write the public key file'),
        force: flag('--force', 'overwrite existing files'),
        json: flag('--json', 'print {signerId, out, publicOut} as JSON'),
      },
      async run({ json, ...o }, { emit }) {
        const r = await signerInit(o);
        emit(json, r, `wrote signer ${r.signerId} to ${r.out} (mode 600: keep it secret)${r.publicOut ? `; public key to ${r.publicOut}` : ''}`);
      },
    }),
    defineCommand({
      name: 'export-public',
      description: 'print or write the public key of a signer file',
      options: {
        signer: option('--signer <file>', 'signer file').required(),
        out: option('--out <file>', 'write the public key file here instead of printing it'),
        force: flag('--force', 'overwrite an existing file'),
      },
      async run(o, { io }) {
        const r = await signerExportPublic(o);
        io.stdout(o.out ? `wrote public key of ${r.signerId} to ${o.out}\n` : r.text);
      },
    }),
  ],
};
