/**
 * @tracemark/fingerprint — behavioural fingerprints for distillation forensics: the versioned probe
 * suite, the transcript format `tracemark probe` writes, per-probe similarity measures, and the
 * exact paired test of "the suspect is closer to the teacher than independent references are".
 */
export {
  type LoadedProbeSuite,
  MAX_SUITE_MAX_TOKENS,
  parseProbeSuite,
  type Probe,
  PROBE_CATEGORIES,
  PROBE_SUITE_FORMAT,
  type ProbeSuite,
  ProbeSuiteError,
  probeMaxTokens,
  suiteHash,
} from './probe-suite.ts';
export { BUILTIN_SUITES, isBuiltinSuite, loadBuiltinSuite } from './default-suite.ts';
export {
  type EndpointCapabilities,
  type ParsedTranscript,
  type ParseTranscriptOptions,
  parseTranscript,
  recordKey,
  responsesByProbe,
  type Transcript,
  TRANSCRIPT_FORMAT,
  TRANSCRIPT_FORMAT_VERSION,
  TranscriptError,
  type TranscriptHeader,
  type TranscriptParams,
  type TranscriptRecord,
} from './transcript.ts';
export { charNgrams, type FeatureBag, normalizeText, wordNgrams, wordTokens } from './text-features.ts';
export { EDIT_MAX_CHARS, editSimilarity, preparedEditSimilarity } from './edit-similarity.ts';
export { KERNEL_MAX_N, KERNEL_MIN_N, spectrumKernel, spectrumVector, type SpectrumVector } from './string-kernel.ts';
export { PHRASE_MAX_N, PHRASE_MIN_N, type ProbeFeatures, responseFeatures, type ResponseFeatures, transcriptFeatures } from './response-features.ts';
export { type SimilarityContext } from './probe-similarities.ts';
export { hashFeature, type HashedBag } from './_feature-hash.ts';
export { type MmdGroup, mmdSquared, mmdTest, type MmdTestOptions, type MmdTestResult } from './mmd-test.ts';
export { extractIdentityClaims, type Vendor, vendorById, VENDORS } from './identity-claims.ts';
export { matchRefusalTemplates, REFUSAL_TEMPLATES, type RefusalTemplate } from './refusal-templates.ts';
export { DIFFERENCE_TOLERANCE, type PairedTestResult, signedRankTest, signTest } from './signed-rank-test.ts';
export {
  createSimilarityContext,
  EDIT_MAX_SAMPLES,
  MEASURE_DESCRIPTIONS,
  MEASURES,
  type MeasureName,
  probeSimilarities,
} from './probe-similarities.ts';
export {
  analyzeFingerprints,
  type Comparison,
  DEFAULT_FINGERPRINT_ALPHA,
  DEFAULT_MIN_REFERENCES,
  type EvidenceLine,
  type FingerprintAnalysis,
  FingerprintInputError,
  type FingerprintOptions,
  IDENTITY_CATEGORY,
  type IdentityResult,
  type MeasureSummary,
  type ModelInfo,
  type PanelSpread,
  type SignalProbe,
  type Verdict,
} from './analyze-fingerprints.ts';
