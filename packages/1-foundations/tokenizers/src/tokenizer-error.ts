/**
 * The one error a caller sees when a tokenizer cannot be loaded or used: an unknown name, a
 * missing or malformed `tokenizer.json`, or token ids the vocabulary does not define. The message
 * is a single line that names the spec, file or id, so the CLI can print it as it is.
 */

export class TokenizerError extends Error {
  override readonly name = 'TokenizerError';
}
