/**
 * Training the reference n-gram model from tokenized sources, optionally mixed in stated
 * proportions (see `mixSources`). Counting is `countNgrams`; smoothing is `NgramModel`'s.
 */
import { type Tokenizer } from '@tracemark/tokenizers';
import { countNgrams } from './count-ngrams.ts';
import { mixSources, type TrainingSource } from './mix-sources.ts';
import { NgramModel } from './ngram-model.ts';

export const DEFAULT_ORDER = 4;

export interface TrainNgramOptions {
  readonly tokenizer: Tokenizer;
  /** 2–6; default 4. */
  readonly order?: number;
  readonly sources: readonly TrainingSource[];
  /** Seeds the document shuffle of a mixture; default 0. */
  readonly seed?: number | string;
  /** Default `ngram<order>:<source names joined by +>`. */
  readonly name?: string;
}

/**
 * Train an interpolated modified Kneser-Ney model of the given order on the sources' tokens.
 * Roughly linear in the training tokens: about order + 1 hash probes per token plus three
 * counting sorts over the distinct n-grams.
 *
 * @throws RangeError for a bad order, bad fractions (see `mixSources`), token ids outside the
 *   tokenizer's vocabulary, or no tokens at all.
 * @example
 * const tokenizer = await getTokenizer('o200k_base');
 * const documents = loadBuiltinCorpus('moby-dick').map((d) => tokenizer.encode(d.text));
 * const model = trainNgram({ tokenizer, sources: [{ name: 'moby-dick', documents }] });
 * model.topK(tokenizer.encode('Call me'), 5); // ids[0] is ' Ish'
 */
export function trainNgram(options: TrainNgramOptions): NgramModel {
  const { tokenizer, sources, seed = 0 } = options;
  const order = options.order ?? DEFAULT_ORDER;
  if (!Number.isInteger(order) || order < 2 || order > 6) throw new RangeError(`order must be an integer in 2–6, got ${order}`);
  const mixed = mixSources(sources, seed);
  const tables = countNgrams(mixed.documents, order, tokenizer.vocabSize);
  const name = options.name ?? `ngram${order}:${sources.map((s) => s.name).join('+')}`;
  return new NgramModel({ tables, tokenizer, name, sources: mixed.summary });
}
