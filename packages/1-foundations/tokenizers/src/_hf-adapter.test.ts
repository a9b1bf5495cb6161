import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { getTokenizer, TokenizerError } from './index.ts';

/** GPT-2's byte-to-unicode alphabet (openai/gpt-2, encoder.py `bytes_to_unicode`), in byte order. */
function byteLevelAlphabet(): string[] {
  const alphabet: string[] = [];
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    alphabet.push(String.fromCharCode(printable ? byte : 256 + shifted++));
  }
  return alphabet;
}

/**
 * A minimal byte-level BPE tokenizer.json, written by hand: the 256 byte symbols (ids 0–255),
 * the given merges (ids from 256), then a special added token and a non-special one.
 */
function byteLevelBpe(merges: Array<[string, string]>): object {
  const vocab: Record<string, number> = {};
  byteLevelAlphabet().forEach((symbol, id) => (vocab[symbol] = id));
  for (const [left, right] of merges) vocab[left + right] = Object.keys(vocab).length;
  const next = Object.keys(vocab).length;
  const added = (id: number, content: string, special: boolean): object => ({
    id,
    content,
    special,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added(next, '<|end|>', true), added(next + 1, '<sep>', false)],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: merges.map(([left, right]) => `${left} ${right}`),
    },
  };
}

const THE: Array<[string, string]> = [
  ['Ġ', 't'],
  ['h', 'e'],
  ['Ġt', 'he'],
];

let directory: string;
const write = async (relative: string, content: string | object): Promise<string> => {
  const path = join(directory, relative);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tracemark-hf-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('a hand-written byte-level BPE tokenizer.json', () => {
  test('loads by path under the name hf:<file name>, applies its merges and round-trips any text', async () => {
    const tokenizer = await getTokenizer(await write('a/tokenizer.json', byteLevelBpe(THE)));
    expect(tokenizer.name).toBe('hf:tokenizer.json');
    expect(tokenizer.vocabSize).toBe(256 + 3 + 2);
    expect(tokenizer.identity()).toMatchObject({ name: 'hf:tokenizer.json', vocabSize: 261 });
    expect(Array.from(tokenizer.encode(' the'))).toEqual([258]);
    expect(Array.from(tokenizer.encode('the'))).toEqual(['t'.charCodeAt(0), 257]);
    for (const text of ['Hello, world!', 'emoji 👩‍👩‍👧 CJK 中文 cafe\u0301 a\u200Bb \uFEFF', ' the the\n\tthe  ']) {
      expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    }
  });

  test('encodes its special token string as text, but matches its non-special added token', async () => {
    const tokenizer = await getTokenizer(join(directory, 'a/tokenizer.json'));
    const withSpecial = tokenizer.encode('a<|end|>b');
    expect(Array.from(withSpecial)).not.toContain(259);
    expect(withSpecial.length).toBe('a<|end|>b'.length);
    expect(tokenizer.decode(withSpecial)).toBe('a<|end|>b');
    expect(Array.from(tokenizer.encode('a<sep>b'))).toEqual(['a'.charCodeAt(0), 260, 'b'.charCodeAt(0)]);
    expect(tokenizer.decode([259])).toBe('<|end|>');
  });

  test('two different files with the same name have the same name but different identities', async () => {
    const first = await getTokenizer(join(directory, 'a/tokenizer.json'));
    const second = await getTokenizer(await write('b/tokenizer.json', byteLevelBpe(THE.slice(0, 2))));
    expect(second.name).toBe(first.name);
    expect(second.identity().hash).not.toBe(first.identity().hash);
    expect(first.identity().hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('concurrent requests for one spec share one load and one instance', async () => {
    const path = await write('c/tokenizer.json', byteLevelBpe(THE));
    const [first, second] = await Promise.all([getTokenizer(path), getTokenizer(path)]);
    expect(second).toBe(first);
    expect(await getTokenizer(path)).toBe(first);
  });

  test('a relative path and a path ending in .json are paths, not names', async () => {
    const relative = join(directory, 'a/tokenizer.json').replace(process.cwd(), '.');
    expect((await getTokenizer(relative)).name).toBe('hf:tokenizer.json');
    await expect(getTokenizer('no-such-file.json')).rejects.toThrow('tokenizer file "no-such-file.json" does not exist');
  });
});

describe('a WordLevel tokenizer.json (not byte-level)', () => {
  test('decodes through the library decoder, which joins words with spaces', async () => {
    const wordLevel = {
      version: '1.0',
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: { type: 'WhitespaceSplit' },
      post_processor: null,
      decoder: null,
      model: { type: 'WordLevel', vocab: { '[UNK]': 0, hello: 1, world: 2 }, unk_token: '[UNK]' },
    };
    const tokenizer = await getTokenizer(await write('words.json', wordLevel));
    expect(tokenizer.name).toBe('hf:words.json');
    expect(Array.from(tokenizer.encode('hello   world foo'))).toEqual([1, 2, 0]);
    expect(tokenizer.decode([1, 2, 0])).toBe('hello world [UNK]');
    expect(() => tokenizer.decode([3])).toThrow('token id 3 at position 0 is not in the hf:words.json vocabulary (ids 0…2)');
  });
});

describe('errors name the spec or the file', () => {
  test('an unknown name lists the known ones', async () => {
    await expect(getTokenizer('foo')).rejects.toThrow(TokenizerError);
    await expect(getTokenizer('foo')).rejects.toThrow(
      'unknown tokenizer "foo" (known: o200k_base, cl100k_base, llama3, qwen3, deepseek_v3, or a path to tokenizer.json)',
    );
    await expect(getTokenizer('')).rejects.toThrow('unknown tokenizer ""');
  });

  test('a missing file', async () => {
    const path = join(directory, 'missing/tokenizer.json');
    await expect(getTokenizer(path)).rejects.toThrow(TokenizerError);
    await expect(getTokenizer(path)).rejects.toThrow(`tokenizer file ${JSON.stringify(path)} does not exist`);
  });

  test('a directory', async () => {
    await expect(getTokenizer(`${directory}/`)).rejects.toThrow(/is a directory; give the path of the tokenizer.json inside it$/);
  });

  test.each([
    ['truncated JSON', '{"model": {', /is not valid JSON: /],
    ['a JSON array', '[]', /is not a Hugging Face tokenizer.json: the top level is not a JSON object$/],
    ['no model', '{"version": "1.0"}', /is not a Hugging Face tokenizer.json: it has no "model" object$/],
    ['a model without vocab', '{"model": {"type": "BPE"}}', /is not a Hugging Face tokenizer.json: "model" has no "vocab"$/],
    ['a bad added token', '{"model": {"type": "BPE", "vocab": {}, "merges": []}, "added_tokens": [{"id": "x"}]}', /added_tokens\[0\] needs an integer "id"/],
    ['an unknown model type', '{"model": {"type": "Mystery", "vocab": {"a": 0}}}', /its model type "Mystery" is not one of BPE, WordPiece, WordLevel, Unigram$/],
    ['a model the library cannot build', '{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": 7}}', /could not be loaded: /],
    ['an empty vocabulary', '{"model": {"type": "WordLevel", "vocab": {}}}', /its vocabulary is empty$/],
  ])('%s is a TokenizerError naming the file', async (_title, content, message) => {
    const path = await write(`malformed-${Math.random().toString(36).slice(2)}.json`, content);
    const failure = getTokenizer(path);
    await expect(failure).rejects.toThrow(TokenizerError);
    await expect(failure).rejects.toThrow(`tokenizer file ${JSON.stringify(path)} `);
    await expect(failure).rejects.toThrow(message);
  });

  test('a failed load is not cached: fixing the file and asking again works', async () => {
    const path = await write('fixed-later.json', '{"oops"');
    await expect(getTokenizer(path)).rejects.toThrow(/is not valid JSON/);
    await write('fixed-later.json', byteLevelBpe(THE));
    expect((await getTokenizer(path)).name).toBe('hf:fixed-later.json');
  });
});
