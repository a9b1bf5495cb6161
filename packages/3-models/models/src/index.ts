/**
 * @tracemark/models: the language-model seam (`LanguageModel`), the reference interpolated
 * Kneser-Ney n-gram model that tests, benchmarks and the demo run on, its training from mixed
 * sources, its model file, and generation (plain or watermarked) and perplexity over any model.
 */
export { countNgrams } from './count-ngrams.ts';
export { DEFAULT_TOP_K, generate, type GenerateOptions, type GenerateResult } from './generate.ts';
export { type LanguageModel, type SparseLogProbs } from './language-model.ts';
export { FRACTION_SUM_TOLERANCE, mixSources, type MixedSources, type TrainingSource } from './mix-sources.ts';
export { NgramModel, type NgramModelInit, type NgramModelStats, type SourceSummary } from './ngram-model.ts';
export { checkNgramTables, computeDiscounts, discountsFromCountOfCounts, type NgramTables } from './ngram-tables.ts';
export { perplexity, type PerplexityResult, type TokenScorer } from './perplexity.ts';
export { readTrainingSource, type ReadTrainingSourceOptions } from './read-training-source.ts';
export {
  deserializeModel,
  loadModel,
  MODEL_FILE_MAGIC,
  MODEL_FILE_VERSION,
  ModelFileError,
  type ModelFileHeader,
  saveModel,
  serializeModel,
} from './save-model.ts';
export { DEFAULT_ORDER, trainNgram, type TrainNgramOptions } from './train-ngram.ts';
