/**
 * The one error a caller sees when a tokenizer cannot be loaded or used: an unknown name, a
 * missing or malformed `tokenizer.json`, or token ids the vocabulary does not define. The message
 * is a single line that names the spec, file or id, so the CLI can print it as it is.
 */
import { InputError } from '@tracemark/errors';

export class TokenizerError extends InputError {
  override readonly name = 'TokenizerError';
}
