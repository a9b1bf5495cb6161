/**
 * Test fixtures shared by the gateway's tests and the end-to-end tests in `test/`: a small real
 * reference model (order 3, 60 State of the Union addresses, o200k_base; trained once and cached
 * in the OS temp folder, ≈2 s), a master key, the lab's signer, and a config file in a fresh folder. Not part of the
 * package's API.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { createSigner, serializePublicKey, serializeSigner } from '@tracemark/evidence';
import { loadModel, type NgramModel, saveModel, trainNgram } from '@tracemark/models';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { generateKey, type ParamOverrides, type SchemeName, serializeKey, type WatermarkKey } from '@tracemark/watermark';

export const TEST_API_KEYS = {
  alice: 'sk-test-alice-4f9a1c2e7b',
  bob: 'sk-test-bob-8d3e6a0f51c',
} as const;

/** Bump when the recipe below changes, so a cached model from an older recipe is not reused. */
const FIXTURE_VERSION = 1;
const FIXTURE_DOCUMENTS = 60;

/** The cached test teacher model's path (trained on first use). */
export async function testModelFile(): Promise<string> {
  const path = join(tmpdir(), `tracemark-gateway-fixture-v${FIXTURE_VERSION}-o3-sotu${FIXTURE_DOCUMENTS}.tmngram`);
  try {
    await loadModel(path);
    return path;
  } catch {
    // Missing or damaged (e.g. an interrupted earlier run): train it; saveModel renames atomically.
  }
  const tokenizer = await getTokenizer('o200k_base');
  const documents = splitHeldOut(loadBuiltinCorpus('sotu'))
    .train.slice(0, FIXTURE_DOCUMENTS)
    .map((d) => tokenizer.encode(d.text));
  const model: NgramModel = trainNgram({ tokenizer, order: 3, sources: [{ name: 'sotu', documents }], name: 'gateway-test-teacher' });
  await saveModel(model, path);
  return path;
}

export interface TestSetup {
  readonly dir: string;
  readonly configPath: string;
  readonly masterKeyPath: string;
  readonly receiptsPath: string;
  /** The lab's signer (`signer.json`, configured as `receipts.signer`) and its public key, or null with `signer: false`. */
  readonly signerPath: string | null;
  readonly publicKeyPath: string | null;
  readonly modelPath: string;
  readonly master: WatermarkKey;
  readonly tokenizer: Tokenizer;
}

export interface TestSetupOptions {
  readonly scheme?: SchemeName;
  readonly params?: ParamOverrides;
  /** Merged over the generated config document (top-level keys replaced). */
  readonly config?: Record<string, unknown>;
  /** Extra model entries beside `teacher`. */
  readonly models?: Record<string, unknown>[];
  /** Sign receipt checkpoints with a fresh signer (default true). */
  readonly signer?: boolean;
}

/**
 * A folder with the master key (a fixed secret, so runs are reproducible), and `gateway.json`
 * serving the test model as `teacher` to accounts alice and bob on 127.0.0.1, port 0.
 */
export async function createTestSetup(options: TestSetupOptions = {}): Promise<TestSetup> {
  const dir = await mkdtemp(join(tmpdir(), 'tracemark-gateway-'));
  const tokenizer = await getTokenizer('o200k_base');
  const master = generateKey({
    scheme: options.scheme ?? 'kgw',
    params: options.params ?? { gamma: 0.25, delta: 2, context: 1 },
    tokenizer: tokenizer.identity(),
    secret: new Uint8Array(32).fill(7),
    createdAt: new Date(0),
  });
  const masterKeyPath = join(dir, 'master.key.json');
  await writeFile(masterKeyPath, serializeKey(master), { mode: 0o600 });
  const modelPath = await testModelFile();
  const receiptsPath = join(dir, 'receipts.jsonl');
  let signerPath: string | null = null;
  let publicKeyPath: string | null = null;
  if (options.signer ?? true) {
    const signer = createSigner(new Date(0));
    signerPath = join(dir, 'signer.json');
    publicKeyPath = join(dir, 'signer.pub.json');
    await writeFile(signerPath, serializeSigner(signer), { mode: 0o600 });
    await writeFile(publicKeyPath, serializePublicKey(signer));
  }
  const doc = {
    listen: { host: '127.0.0.1', port: 0 },
    masterKey: 'master.key.json',
    receipts: { path: 'receipts.jsonl', ...(signerPath ? { signer: 'signer.json', checkpointEvery: 50 } : {}) },
    models: [{ id: 'teacher', file: modelPath }, ...(options.models ?? [])],
    accounts: [
      { name: 'alice', apiKeys: [TEST_API_KEYS.alice] },
      { name: 'bob', apiKeys: [TEST_API_KEYS.bob] },
    ],
    limits: { maxTokens: 512, maxBodyBytes: 64 * 1024 },
    ...options.config,
  };
  const configPath = join(dir, 'gateway.json');
  await writeFile(configPath, `${JSON.stringify(doc, null, 2)}\n`);
  return { dir, configPath, masterKeyPath, receiptsPath, signerPath, publicKeyPath, modelPath, master, tokenizer };
}
