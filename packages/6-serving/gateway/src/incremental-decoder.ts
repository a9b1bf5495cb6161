/**
 * Token ids → text, one token at a time, for streaming. A token can end in the middle of a UTF-8
 * character (byte-level BPE) or change how the text before it decodes (SentencePiece's leading
 * space), so each step decodes a short window — the tokens since the last committed boundary —
 * and emits only the part of it that is final: the standard "prefix offset / read offset" method
 * of streaming detokenizers (as in Hugging Face text-generation-inference). The concatenation of
 * the pieces equals `decode(all ids)` for byte-level tokenizers. O(window) per token.
 */
import { type Tokenizer } from '@tracemark/tokenizers';

/** Hold at most this many tokens waiting for a character to complete (a UTF-8 character spans ≤ 4 bytes). */
const MAX_PENDING = 4;

export class IncrementalDecoder {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;

  constructor(private readonly tokenizer: Pick<Tokenizer, 'decode'>) {}

  /** The text that `id` completes (possibly empty while a character is incomplete). */
  push(id: number): string {
    this.ids.push(id);
    const prefix = this.tokenizer.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const text = this.tokenizer.decode(this.ids.slice(this.prefixOffset));
    const pending = this.ids.length - this.readOffset;
    if (text.length > prefix.length && (!text.endsWith('\uFFFD') || pending >= MAX_PENDING)) {
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
      return text.slice(prefix.length);
    }
    return '';
  }

  /** Whatever is still held back (an incomplete last character decodes to U+FFFD). */
  flush(): string {
    if (this.readOffset === this.ids.length) return '';
    const prefix = this.tokenizer.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const text = this.tokenizer.decode(this.ids.slice(this.prefixOffset));
    this.prefixOffset = this.readOffset = this.ids.length;
    return text.slice(prefix.length);
  }
}
