/**
 * `tracemark signer init` and `tracemark signer export-public`: the ed25519 key that signs
 * commitments and reports. The signer file is written owner-only; the public key file is what a
 * lab publishes so anyone can verify.
 */
import { createSigner, parseSigner, serializePublicKey, serializeSigner } from '@tracemark/evidence';
import { readTextInput, writeOutput, writeOutputs } from '../io.ts';

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
