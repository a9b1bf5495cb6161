/**
 * @tracemark/engines: tracemark inside real inference engines. `loadLlamaCppModel` runs a GGUF
 * model in llama.cpp (node-llama-cpp) with a watermarker choosing every token and answers
 * teacher-forced log-probability queries; `buildTinyLlamaGguf` writes a tiny random-weight model
 * for tests, on the general-purpose `encodeGguf`.
 */
export { encodeGguf, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GGUF_VERSION, type GgufFile, type GgufMetadataValue, type GgufScalarType, type GgufTensor, GgufValueType } from './gguf-writer.ts';
export { buildTinyLlamaGguf, SPM_SPACE, type TinyLlamaOptions, type TinyLlamaVocabulary, tinyLlamaVocabulary } from './tiny-llama-gguf.ts';
export {
  generateWithLlamaCpp,
  type GenerateOptions,
  type GenerationResult,
  type LlamaCppModel,
  loadLlamaCppModel,
  type LoadLlamaCppOptions,
} from './llama-cpp-model.ts';
