/**
 * The seam between tracemark and any engine that predicts next tokens: the reference n-gram model
 * implements it, and so can an adapter over a real inference engine.
 */
import { type Tokenizer } from '@tracemark/tokenizers';

/** Top-k next-token candidates: ids and their natural-log probabilities, most probable first. */
export interface SparseLogProbs {
  readonly ids: Uint32Array;
  readonly logProbs: Float64Array;
}

/**
 * A next-token predictor over the ids of `tokenizer`. `context` is every token before the one
 * being predicted (prompt included), oldest first; a model reads as many trailing ids as it uses.
 */
export interface LanguageModel {
  readonly name: string;
  readonly tokenizer: Tokenizer;
  /** Equal to `tokenizer.vocabSize`: ids are 0 … vocabSize − 1. */
  readonly vocabSize: number;
  /** Natural-log probabilities over the whole vocabulary, written into `out` when given. */
  logProbs(context: Uint32Array, out?: Float64Array): Float64Array;
  /** The `k` most probable next tokens, most probable first. Cost must not grow with V. */
  topK(context: Uint32Array, k: number): SparseLogProbs;
}
