/**
 * @tracemark/gateway: an OpenAI-compatible HTTP server that watermarks every response with the
 * key of the account that asked for it (derived from the lab's master key) and keeps an fsync'd,
 * hash-chained receipt of each response.
 */
export { type AccountRegistry, bearerToken, createAccountRegistry, hashApiKey } from './accounts.ts';
export { ApiError, type ApiErrorType } from './api-error.ts';
export { ANSWER_CUE, type ChatMessage, renderChat } from './chat-template.ts';
export { type ConcurrencyLimiter, createConcurrencyLimiter } from './concurrency-limiter.ts';
export {
  type AccountConfig,
  type ChatTemplateName,
  ConfigError,
  DEFAULT_LIMITS,
  DEFAULT_RATE_LIMIT,
  type ExchangeLogConfig,
  type GatewayConfig,
  type LimitsConfig,
  loadConfig,
  type ModelConfig,
  parseConfig,
  type RateLimitConfig,
  type ReceiptsConfig,
} from './config.ts';
export { IncrementalDecoder } from './incremental-decoder.ts';
export { type CandidateModel, createLanguageModelBackend, type LanguageModelBackendOptions } from './language-model-backend.ts';
export { type AccountWatermark, loadBackend, loadServedModels, type ServedModel } from './load-models.ts';
export { type GeneratedToken, type GenerationRequest, type ModelBackend } from './model-backend.ts';
export { type CompletionParams, type Endpoint, parseCompletionRequest } from './parse-request.ts';
export { createRateLimiter, type RateDecision, type RateLimiter } from './rate-limiter.ts';
export {
  type CloseReceipt,
  type OpenReceipt,
  RECEIPT_FORMAT_VERSION,
  ReceiptLog,
  ReceiptLogError,
  type ReceiptLogOptions,
  type ReceiptRecord,
  type ResponseReceipt,
  sha256Hex,
} from './receipt-log.ts';
export { ChainedLog, ChainedLogError, type ChainedLogOptions, type ChainedLogStats, DEFAULT_CHECKPOINT_EVERY, LOG_FORMAT_VERSION, type RepairedTail } from './chained-log.ts';
export { acquireLogLock, type LogLock, LogLockedError } from './log-lock.ts';
export { CHECKPOINT_DOMAIN, checkCheckpoint, type CheckpointRecord, checkpointMessage, createCheckpoint, type LogKind } from './log-checkpoint.ts';
export { type LineRange, LogFormatError, type LogIntegrity, LogVerifier, type PublicKeyInfo, type TornLine } from './log-verifier.ts';
export { type CompletionEvent, type CompletionProgress, runCompletion, type TokenLogprob } from './run-completion.ts';
export { StopSequences } from './stop-sequences.ts';
export { type AccessLogEntry, type Gateway, type GatewayOptions, type GatewayStats, startGateway } from './start-gateway.ts';
export { loadSigner } from './load-signer.ts';
export { clientAddress, normalizeAddress } from './client-address.ts';
export { type ConnectionCapStats } from './connection-caps.ts';
export { type ExchangeCloseRecord, type ExchangeLine, ExchangeLog, type ExchangeLogOptions, type ExchangeOpenRecord } from './exchange-log.ts';
export { MINHASH_SIZE, minhash, REASONING_CUES, reduceExchangeText, type TextFeatures, textFeatures } from './exchange-features.ts';
