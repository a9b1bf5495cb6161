/**
 * @tracemark/encoding: the byte-exact encodings that content hashes, key ids and signed statements
 * rest on, defined once so that two packages hashing "the same" value always agree.
 */
export { canonicalJson } from './canonical-json.ts';
export { sha256Hex } from './sha256-hex.ts';
