/**
 * The one tokenizer interface every package speaks. A watermark is defined over token ids, so a
 * key, a model and a detection result all record the tokenizer's identity (its name plus a hash
 * of its vocabulary), and detection with a different tokenizer is refused.
 */

/** Name, vocabulary size and a SHA-256 over the vocabulary in id order. */
export interface TokenizerIdentity {
  /** Canonical name, for example `o200k_base`, `llama3`, or `hf:<file name>`. */
  readonly name: string;
  /**
   * Number of token ids (ids are `0 … vocabSize - 1`): the largest id the tokenizer defines,
   * special tokens included, plus one. Some ids in the range may be unassigned (o200k_base has
   * 19). A model's output layer can be larger still (Qwen3 pads to 151936 logits, DeepSeek-V3 to
   * 129280); the ids past `vocabSize` are never produced by the tokenizer and cannot be decoded.
   */
  readonly vocabSize: number;
  /** `sha256:<hex>` over the vocabulary (see `vocabularyHash`). */
  readonly hash: string;
}

export interface Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  /** Computed lazily on first use and cached: hashing a 200k vocabulary takes ~50–150 ms. */
  identity(): TokenizerIdentity;
  /**
   * The ids of `text` as the model would see them inside a longer document: no BOS, EOS or other
   * added special tokens, and special-token strings such as `<|endoftext|>` in the text are
   * encoded as ordinary text, never as control tokens.
   *
   * @throws TypeError when `text` is not a string.
   */
  encode(text: string): Uint32Array;
  /**
   * The text of `ids`. For byte-level vocabularies (all built-ins) `decode(encode(s)) === s` for
   * every well-formed string, except where the tokenizer normalizes its input (qwen3: NFC). Ids
   * whose bytes are not valid UTF-8 on their own (half of a character) decode to U+FFFD.
   *
   * @throws TokenizerError naming the first id that is not an assigned id of the vocabulary.
   */
  decode(ids: ArrayLike<number>): string;
}
