import { utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { type Envelope, openEnvelope, pae, signStatement, type Statement, STATEMENT_TYPE } from './dsse.ts';
import { createSigner, parsePublicKey, parseSigner, serializePublicKey, serializeSigner } from './signer.ts';

describe('DSSE', () => {
  it('PAE matches the DSSE v1 specification example', () => {
    // secure-systems-lab/dsse protocol.md: PAE("http://example.com/HelloWorld", "hello world").
    expect(new TextDecoder().decode(pae('http://example.com/HelloWorld', utf8ToBytes('hello world')))).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
  });

  const signer = createSigner();
  const statement: Statement<{ n: number }> = { _type: STATEMENT_TYPE, subject: [{ name: 'a', digest: { sha256: '00'.repeat(32) } }], predicateType: 'x', predicate: { n: 1 } };

  it('round-trips and rejects any other key, payload, type or signature', () => {
    const env = signStatement(statement, signer);
    expect(openEnvelope(env, signer.publicKey).predicate).toEqual({ n: 1 });
    const other = createSigner();
    expect(() => openEnvelope(env, other.publicKey)).toThrow(/no signature by ed25519:/);
    const payload = Buffer.from(env.payload, 'base64');
    payload[payload.length - 3] ^= 1;
    expect(() => openEnvelope({ ...env, payload: payload.toString('base64') }, signer.publicKey)).toThrow(/signature does not verify/);
    expect(() => openEnvelope({ ...env, payloadType: 'application/json' }, signer.publicKey)).toThrow(/payloadType/);
    const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
    sig[0] ^= 1;
    const bad: Envelope = { ...env, signatures: [{ keyid: env.signatures[0]!.keyid, sig: sig.toString('base64') }] };
    expect(() => openEnvelope(bad, signer.publicKey)).toThrow(/signature does not verify/);
    expect(() => openEnvelope({ ...env, signatures: [{ ...env.signatures[0]!, keyid: 'ed25519:00' }] }, signer.publicKey)).toThrow(/no signature by/);
  });

  it('signer files round-trip; the public key file carries no secret', () => {
    const back = parseSigner(serializeSigner(signer), 's.json');
    expect(back.signerId).toBe(signer.signerId);
    const pub = serializePublicKey(signer);
    expect(pub).not.toContain(Buffer.from(signer.secretKey).toString('hex'));
    expect(parsePublicKey(pub).signerId).toBe(signer.signerId);
    const doc = JSON.parse(serializeSigner(signer));
    doc.publicKey = Buffer.from(createSigner().publicKey).toString('hex');
    expect(() => parseSigner(JSON.stringify(doc), 's.json')).toThrow(/publicKey does not match secretKey/);
  });
});
