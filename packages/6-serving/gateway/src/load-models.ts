/**
 * Turning the config's model list into running backends and per-account watermarkers. Each
 * account's key is derived from the lab's master key with `deriveAccountKey` (HKDF over the
 * account name), so the lab stores one secret and can re-derive any account's key for an audit.
 * The master secret and the derived secrets are zeroed as soon as the watermarkers hold their
 * sub-keys; only key ids (hashes) are kept in memory for receipts.
 */
import { readFile } from 'node:fs/promises';
import { loadModel } from '@tracemark/models';
import { assertSameTokenizer } from '@tracemark/tokenizers';
import { createWatermarker, deriveAccountKey, parseKey, type Watermarker, type WatermarkKey } from '@tracemark/watermark';
import { ConfigError, type GatewayConfig, type ModelConfig } from './config.ts';
import { createLanguageModelBackend } from './language-model-backend.ts';
import { type ModelBackend } from './model-backend.ts';

export interface AccountWatermark {
  readonly keyId: string;
  readonly watermarker: Watermarker;
}

export interface ServedModel {
  readonly config: ModelConfig;
  readonly backend: ModelBackend;
  /** Account name → its watermark for this model; empty when watermarking is off. */
  readonly watermarks: ReadonlyMap<string, AccountWatermark>;
}

/** A backend for one model entry of the config. */
export async function loadBackend(config: ModelConfig): Promise<ModelBackend> {
  if (config.backend === 'llama-cpp') {
    const { createLlamaCppBackend } = await import('./llama-cpp-backend.ts');
    return createLlamaCppBackend(config);
  }
  const model = await loadModel(config.file);
  return createLanguageModelBackend(model, { id: config.id, topK: config.topK, ownedBy: config.ownedBy });
}

async function readMasterKey(path: string): Promise<WatermarkKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read master key (${code ?? (e as Error).message})`}`);
  }
  const key = parseKey(text, path);
  if (key.account !== undefined) throw new ConfigError(`${path}: is an account key (account ${JSON.stringify(key.account)}), not a master key`);
  return key;
}

/**
 * Load every model (or take `backends` given by the caller, keyed by model id) and derive each
 * account's watermarker for it.
 *
 * @throws ConfigError for an unreadable master key or a model whose tokenizer is not the key's.
 */
export async function loadServedModels(config: GatewayConfig, backends?: ReadonlyMap<string, ModelBackend>): Promise<Map<string, ServedModel>> {
  const masters = new Map<string, WatermarkKey>();
  const watermarkCache = new Map<string, AccountWatermark>();
  const served = new Map<string, ServedModel>();
  try {
    for (const m of config.models) {
      const backend = backends?.get(m.id) ?? (await loadBackend(m));
      const watermarks = new Map<string, AccountWatermark>();
      if (config.watermark) {
        const path = m.masterKey ?? config.masterKey!;
        let master = masters.get(path);
        if (!master) masters.set(path, (master = await readMasterKey(path)));
        try {
          assertSameTokenizer(master.tokenizer, backend.tokenizer.identity(), `master key ${master.keyId} (${path})`);
        } catch (e) {
          throw new ConfigError(`model ${JSON.stringify(m.id)}: ${(e as Error).message}`);
        }
        for (const account of config.accounts) {
          const cacheKey = `${master.keyId}\u0000${account.name}`;
          let wm = watermarkCache.get(cacheKey);
          if (!wm) {
            const key = deriveAccountKey(master, account.name);
            wm = { keyId: key.keyId, watermarker: createWatermarker(key) };
            key.secret.fill(0);
            watermarkCache.set(cacheKey, wm);
          }
          watermarks.set(account.name, wm);
        }
      }
      served.set(m.id, { config: m, backend, watermarks });
    }
  } catch (e) {
    await Promise.all([...served.values()].map((s) => s.backend.close().catch(() => undefined)));
    throw e;
  } finally {
    for (const k of masters.values()) k.secret.fill(0);
  }
  return served;
}
