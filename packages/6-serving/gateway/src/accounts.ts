/**
 * API keys → accounts. The config holds only SHA-256 digests of the keys (plaintext keys in the
 * file are hashed on load), so a leaked config or heap dump does not leak usable keys. A presented
 * key is hashed and compared against every digest with `crypto.timingSafeEqual`, without stopping
 * at a match: the time taken depends on how many keys exist, never on how much of a key was right
 * (comparing the digests, not the keys, also hides the key's length).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type AccountConfig } from './config.ts';

export interface AccountRegistry {
  /** The account whose API key is `apiKey`, or null. Constant-time in the key's content. */
  authenticate(apiKey: string | null): AccountConfig | null;
  readonly accounts: readonly AccountConfig[];
}

/** SHA-256 of an API key, hex: what `apiKeySha256` in the config holds. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** The key of an `Authorization: Bearer <key>` header (case-insensitive scheme), or null. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1]! : null;
}

export function createAccountRegistry(accounts: readonly AccountConfig[]): AccountRegistry {
  const entries = accounts.flatMap((account) => account.apiKeyDigests.map((digest) => ({ account, digest: Buffer.from(digest) })));
  return {
    accounts,
    authenticate(apiKey) {
      // Hash even a missing key so that "no key" and "wrong key" cost the same.
      const presented = createHash('sha256').update(apiKey ?? '', 'utf8').digest();
      let found: AccountConfig | null = null;
      for (const e of entries) {
        // No early exit: every digest is compared whatever matched before.
        if (timingSafeEqual(presented, e.digest) && apiKey !== null) found = e.account;
      }
      return found;
    },
  };
}
