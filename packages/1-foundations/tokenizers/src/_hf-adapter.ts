/**
 * Hugging Face `tokenizer.json` tokenizers (the format of the `tokenizers` library), run by
 * `@lenml/tokenizers`, a dependency-free fork of transformers.js's tokenizer code. Used for the
 * bundled llama3, qwen3 and deepseek_v3 vocabularies and for any `tokenizer.json` on disk.
 *
 * Three deliberate departures from `tokenizer.encode(text)`, all for scoring arbitrary text:
 * - No BOS/EOS or template tokens: the text is run through normalizer → pre-tokenizer → model
 *   only (`_encode_text`), never through the post-processor.
 * - Special added tokens (`"special": true`, e.g. `<|endoftext|>`, `<|begin_of_text|>`) are not
 *   matched in the input; their strings are tokenized as ordinary text. This is the
 *   `split_special_tokens=True` behaviour of transformers. Non-special added tokens (Qwen3's
 *   `<think>`) are still matched, as every Hugging Face tokenizer does, because a model that
 *   writes them emits them as one id.
 * - Decoding never "cleans up tokenization spaces" (that rewrite of " ." to "." is lossy).
 *
 * Lossless round trip, `decode(encode(s)) === s`: holds for byte-level BPE vocabularies (GPT-2
 * style, which llama3, qwen3 and deepseek_v3 are) on any well-formed string, except that a
 * normalizer runs first: Qwen3's NFC normalizer makes the round trip return `s.normalize('NFC')`.
 * Other models (WordPiece, Unigram/Metaspace, WordLevel) may lower-case, drop or re-space text.
 */

import { ByteTable } from './_byte-table.ts';
import { type Tokenizer, type TokenizerIdentity } from './tokenizer.ts';
import { TokenizerError } from './tokenizer-error.ts';
import { vocabularyHash } from './vocabulary-hash.ts';

/** The parts of a `@lenml/tokenizers` PreTrainedTokenizer this adapter relies on. */
interface LenmlTokenizer {
  added_tokens: ReadonlyArray<{ content: string; id: number; special: boolean }>;
  added_tokens_map: Map<string, unknown>;
  added_tokens_splitter: { split(text: string): string[] };
  model: { vocab: Array<string | undefined>; tokens_to_ids: Map<string, number>; unk_token_id: number | undefined };
  _encode_text(text: string): string[];
  decode_single(ids: number[], options: { skip_special_tokens: boolean; clean_up_tokenization_spaces: boolean }): string;
}

type Json = Record<string, unknown>;

/**
 * Builds a Tokenizer from the parsed content of a `tokenizer.json`.
 *
 * @param name - the canonical name (`llama3`, `hf:tokenizer.json`).
 * @param json - the parsed file.
 * @param source - how to name the origin in an error message (`tokenizer file "/x/tokenizer.json"`).
 * @throws TokenizerError when the JSON is not a usable Hugging Face tokenizer.
 */
export async function createHfTokenizer(name: string, json: unknown, source: string): Promise<Tokenizer> {
  const problem = describeShapeProblem(json);
  if (problem !== undefined) throw new TokenizerError(`${source} is not a Hugging Face tokenizer.json: ${problem}`);
  const tokenizerJson = json as Json;
  const model = tokenizerJson.model as Json;

  const { TokenizerLoader } = await import('@lenml/tokenizers');
  let tok: LenmlTokenizer;
  try {
    tok = TokenizerLoader.fromPreTrained({
      tokenizerJSON: {
        // Stages a hand-written file leaves out mean "none", as in the Rust library.
        normalizer: null,
        pre_tokenizer: null,
        post_processor: null,
        decoder: null,
        ...tokenizerJson,
        added_tokens: (tokenizerJson.added_tokens as unknown[] | undefined) ?? [],
      },
      // The generic class: tokenizer.json alone defines the pipeline, as in the Rust `tokenizers`
      // library. The library's WordLevel model takes its unknown token from the config.
      tokenizerConfig: {
        tokenizer_class: 'PreTrainedTokenizerFast',
        clean_up_tokenization_spaces: false,
        ...(typeof model.unk_token === 'string' ? { unk_token: model.unk_token } : {}),
      },
    }) as unknown as LenmlTokenizer;
  } catch (error) {
    throw new TokenizerError(`${source} could not be loaded: ${oneLine(error)}`);
  }

  // split_special_tokens: only non-special added tokens are matched in the input text.
  const matched = tok.added_tokens.filter((token) => !token.special);
  const Splitter = tok.added_tokens_splitter.constructor as new (words: string[]) => LenmlTokenizer['added_tokens_splitter'];
  tok.added_tokens_splitter = new Splitter(matched.map((token) => token.content));
  tok.added_tokens_map = new Map(matched.map((token) => [token.content, token]));

  const vocab = tok.model.vocab;
  const tokensToIds = tok.model.tokens_to_ids;
  const unknownId = tok.model.unk_token_id;
  const vocabSize = vocab.length;
  if (vocabSize === 0) throw new TokenizerError(`${source} is not a Hugging Face tokenizer.json: its vocabulary is empty`);

  // Built on first decode; null when decoding must go through the library's decoder.
  let byteTable: ByteTable | null | undefined = isByteLevel(tokenizerJson) ? undefined : null;
  let identity: TokenizerIdentity | undefined;

  return Object.freeze({
    name,
    vocabSize,
    identity(): TokenizerIdentity {
      identity ??= Object.freeze({ name, vocabSize, hash: vocabularyHash(vocabularyInIdOrder(vocab)) });
      return identity;
    },
    encode(text: string): Uint32Array {
      if (typeof text !== 'string') throw new TypeError(`${name}.encode: text must be a string, got ${typeof text}`);
      const pieces = tok._encode_text(text);
      const ids = new Uint32Array(pieces.length);
      for (let i = 0; i < pieces.length; i++) {
        const id = tokensToIds.get(pieces[i]) ?? unknownId;
        if (id === undefined) {
          throw new TokenizerError(`${name}: the model produced a token ${JSON.stringify(pieces[i])} that is not in its vocabulary, and it has no unknown token`);
        }
        ids[i] = id;
      }
      return ids;
    },
    decode(ids: ArrayLike<number>): string {
      if (byteTable === undefined) byteTable = buildByteLevelTable(name, vocab, tok.added_tokens) ?? null;
      if (byteTable !== null) return byteTable.decode(ids);
      const list = Array.from(ids);
      list.forEach((id, position) => {
        if (!(Number.isInteger(id) && id >= 0 && id < vocabSize && vocab[id] !== undefined)) {
          throw new TokenizerError(`token id ${String(id)} at position ${position} is not in the ${name} vocabulary (ids 0…${vocabSize - 1})`);
        }
      });
      if (list.length === 0) return '';
      return tok.decode_single(list, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
    },
  });
}

function* vocabularyInIdOrder(vocab: ReadonlyArray<string | undefined>): Generator<string | null> {
  for (let id = 0; id < vocab.length; id++) yield vocab[id] ?? null;
}

/** The model types of the Hugging Face `tokenizers` library. */
const MODEL_TYPES: readonly string[] = ['BPE', 'WordPiece', 'WordLevel', 'Unigram'];

/** What makes `json` unusable, in a few words, or undefined when it has the required parts. */
function describeShapeProblem(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'the top level is not a JSON object';
  const { model, added_tokens: addedTokens } = json as Json;
  if (typeof model !== 'object' || model === null || Array.isArray(model)) return 'it has no "model" object';
  const { type, vocab } = model as Json;
  if (type !== undefined && !MODEL_TYPES.includes(type as string)) {
    return `its model type ${JSON.stringify(type)} is not one of ${MODEL_TYPES.join(', ')}`;
  }
  if (typeof vocab !== 'object' || vocab === null) return '"model" has no "vocab"';
  if (addedTokens !== undefined && !Array.isArray(addedTokens)) return '"added_tokens" is not an array';
  for (const [index, token] of ((addedTokens as unknown[] | undefined) ?? []).entries()) {
    const { id, content } = (token ?? {}) as Json;
    if (!Number.isInteger(id) || (id as number) < 0 || typeof content !== 'string') {
      return `added_tokens[${index}] needs an integer "id" and a string "content"`;
    }
  }
  return undefined;
}

function isByteLevel(json: Json): boolean {
  const decoder = json.decoder as Json | null | undefined;
  return decoder?.type === 'ByteLevel';
}

/**
 * The byte table of a byte-level BPE vocabulary: every model token is a string over GPT-2's
 * byte-to-unicode alphabet (Radford et al. 2019, `bytes_to_unicode` in openai/gpt-2 encoder.py);
 * added tokens decode to their content verbatim, as in transformers. Returns undefined when a
 * model token uses a character outside that alphabet; decoding then goes through the library.
 */
function buildByteLevelTable(
  name: string,
  vocab: ReadonlyArray<string | undefined>,
  addedTokens: ReadonlyArray<{ content: string; id: number }>,
): ByteTable | undefined {
  const added = new Set(addedTokens.map((token) => token.id));
  const byteOf = unicodeToByte();
  let longest = 0;
  for (let id = 0; id < vocab.length; id++) {
    const token = vocab[id];
    if (token === undefined || added.has(id)) continue;
    for (let i = 0; i < token.length; i++) if (!(byteOf[token.charCodeAt(i)] >= 0)) return undefined;
    longest = Math.max(longest, token.length);
  }
  // The table copies each token as soon as it gets it, so one scratch buffer serves every token.
  const scratch = new Uint8Array(longest);
  return new ByteTable(name, vocab.length, (id) => {
    const token = vocab[id];
    if (token === undefined) return null;
    if (added.has(id)) return token;
    for (let i = 0; i < token.length; i++) scratch[i] = byteOf[token.charCodeAt(i)];
    return scratch.subarray(0, token.length);
  });
}

/** GPT-2's `bytes_to_unicode`, inverted: code unit → byte, -1 where the code unit is not in the alphabet. */
function unicodeToByte(): Int16Array {
  const table = new Int16Array(512).fill(-1);
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    table[printable ? byte : 256 + shifted++] = byte;
  }
  return table;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
