import { generateKey, serializeKey, parseKey } from '@tracemark/watermark';
import { describe, expect, it } from 'vitest';
import { commitKey, verifyCommitment } from './commitment.ts';
import { createSigner } from './signer.ts';
import { tamperEveryField } from './testing.ts';

const tokenizer = { name: 'o200k_base', vocabSize: 200019, hash: 'sha256:1caaeb8c189a' };

describe('key commitments', () => {
  const signer = createSigner();
  const key = generateKey({ scheme: 'kgw', tokenizer });

  it('verify with the key that was committed, and name the mismatch for any other', () => {
    const env = commitKey(key, signer, new Date('2026-01-01T00:00:00Z'));
    const check = verifyCommitment(env, signer.publicKey, key);
    expect(check).toEqual({ keyId: key.keyId, committedAt: '2026-01-01T00:00:00.000Z', signer: signer.signerId, keyMatches: true });
    expect(verifyCommitment(env, signer.publicKey).keyMatches).toBeNull();
    expect(() => verifyCommitment(env, signer.publicKey, generateKey({ scheme: 'kgw', tokenizer }))).toThrow(/committed key is tmk_.*, the key given is tmk_/);
    // The same secret and id but an edited file is refused when the key is parsed; a different secret with the same id cannot exist.
    const doc = JSON.parse(serializeKey(key));
    doc.secret = doc.secret.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    expect(() => parseKey(JSON.stringify(doc))).toThrow(/does not match/);
    expect(JSON.stringify(env)).not.toContain(Buffer.from(key.secret).toString('hex'));
  });

  it('fails when any field of the signed commitment changes by one byte, or with the wrong public key', () => {
    const env = commitKey(key, signer);
    expect(tamperEveryField(env, (e) => verifyCommitment(e, signer.publicKey, key))).toEqual([]);
    expect(() => verifyCommitment(env, createSigner().publicKey, key)).toThrow(/no signature by/);
  });
});
