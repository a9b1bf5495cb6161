export * from './types.ts';
export {
  computeKeyId,
  DEFAULT_PARAMS,
  deriveAccountKey,
  deriveSubkey,
  generateKey,
  KEY_FILE_TYPE,
  KeyError,
  keyDescriptor,
  parseKey,
  type GenerateKeyOptions,
  type ParamOverrides,
  publicKeyInfo,
  resolveParams,
  SCHEMES,
  serializeKey,
  synthidKeysSecret,
} from './key.ts';
export { synthidHfAccumulateHash, synthidHfContextMask, synthidHfGValues, synthidHfSamplingTable } from './synthid-hf.ts';
export { mt19937 } from './mt19937.ts';
export { createWatermarker, createSchemeCore } from './watermarker.ts';
export { contextRepeats, type SchemeCore, tupleIdentity, windowIdentity } from './scheme-core.ts';
export {
  type AggregateResult,
  createDetector,
  DEFAULT_ALPHA,
  DEFAULT_WINDOW_SIZES,
  type DetectionResult,
  DetectionSession,
  describeDocumentTest,
  type DocumentTestInfo,
  type DocumentVerdict,
  type DetectOptions,
  type Detector,
  type DetectorOptions,
  type DocumentInput,
  type DocumentResult,
  type PartialDocument,
  type PreparedDocument,
  shardOf,
  scoreTail,
  type ScoreSummary,
  type WindowResult,
} from './detector.ts';
export { type Candidates, checkSampleOptions, drawIndex, prepareCandidates, samplePlain } from './sampling.ts';
export { TupleSet } from './tuple-set.ts';
export { wordsFromBytes } from './prf.ts';
export { REPEAT, SHARED, TupleOwners } from './tuple-owners.ts';
export { correctAcrossDocuments, DOCUMENT_CORRECTIONS, type DocumentCorrection } from './correct-across-documents.ts';
export { ExactSum } from './exact-sum.ts';
export {
  DEFAULT_NORMALIZATION,
  enabledNormalizers,
  HOMOGLYPH_FOLDS,
  MIN_SCRAMBLED_WORDS,
  type NormalizeOptions,
  type NormalizeResult,
  type NormalizerName,
  NORMALIZERS,
  normalizeText,
  createNormalizer,
  SCRAMBLED_WORD_SHARE,
  SHOUTED_WORD_SHARE,
} from './normalize.ts';
export { type MergedRanges, RANGE_SUMMARY_TYPE, RangeMerger, RangeSummary, type RangeSummaryJSON } from './range-summary.ts';
