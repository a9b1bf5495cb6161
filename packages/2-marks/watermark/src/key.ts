/**
 * Watermark keys: generation, the versioned JSON file format, key ids, and HKDF sub-keys.
 *
 * A key binds a scheme, its parameters and a tokenizer identity to a 256-bit secret. The `keyId`
 * is a SHA-256 over all of them with domain separation, so it names the key publicly without
 * revealing the secret, and a key file whose parameters were edited no longer matches its id.
 * Sub-keys are derived with HKDF-SHA256 (RFC 5869) with one `info` label per purpose, so the same
 * secret never keys two functions. Per-account keys for a serving lab are HKDF-derived from a
 * master key and the account name.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '@tracemark/encoding';
import { type TokenizerIdentity } from '@tracemark/tokenizers';
import {
  type GumbelParams,
  type KgwParams,
  type SchemeName,
  type SchemeParams,
  type SynthIdHfParams,
  type SynthIdParams,
  type UnigramParams,
  type WatermarkKey,
} from './types.ts';
import { InputError } from '@tracemark/errors';

export const KEY_FILE_TYPE = 'tracemark.watermark-key';
export const KEY_FORMAT_VERSION = 1;
export const SCHEMES: readonly SchemeName[] = ['kgw', 'unigram', 'gumbel', 'synthid', 'synthid-hf'];

/** Raised for an invalid key file or invalid scheme parameters; `message` is one line. */
export class KeyError extends InputError {
  override name = 'KeyError';
}

/** Defaults follow each scheme's paper: KGW γ=0.25 δ=2 h=1; Unigram γ=0.5 δ=2; SynthID m=30, 5-grams. */
export const DEFAULT_PARAMS: {
  readonly kgw: KgwParams;
  readonly unigram: UnigramParams;
  readonly gumbel: GumbelParams;
  readonly synthid: SynthIdParams;
  readonly 'synthid-hf': SynthIdHfParams;
} = {
  kgw: { gamma: 0.25, delta: 2, context: 1, seeding: 'lefthash' },
  unigram: { gamma: 0.5, delta: 2 },
  gumbel: { context: 4 },
  synthid: { context: 4, layers: 30 },
  // transformers' SynthIDTextWatermarkingConfig defaults (its documented example uses 30 keys, 5-grams).
  'synthid-hf': { ngramLen: 5, layers: 30, samplingTableSize: 2 ** 16, samplingTableSeed: 0, contextHistorySize: 1024 },
};

export interface ParamOverrides {
  gamma?: number;
  delta?: number;
  context?: number;
  seeding?: string;
  layers?: number;
  ngramLen?: number;
  samplingTableSize?: number;
  samplingTableSeed?: number;
  contextHistorySize?: number;
}

function checkRange(name: string, v: unknown, lo: number, hi: number, integer: boolean, openLo = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v > hi || (openLo ? v <= lo : v < lo)) {
    const range = `${openLo ? '(' : '['}${lo}, ${hi}]`;
    throw new KeyError(`${name} must be ${integer ? 'an integer' : 'a number'} in ${range}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Validate and complete scheme parameters; unknown fields are rejected. */
export function resolveParams(scheme: SchemeName, overrides: ParamOverrides = {}): SchemeParams {
  const allowed: Record<SchemeName, readonly string[]> = {
    kgw: ['gamma', 'delta', 'context', 'seeding'],
    unigram: ['gamma', 'delta'],
    gumbel: ['context'],
    synthid: ['context', 'layers'],
    'synthid-hf': ['ngramLen', 'layers', 'samplingTableSize', 'samplingTableSeed', 'contextHistorySize'],
  };
  if (!SCHEMES.includes(scheme)) throw new KeyError(`unknown scheme ${JSON.stringify(scheme)} (known: ${SCHEMES.join(', ')})`);
  for (const [name, value] of Object.entries(overrides)) {
    if (value !== undefined && !allowed[scheme].includes(name)) {
      throw new KeyError(`parameter ${name} does not apply to scheme ${scheme} (it takes: ${allowed[scheme].join(', ')})`);
    }
  }
  const o = { ...DEFAULT_PARAMS[scheme], ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) } as Record<string, unknown>;
  switch (scheme) {
    case 'kgw': {
      if (o.seeding !== 'lefthash' && o.seeding !== 'selfhash') {
        throw new KeyError(`seeding must be "lefthash" or "selfhash", got ${JSON.stringify(o.seeding)}`);
      }
      return {
        gamma: checkRange('gamma', o.gamma, 0, 0.99, false, true),
        delta: checkRange('delta', o.delta, 0, 100, false),
        context: checkRange('context', o.context, 1, 8, true),
        seeding: o.seeding,
      } satisfies KgwParams;
    }
    case 'unigram':
      return { gamma: checkRange('gamma', o.gamma, 0, 0.99, false, true), delta: checkRange('delta', o.delta, 0, 100, false) } satisfies UnigramParams;
    case 'gumbel':
      return { context: checkRange('context', o.context, 1, 8, true) } satisfies GumbelParams;
    case 'synthid':
      return { context: checkRange('context', o.context, 1, 8, true), layers: checkRange('layers', o.layers, 1, 32, true) } satisfies SynthIdParams;
    case 'synthid-hf': {
      const size = checkRange('samplingTableSize', o.samplingTableSize, 2, 2 ** 24, true);
      // Power of two only: then a position's g-values depend on its n-gram hash mod the size
      // alone, which is what makes the deduplicated test exact (synthid-hf.ts).
      if ((size & (size - 1)) !== 0) throw new KeyError(`samplingTableSize must be a power of two (tracemark's exact test needs it), got ${size}`);
      return {
        ngramLen: checkRange('ngramLen', o.ngramLen, 2, 16, true),
        layers: checkRange('layers', o.layers, 1, 128, true),
        samplingTableSize: size,
        samplingTableSeed: checkRange('samplingTableSeed', o.samplingTableSeed, 0, Number.MAX_SAFE_INTEGER, true),
        contextHistorySize: checkRange('contextHistorySize', o.contextHistorySize, 1, 1_000_000, true),
      } satisfies SynthIdHfParams;
    }
  }
}

/** The public description of a key: everything but the secret, as canonical JSON (sorted keys, no spaces), so its hash does not depend on property order. */
export function keyDescriptor(key: Pick<WatermarkKey, 'scheme' | 'params' | 'tokenizer' | 'account'>): string {
  return canonicalJson({ scheme: key.scheme, params: key.params, tokenizer: key.tokenizer, account: key.account });
}

/** `tmk_` + 128 bits of SHA-256("tracemark/key-id/v1" ‖ 0 ‖ descriptor ‖ 0 ‖ secret). */
export function computeKeyId(key: Pick<WatermarkKey, 'scheme' | 'params' | 'tokenizer' | 'account' | 'secret'>): string {
  const descriptor = utf8ToBytes(`tracemark/key-id/v1\u0000${keyDescriptor(key)}\u0000`);
  const input = new Uint8Array(descriptor.length + key.secret.length);
  input.set(descriptor);
  input.set(key.secret, descriptor.length);
  const digest = sha256(input);
  input.fill(0);
  return `tmk_${bytesToHex(digest.subarray(0, 16))}`;
}

export interface GenerateKeyOptions {
  scheme: SchemeName;
  tokenizer: TokenizerIdentity;
  params?: ParamOverrides;
  /** 32 bytes; random when omitted. Tests pass one for reproducibility. Not for synthid-hf. */
  secret?: Uint8Array;
  /** synthid-hf: transformers' `keys` to import (their count sets `layers`); random 64-bit keys when omitted. */
  synthidKeys?: readonly bigint[];
  createdAt?: Date;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * For synthid-hf the keys are the secret: the key file's 32-byte `secret` is their SHA-256 (with
 * domain separation), so the key id and a published commitment bind the exact key list.
 */
export function synthidKeysSecret(keys: readonly bigint[]): Uint8Array {
  for (const k of keys) if (k < INT64_MIN || k > INT64_MAX) throw new KeyError(`synthid-hf key ${k} is outside the signed 64-bit range`);
  return sha256(utf8ToBytes(`tracemark/synthid-hf-keys/v1\u0000${keys.join(',')}`));
}

/** A new key with a fresh 256-bit secret from the platform CSPRNG. */
export function generateKey(options: GenerateKeyOptions): WatermarkKey {
  if (options.scheme === 'synthid-hf') return generateSynthIdHfKey(options);
  if (options.synthidKeys !== undefined) throw new KeyError(`synthidKeys apply only to scheme synthid-hf, not ${options.scheme}`);
  const params = resolveParams(options.scheme, options.params);
  const secret = options.secret ? Uint8Array.from(options.secret) : randomBytes(32);
  if (secret.length !== 32) throw new KeyError(`secret must be 32 bytes, got ${secret.length}`);
  const base = { scheme: options.scheme, params, tokenizer: options.tokenizer, secret };
  return {
    version: 1,
    keyId: computeKeyId(base),
    ...base,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
  };
}

function generateSynthIdHfKey(options: GenerateKeyOptions): WatermarkKey {
  if (options.secret !== undefined && options.synthidKeys !== undefined) throw new KeyError('synthid-hf takes synthidKeys or a secret to derive them from, not both');
  const layers = options.synthidKeys?.length ?? options.params?.layers ?? DEFAULT_PARAMS['synthid-hf'].layers;
  if (options.params?.layers !== undefined && options.params.layers !== layers) {
    throw new KeyError(`layers ${options.params.layers} does not match the ${layers} keys given`);
  }
  const params = resolveParams('synthid-hf', { ...options.params, layers });
  // Without imported keys: random ones, or (for reproducible tests) ones derived from `secret`.
  const material = options.secret ? hkdf(sha256, options.secret, utf8ToBytes('tracemark/synthid-hf-keys/v1'), utf8ToBytes('keys'), 8 * layers) : randomBytes(8 * layers);
  const synthidKeys = options.synthidKeys
    ? [...options.synthidKeys]
    : Array.from({ length: layers }, (_, l) => BigInt.asIntN(64, BigInt(`0x${bytesToHex(material.subarray(8 * l, 8 * l + 8))}`)));
  material.fill(0);
  const base = { scheme: 'synthid-hf' as const, params, tokenizer: options.tokenizer, secret: synthidKeysSecret(synthidKeys) };
  return { version: 1, keyId: computeKeyId(base), ...base, synthidKeys, createdAt: (options.createdAt ?? new Date()).toISOString() };
}

/**
 * The key an account of a serving lab is watermarked with: same scheme, parameters and tokenizer,
 * secret = HKDF(master secret, salt "tracemark/account/v1", info = account name). Anyone holding
 * the master key can re-derive every account key; an account key reveals nothing of the master.
 */
export function deriveAccountKey(master: WatermarkKey, account: string): WatermarkKey {
  if (account.length === 0) throw new KeyError('account name must not be empty');
  if (master.account !== undefined) throw new KeyError(`key ${master.keyId} is already an account key`);
  if (master.scheme === 'synthid-hf') throw new KeyError('synthid-hf keys are imported from transformers as they are; per-account derivation does not apply');
  const secret = hkdf(sha256, master.secret, utf8ToBytes('tracemark/account/v1'), utf8ToBytes(account), 32);
  const base = { scheme: master.scheme, params: master.params, tokenizer: master.tokenizer, account, secret };
  return { version: 1, keyId: computeKeyId(base), ...base, createdAt: master.createdAt };
}

/**
 * 16 bytes of HKDF-SHA256 output for one purpose, e.g. `green`. The info string carries the key id
 * (which commits to scheme, parameters and tokenizer), so one secret reused with other parameters
 * still yields unrelated sub-keys. The caller zeroes the result after use.
 */
export function deriveSubkey(key: WatermarkKey, purpose: string): Uint8Array {
  return hkdf(sha256, key.secret, utf8ToBytes('tracemark/subkey/v1'), utf8ToBytes(`${key.keyId}/${purpose}`), 16);
}

/** The on-disk JSON form. The secret is hex; the file must be written owner-only. */
export function serializeKey(key: WatermarkKey): string {
  const doc = {
    type: KEY_FILE_TYPE,
    version: KEY_FORMAT_VERSION,
    keyId: key.keyId,
    scheme: key.scheme,
    params: key.params,
    tokenizer: key.tokenizer,
    ...(key.account !== undefined ? { account: key.account } : {}),
    createdAt: key.createdAt,
    secret: bytesToHex(key.secret),
    // Decimal strings: JSON numbers lose precision above 2^53.
    ...(key.synthidKeys !== undefined ? { synthidKeys: key.synthidKeys.map(String) } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Parse and verify a key file's text. `source` names the file in error messages. */
export function parseKey(text: string, source = 'key'): WatermarkKey {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new KeyError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (doc === null || typeof doc !== 'object' || doc.type !== KEY_FILE_TYPE) {
    throw new KeyError(`${source}: not a tracemark watermark key (expected "type": "${KEY_FILE_TYPE}")`);
  }
  if (doc.version !== KEY_FORMAT_VERSION) {
    throw new KeyError(`${source}: unsupported key format version ${JSON.stringify(doc.version)} (this tracemark reads version ${KEY_FORMAT_VERSION})`);
  }
  const scheme = doc.scheme as SchemeName;
  if (!SCHEMES.includes(scheme)) throw new KeyError(`${source}: unknown scheme ${JSON.stringify(doc.scheme)}`);
  let params: SchemeParams;
  try {
    params = resolveParams(scheme, (doc.params ?? {}) as ParamOverrides);
  } catch (e) {
    throw new KeyError(`${source}: ${(e as Error).message}`);
  }
  const tok = doc.tokenizer as Record<string, unknown> | undefined;
  if (!tok || typeof tok.name !== 'string' || typeof tok.vocabSize !== 'number' || typeof tok.hash !== 'string') {
    throw new KeyError(`${source}: missing or invalid "tokenizer" {name, vocabSize, hash}`);
  }
  if (typeof doc.secret !== 'string' || !/^[0-9a-f]{64}$/i.test(doc.secret)) {
    throw new KeyError(`${source}: "secret" must be 64 hex characters`);
  }
  const account = typeof doc.account === 'string' ? doc.account : undefined;
  const base = {
    scheme,
    params,
    tokenizer: { name: tok.name, vocabSize: tok.vocabSize, hash: tok.hash },
    secret: hexToBytes(doc.secret),
    ...(account !== undefined ? { account } : {}),
  };
  let synthidKeys: bigint[] | undefined;
  if (scheme === 'synthid-hf') {
    const list = doc.synthidKeys;
    if (!Array.isArray(list) || !list.every((k) => typeof k === 'string' && /^-?[0-9]{1,20}$/.test(k))) {
      throw new KeyError(`${source}: "synthidKeys" must be an array of decimal integer strings`);
    }
    synthidKeys = list.map((k) => BigInt(k as string));
    if (synthidKeys.length !== (params as SynthIdHfParams).layers) throw new KeyError(`${source}: ${synthidKeys.length} synthidKeys for ${(params as SynthIdHfParams).layers} layers`);
    let digest: Uint8Array;
    try {
      digest = synthidKeysSecret(synthidKeys);
    } catch (e) {
      throw new KeyError(`${source}: ${(e as Error).message}`);
    }
    if (bytesToHex(digest) !== (doc.secret as string).toLowerCase()) throw new KeyError(`${source}: "secret" is not the digest of "synthidKeys" (the file was edited or corrupted)`);
  }
  const keyId = computeKeyId(base);
  if (doc.keyId !== keyId) {
    throw new KeyError(`${source}: keyId ${JSON.stringify(doc.keyId)} does not match the key's contents (the file was edited or corrupted)`);
  }
  return { version: 1, keyId, ...base, ...(synthidKeys !== undefined ? { synthidKeys } : {}), createdAt: typeof doc.createdAt === 'string' ? doc.createdAt : '' };
}

/** What may be shown or reported about a key: never the secret. */
export function publicKeyInfo(key: WatermarkKey): {
  keyId: string;
  scheme: SchemeName;
  tokenizer: TokenizerIdentity;
  params: SchemeParams;
  account?: string;
} {
  return {
    keyId: key.keyId,
    scheme: key.scheme,
    tokenizer: key.tokenizer,
    params: key.params,
    ...(key.account !== undefined ? { account: key.account } : {}),
  };
}
