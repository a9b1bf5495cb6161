/**
 * OpenAI's tiktoken encodings (o200k_base: GPT-4o, o1, o3, GPT-4.1; cl100k_base: GPT-4,
 * GPT-3.5-turbo), encoded by `gpt-tokenizer`, a pure-JS port of tiktoken. Each encoding is
 * imported through its own entry point (`gpt-tokenizer/encoding/o200k_base`), so only its rank
 * table loads.
 *
 * Ids follow tiktoken's definition of the encoding (openai/tiktoken, tiktoken_ext/openai_public.py):
 * the mergeable ranks are ids 0 … rankCount-1 and the special tokens sit at their published ids.
 * gpt-tokenizer adds chat tokens of its own (`<|im_start|>` at 200003 in o200k_base) that
 * tiktoken's o200k_base does not have; we never emit them and do not count them as vocabulary,
 * so the identity hash describes the encoding OpenAI published, not a library's extras.
 *
 * `vocabSize` is tiktoken's `n_vocab` (largest defined id + 1): 200019 for o200k_base and
 * 100277 for cl100k_base. gpt-tokenizer's `vocabularySize` reports 200006 and 100264 (ranks plus
 * its own special-token count), which is not even larger than its own largest id (200006), so
 * it cannot size a logits vector. Ids inside the range that the encoding leaves unassigned
 * (199998 and 200000–200017 in o200k_base) are holes: `decode` rejects them and the hash marks
 * them as unassigned.
 *
 * Encoding treats special-token strings as text (`disallowedSpecial: new Set()`), adds no BOS or
 * EOS, and is lossless: `decode(encode(s)) === s` for every well-formed string.
 */

import { ByteTable } from './_byte-table.ts';
import { type BytePairCore, FastO200kEncoder } from './_o200k-fast.ts';
import { type Tokenizer, type TokenizerIdentity } from './tokenizer.ts';
import { TokenizerError } from './tokenizer-error.ts';
import { vocabularyHash } from './vocabulary-hash.ts';

type Rank = string | number[];

interface TiktokenEncoding {
  readonly name: string;
  /** Number of mergeable ranks, checked on load so a changed table in a new gpt-tokenizer release fails loudly. */
  readonly rankCount: number;
  /** tiktoken's `n_vocab`. */
  readonly vocabSize: number;
  /** tiktoken's special tokens of this encoding, by id. */
  readonly specialTokens: ReadonlyMap<number, string>;
  readonly load: () => Promise<{ encode: (text: string, options: { disallowedSpecial: Set<string> }) => number[]; ranks: readonly Rank[]; core?: BytePairCore }>;
}

export const O200K_BASE: TiktokenEncoding = {
  name: 'o200k_base',
  rankCount: 199_998,
  vocabSize: 200_019,
  specialTokens: new Map([
    [199_999, '<|endoftext|>'],
    [200_018, '<|endofprompt|>'],
  ]),
  load: async () => {
    const [encoding, ranks] = await Promise.all([import('gpt-tokenizer/encoding/o200k_base'), import('gpt-tokenizer/bpeRanks/o200k_base')]);
    // The byte-pair core behind `encode`, for the fast path (`_o200k-fast.ts`); gpt-tokenizer is
    // pinned to one version, and the fast path's test compares it with `encode` on every run.
    return { encode: encoding.encode, ranks: ranks.default, core: (encoding.default as unknown as { bytePairEncodingCoreProcessor: BytePairCore }).bytePairEncodingCoreProcessor };
  },
};

export const CL100K_BASE: TiktokenEncoding = {
  name: 'cl100k_base',
  rankCount: 100_256,
  vocabSize: 100_277,
  specialTokens: new Map([
    [100_257, '<|endoftext|>'],
    [100_258, '<|fim_prefix|>'],
    [100_259, '<|fim_middle|>'],
    [100_260, '<|fim_suffix|>'],
    [100_276, '<|endofprompt|>'],
  ]),
  load: async () => {
    const [encoding, ranks] = await Promise.all([import('gpt-tokenizer/encoding/cl100k_base'), import('gpt-tokenizer/bpeRanks/cl100k_base')]);
    return { encode: encoding.encode, ranks: ranks.default };
  },
};

/** Loads a tiktoken encoding. @throws TokenizerError when the bundled rank table is not the expected size. */
export async function loadTiktokenTokenizer(encoding: TiktokenEncoding): Promise<Tokenizer> {
  const { name, rankCount, vocabSize, specialTokens } = encoding;
  const { encode, ranks, core } = await encoding.load();
  if (ranks.length !== rankCount) {
    throw new TokenizerError(`gpt-tokenizer's ${name} table has ${ranks.length} ranks, expected ${rankCount}; the installed gpt-tokenizer is not the one this package was built for`);
  }
  // Special-token strings in the input are text, never control tokens (and never an exception).
  const asText = { disallowedSpecial: new Set<string>() };
  const fast = core ? new FastO200kEncoder(core) : undefined;
  let byteTable: ByteTable | undefined;
  let identity: TokenizerIdentity | undefined;
  const table = (): ByteTable => {
    byteTable ??= new ByteTable(name, vocabSize, (id) => (id < rankCount ? ranks[id] : (specialTokens.get(id) ?? null)));
    return byteTable;
  };

  return Object.freeze({
    name,
    vocabSize,
    identity(): TokenizerIdentity {
      identity ??= Object.freeze({ name, vocabSize, hash: vocabularyHash(table().tokens()) });
      return identity;
    },
    encode(text: string): Uint32Array {
      if (typeof text !== 'string') throw new TypeError(`${name}.encode: text must be a string, got ${typeof text}`);
      // gpt-tokenizer returns number[]; one copy into a typed array costs ~1% of encoding (measured).
      return fast?.encode(text) ?? Uint32Array.from(encode(text, asText));
    },
    decode(ids: ArrayLike<number>): string {
      return table().decode(ids);
    },
  });
}
