/**
 * `tracemark keygen`: create a watermark key file (owner-only permissions, never overwritten
 * without --force). Only the public part is printed.
 */
import { getTokenizer } from '@tracemark/tokenizers';
import { generateKey, publicKeyInfo, serializeKey, type ParamOverrides, type SchemeName } from '@tracemark/watermark';
import { writeOutput } from '../io.ts';
import { listTokenizers } from '@tracemark/tokenizers';
import { type KgwParams, SCHEMES } from '@tracemark/watermark';
import { defineCommand, flag, option } from '../command.ts';
import { parseNumber, parseSynthIdKeys } from '../option-parsers.ts';

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

/** KGW's two seeding variants (Kirchenbauer et al. 2023b, §3): the key type lists them, not an array. */
const KGW_SEEDINGS = ['lefthash', 'selfhash'] as const satisfies readonly KgwParams['seeding'][];

export const command = defineCommand({
  name: 'keygen',
  description: 'create a watermark key (written owner-only; the secret is never printed)',
  options: {
    scheme: option('--scheme <scheme>', 'watermark scheme', { choices: SCHEMES }).required(),
    tokenizer: option('--tokenizer <name|path>', `${listTokenizers().join(', ')}, or a tokenizer.json path`).default('o200k_base'),
    gamma: option('--gamma <γ>', 'green fraction (kgw, unigram)', { parse: parseNumber('gamma', 0, 0.99) }),
    delta: option('--delta <δ>', 'logit bias for green tokens (kgw, unigram)', { parse: parseNumber('delta', 0, 100) }),
    context: option('--context <h>', 'context width in tokens (kgw, gumbel, synthid), 1–8', { parse: parseNumber('context', 1, 8, true) }),
    seeding: option('--seeding <variant>', 'kgw seeding', { choices: KGW_SEEDINGS }),
    layers: option('--layers <m>', 'tournament layers (synthid), 1–32', { parse: parseNumber('layers', 1, 32, true) }),
    keys: option('--keys <k1,k2,…>', "synthid-hf: transformers' SynthIDTextWatermarkingConfig keys to import (default: 30 random keys)", { parse: parseSynthIdKeys }),
    ngramLen: option('--ngram-len <n>', 'synthid-hf: ngram_len, 2–16 (default 5)', { parse: parseNumber('ngram-len', 2, 16, true) }),
    samplingTableSize: option('--sampling-table-size <n>', 'synthid-hf: sampling_table_size, a power of two (default 65536)', { parse: parseNumber('sampling-table-size', 2, 2 ** 24, true) }),
    samplingTableSeed: option('--sampling-table-seed <n>', 'synthid-hf: sampling_table_seed (default 0)', { parse: parseNumber('sampling-table-seed', 0, Number.MAX_SAFE_INTEGER, true) }),
    contextHistorySize: option('--context-history-size <n>', 'synthid-hf: context_history_size (default 1024)', { parse: parseNumber('context-history-size', 1, 1_000_000, true) }),
    out: option('--out <file>', 'where to write the key').required(),
    force: flag('--force', 'overwrite an existing key file'),
    json: flag('--json', 'print {keyId, scheme, tokenizer, params} as JSON'),
  },
  async run({ gamma, delta, context, seeding, layers, keys, ngramLen, samplingTableSize, samplingTableSeed, contextHistorySize, json, ...o }, { emit }) {
    const params = { gamma, delta, context, seeding, layers, ngramLen, samplingTableSize, samplingTableSeed, contextHistorySize };
    const r = await keygen({ ...o, params, ...(keys !== undefined ? { synthidKeys: keys } : {}) });
    const { out: _out, ...pub } = r;
    emit(json, pub, renderKeygen(r));
  },
});
