/**
 * @tracemark/probe — sending a probe suite to any OpenAI-compatible endpoint and recording the
 * answers: a retrying client (Retry-After, exponential backoff with jitter, per-attempt timeouts),
 * capability detection, a crash-safe resumable transcript writer, and OpenAI Batch API export and
 * import.
 */
export { AbortedError, ChatClient, type ChatClientOptions, chatCompletionsUrl, type ChatResponse, HttpStatusError, RetriesExhaustedError } from './chat-client.ts';
export { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, resolveRetryPolicy, retryDelay, type RetryPolicy } from './retry-policy.ts';
export { detectCapabilities, type DetectCapabilitiesOptions } from './detect-capabilities.ts';
export { buildRequestBody, readChoice } from './request-body.ts';
export { createTranscriptFile, type ExistingTranscript, readTranscriptForResume, TranscriptWriter } from './transcript-writer.ts';
export {
  EndpointFailure,
  headerMismatches,
  type ProbeFailure,
  type ProbeProgress,
  type ProbeRunOptions,
  type ProbeRunResult,
  ResumeMismatchError,
  runProbe,
  TOOL,
} from './run-probe.ts';
export { BATCH_ENDPOINT, BatchError, batchCustomId, exportBatch, importBatch, type ImportBatchResult } from './batch.ts';
export { mergeIntoTranscript, type MergeResult } from './merge-into-transcript.ts';
export { JsonClient, type JsonClientOptions, type JsonResponse } from './json-client.ts';
export {
  type BatchedPredictor,
  type EndpointKind,
  type EndpointPredictor,
  type EndpointPredictorOptions,
  openEndpointPredictor,
  serverRoot,
  TOKENIZER_PROBE_TEXT,
} from './open-endpoint-predictor.ts';
export { openPredictionCache, PREDICTION_CACHE_FORMAT, PredictionCacheMismatchError, type PredictionCacheHeader, type PredictionRecord, readPredictionCache } from './prediction-cache.ts';
export { readVllmPromptLogprobs } from './read-vllm-prompt-logprobs.ts';
export { readLlamaCppProbs } from './read-llama-cpp-probs.ts';
export { openCachedPredictor } from './open-cached-predictor.ts';
