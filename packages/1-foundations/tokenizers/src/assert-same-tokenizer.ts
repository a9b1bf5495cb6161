/**
 * The guard every consumer of token ids runs before trusting them: a watermark key, a model and
 * a text must speak the same tokenizer. Scoring ids from another vocabulary does not fail loudly
 * by itself; it yields a meaningless p-value, which in a forensic tool is worse than an error.
 * Name and vocabulary hash are both compared: the name catches a wrong choice of built-in, the
 * hash catches two different files that share a name.
 */

import { type TokenizerIdentity } from './tokenizer.ts';
import { InputError } from '@tracemark/errors';

/** The tokenizer of some input is not the one the key, model or report was made for. */
export class TokenizerMismatchError extends InputError {
  override readonly name = 'TokenizerMismatchError';
  readonly expected: TokenizerIdentity;
  readonly actual: TokenizerIdentity;

  constructor(message: string, expected: TokenizerIdentity, actual: TokenizerIdentity) {
    super(message);
    this.expected = expected;
    this.actual = actual;
  }
}

const HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * Throws unless `actual` is the tokenizer `expected` describes (same name, vocabulary size and
 * vocabulary hash).
 *
 * @param context - what `expected` belongs to, as the subject of the message: `key 3f2a…`.
 * @throws TokenizerMismatchError on any difference, with a one-line message naming both.
 * @throws TypeError when either argument is not a TokenizerIdentity.
 * @example
 * assertSameTokenizer(key.tokenizer, tokenizer.identity(), 'key 3f2a');
 * // TokenizerMismatchError: key 3f2a was made for tokenizer o200k_base (sha256:3c6e0a59f1d2…)
 * //   but the input uses cl100k_base (sha256:9b1f4e07c8aa…)
 */
export function assertSameTokenizer(expected: TokenizerIdentity, actual: TokenizerIdentity, context: string): void {
  assertIdentity(expected, 'expected');
  assertIdentity(actual, 'actual');
  if (expected.name === actual.name && expected.hash === actual.hash && expected.vocabSize === actual.vocabSize) return;
  const subject = `${context} was made for tokenizer ${expected.name}`;
  let message: string;
  if (expected.hash !== actual.hash) {
    message = `${subject} (${shortHash(expected.hash)}) but the input uses ${actual.name} (${shortHash(actual.hash)})`;
  } else if (expected.name !== actual.name) {
    message = `${subject} but the input uses ${actual.name} (the same vocabulary, ${shortHash(actual.hash)}, under another name)`;
  } else {
    message = `${subject} with ${expected.vocabSize} ids but the input's ${actual.name} has ${actual.vocabSize} ids`;
  }
  throw new TokenizerMismatchError(message, expected, actual);
}

/** `sha256:` and the first 12 hex digits, enough for a person to tell two vocabularies apart. */
function shortHash(hash: string): string {
  return `${hash.slice(0, 'sha256:'.length + 12)}…`;
}

function assertIdentity(value: TokenizerIdentity, title: string): void {
  const identity = value as Partial<TokenizerIdentity> | null | undefined;
  if (
    typeof identity !== 'object' ||
    identity === null ||
    typeof identity.name !== 'string' ||
    !Number.isSafeInteger(identity.vocabSize) ||
    typeof identity.hash !== 'string' ||
    !HASH_PATTERN.test(identity.hash)
  ) {
    throw new TypeError(`assertSameTokenizer: ${title} must be a tokenizer identity {name, vocabSize, hash: 'sha256:<64 hex>'}`);
  }
}
