/**
 * The bytes of every token of a byte-level vocabulary, packed into one buffer with an offset
 * table. Decoding concatenates token bytes and runs one UTF-8 decode, which is exactly how
 * tiktoken and Hugging Face's ByteLevel decoder define `decode`; hashing walks the same table, so
 * the identity hash and the decoder can never disagree about what an id means.
 *
 * One flat buffer (≈1.5 MB for o200k_base) instead of 200k small arrays keeps the table compact
 * and cheap to build.
 */

import { TokenizerError } from './tokenizer-error.ts';

const utf8Encoder = new TextEncoder();
// ignoreBOM: a text that starts with U+FEFF must keep it, or `decode(encode(s)) !== s`.
const utf8Decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export class ByteTable {
  readonly #bytes: Uint8Array;
  /** Token `id` is `bytes[starts[id] … starts[id + 1])`. */
  readonly #starts: Uint32Array;
  /** 1 where the id is assigned, 0 for a hole (an id the tokenizer never defines). */
  readonly #assigned: Uint8Array;
  readonly #name: string;
  readonly size: number;

  /**
   * @param name - the tokenizer's name, for error messages.
   * @param size - the number of ids; ids without a token are holes.
   * @param tokenAt - the token of an id: its bytes, a string (taken as UTF-8), or null for a hole.
   *   The bytes are copied at once, so the callback may reuse one buffer.
   */
  constructor(name: string, size: number, tokenAt: (id: number) => ArrayLike<number> | string | null) {
    this.#name = name;
    this.size = size;
    this.#starts = new Uint32Array(size + 1);
    this.#assigned = new Uint8Array(size);
    let bytes = new Uint8Array(size * 8);
    let used = 0;
    for (let id = 0; id < size; id++) {
      this.#starts[id] = used;
      const token = tokenAt(id);
      if (token === null) continue;
      this.#assigned[id] = 1;
      const need = typeof token === 'string' ? token.length * 3 : token.length;
      if (used + need > bytes.length) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, used + need));
        grown.set(bytes.subarray(0, used));
        bytes = grown;
      }
      if (typeof token === 'string') {
        used += utf8Encoder.encodeInto(token, bytes.subarray(used)).written;
      } else {
        bytes.set(token, used);
        used += token.length;
      }
    }
    this.#starts[size] = used;
    this.#bytes = bytes.slice(0, used);
  }

  /** The tokens in id order (views into the table; null for holes), as `vocabularyHash` takes them. */
  *tokens(): Generator<Uint8Array | null> {
    const starts = this.#starts;
    for (let id = 0; id < this.size; id++) {
      yield this.#assigned[id] === 1 ? this.#bytes.subarray(starts[id], starts[id + 1]) : null;
    }
  }

  /**
   * Concatenates the bytes of `ids` and decodes them as UTF-8. Byte sequences that are not valid
   * UTF-8 (a window that cuts a character in two) decode to U+FFFD, as in tiktoken.
   *
   * @throws TokenizerError naming the first id that is not an assigned id of this vocabulary.
   */
  decode(ids: ArrayLike<number>): string {
    const n = ids.length;
    const starts = this.#starts;
    const assigned = this.#assigned;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (!(Number.isInteger(id) && id >= 0 && id < this.size && assigned[id] === 1)) {
        throw new TokenizerError(this.#describeBadId(id, i));
      }
      total += starts[id + 1] - starts[id];
    }
    const out = new Uint8Array(total);
    const bytes = this.#bytes;
    let p = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const end = starts[id + 1];
      // A plain byte loop: 16 ms for 1 MB of text vs 40 ms with `out.set(bytes.subarray(…))`, which
      // allocates a view per token (measured, o200k_base, Node 20).
      for (let k = starts[id]; k < end; k++) out[p++] = bytes[k];
    }
    return utf8Decoder.decode(out);
  }

  #describeBadId(id: number, position: number): string {
    const where = `token id ${String(id)} at position ${position}`;
    if (!(Number.isInteger(id) && id >= 0 && id < this.size)) {
      return `${where} is outside the ${this.#name} vocabulary (ids 0…${this.size - 1})`;
    }
    return `${where} is not assigned to any token in the ${this.#name} vocabulary`;
  }
}
