/**
 * A GGUF model in llama.cpp (through `@tracemark/engines`, node-llama-cpp's prebuilt CPU binary)
 * as a gateway backend: each step asks the engine for its top-k next tokens (selected natively;
 * the cached prefix is reused, so a step evaluates one new token) and the account's watermarker
 * chooses among them, exactly as for the reference model. The engine is loaded lazily, so a
 * gateway without llama-cpp models never loads the native binding.
 *
 * The engine runs one evaluation at a time on one context sequence; concurrent requests to the
 * same model interleave step by step and each switch re-evaluates the other request's prefix.
 * That is correct but slow under concurrency: fine for tests and a demo, not for serving load.
 */
import { ConfigError, type ModelConfig } from './config.ts';
import { createLanguageModelBackend } from './language-model-backend.ts';
import { type ModelBackend } from './model-backend.ts';

/** KV-cache size in tokens when the config names none: prompt + generation must fit in it. */
export const DEFAULT_CONTEXT_SIZE = 2048;

export async function createLlamaCppBackend(config: ModelConfig): Promise<ModelBackend> {
  // node-llama-cpp is an optional peer of @tracemark/engines (its prebuilt binaries weigh hundreds
  // of megabytes, and most installs never load a GGUF file): say what to install when it is absent.
  const { loadLlamaCppModel } = await import('@tracemark/engines').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ERR_MODULE_NOT_FOUND' && /node-llama-cpp/.test(e.message)) {
      throw new ConfigError(`model ${config.id}: llama-cpp models need the node-llama-cpp package (npm install node-llama-cpp@3.22.1)`);
    }
    throw e;
  });
  const contextSize = config.contextSize ?? DEFAULT_CONTEXT_SIZE;
  const model = await loadLlamaCppModel({
    modelPath: config.file,
    contextSize,
    ...(config.threads === undefined ? {} : { threads: config.threads }),
  });
  return createLanguageModelBackend(model, {
    id: config.id,
    topK: config.topK,
    ownedBy: config.ownedBy,
    encodePrompt: (text) => model.encodePrompt(text),
    isEndOfGeneration: (id) => model.isEndOfGeneration(id),
    close: () => model.dispose(),
    contextLength: contextSize,
    logProb: async (context, token) => (await model.logProbs(context))[token]!,
  });
}
