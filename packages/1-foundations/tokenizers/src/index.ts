/**
 * @tracemark/tokenizers: one Tokenizer interface over the vocabularies a watermark can be keyed
 * to, with an identity (name + vocabulary hash) that keys, models and reports record.
 */

export { assertSameTokenizer, TokenizerMismatchError } from './assert-same-tokenizer.ts';
export { getTokenizer, listTokenizers } from './get-tokenizer.ts';
export { type Tokenizer, type TokenizerIdentity } from './tokenizer.ts';
export { TokenizerError } from './tokenizer-error.ts';
export { vocabularyHash } from './vocabulary-hash.ts';
