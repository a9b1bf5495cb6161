/**
 * These tests run the real llama.cpp engine (node-llama-cpp's prebuilt CPU binary) on a model file
 * the tests write themselves with `buildTinyLlamaGguf`; nothing is mocked. One thread: the suite
 * shares two cores with other test files, and llama.cpp's spinning worker threads slow down by
 * 20–40x when oversubscribed (measured: 20 steps in 11 ms on 1 thread, 370 ms on 2 while busy).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { vocabularyHash } from '@tracemark/tokenizers';
import { createDetector, createSchemeCore, createWatermarker, generateKey, type ParamOverrides, type SchemeName, type WatermarkKey } from '@tracemark/watermark';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWithLlamaCpp, type LlamaCppModel, loadLlamaCppModel } from './llama-cpp-model.ts';
import { buildTinyLlamaGguf, tinyLlamaVocabulary } from './tiny-llama-gguf.ts';

/** llama.cpp keeps the KV cache in f16 and batches differently from a fresh evaluation, so logits
 * computed two ways agree to about 1e-3 nats (measured max 1.4e-3); this leaves a margin. */
const ENGINE_TOLERANCE = 1e-2;

let dir: string;
let modelPath: string;
let model: LlamaCppModel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-llama-cpp-'));
  modelPath = join(dir, 'tiny.gguf');
  await writeFile(modelPath, buildTinyLlamaGguf({ seed: 1 }));
  model = await loadLlamaCppModel({ modelPath, contextSize: 512, threads: 1 });
});

afterAll(async () => {
  await model?.dispose();
  await rm(dir, { recursive: true, force: true });
});

function keyFor(scheme: SchemeName, params: ParamOverrides, fill: number): WatermarkKey {
  return generateKey({ scheme, params, tokenizer: model.tokenizer.identity(), secret: new Uint8Array(32).fill(fill), createdAt: new Date(0) });
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/**
 * A from-scratch llama forward pass over the weights as stored in the file (located with
 * node-llama-cpp's GGUF reader), following the ggml semantics the writer documents: W·x takes
 * row j of a `[nIn, nOut]` tensor as output j; RoPE rotates adjacent pairs (llama.cpp's
 * LLAMA_ROPE_TYPE_NORM for the llama architecture). Returns the logits after the last token.
 */
async function referenceLogits(path: string, tokens: readonly number[]): Promise<Float64Array> {
  const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
  const bytes = await readFile(path);
  const weight = (name: string): Float32Array => {
    const t = info.tensorInfo!.find((x) => x.name === name)!;
    const count = t.dimensions.reduce<number>((a, d) => a * Number(d), 1);
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset + Number(t.fileOffset), bytes.byteOffset + Number(t.fileOffset) + 4 * count));
  };
  const hp = info.metadata as unknown as { llama: { embedding_length: number; block_count: number; attention: { head_count: number; head_count_kv: number; layer_norm_rms_epsilon: number }; rope: { freq_base: number } } };
  const d = hp.llama.embedding_length;
  const nHead = hp.llama.attention.head_count;
  const nHeadKv = hp.llama.attention.head_count_kv;
  const hd = d / nHead;
  const eps = hp.llama.attention.layer_norm_rms_epsilon;
  const matVec = (w: Float32Array, x: Float64Array, nOut: number): Float64Array => {
    const nIn = x.length;
    const out = new Float64Array(nOut);
    for (let j = 0; j < nOut; j++) {
      let s = 0;
      for (let i = 0; i < nIn; i++) s += w[j * nIn + i]! * x[i]!;
      out[j] = s;
    }
    return out;
  };
  const rmsNorm = (x: Float64Array, g: Float32Array): Float64Array => {
    let ms = 0;
    for (const v of x) ms += v * v;
    const scale = 1 / Math.sqrt(ms / x.length + eps);
    return x.map((v, i) => v * scale * g[i]!);
  };
  const rope = (x: Float64Array, heads: number, pos: number): void => {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < hd; i += 2) {
        const theta = pos * Math.pow(hp.llama.rope.freq_base, -i / hd);
        const a = x[h * hd + i]!;
        const b = x[h * hd + i + 1]!;
        x[h * hd + i] = a * Math.cos(theta) - b * Math.sin(theta);
        x[h * hd + i + 1] = a * Math.sin(theta) + b * Math.cos(theta);
      }
    }
  };
  const embd = weight('token_embd.weight');
  const hidden = tokens.map((t) => Float64Array.from(embd.subarray(t * d, (t + 1) * d)));
  for (let l = 0; l < hp.llama.block_count; l++) {
    const w = (n: string) => weight(`blk.${l}.${n}.weight`);
    const [wq, wk, wv, wo, an] = [w('attn_q'), w('attn_k'), w('attn_v'), w('attn_output'), w('attn_norm')];
    const normed = hidden.map((h) => rmsNorm(h, an));
    const q = normed.map((x, p) => { const v = matVec(wq, x, d); rope(v, nHead, p); return v; });
    const k = normed.map((x, p) => { const v = matVec(wk, x, hd * nHeadKv); rope(v, nHeadKv, p); return v; });
    const v = normed.map((x) => matVec(wv, x, hd * nHeadKv));
    for (let p = 0; p < tokens.length; p++) {
      const attended = new Float64Array(d);
      for (let h = 0; h < nHead; h++) {
        const kvh = Math.floor(h / (nHead / nHeadKv));
        const scores = Array.from({ length: p + 1 }, (_, s) => {
          let dot = 0;
          for (let i = 0; i < hd; i++) dot += q[p]![h * hd + i]! * k[s]![kvh * hd + i]!;
          return dot / Math.sqrt(hd);
        });
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const z = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s <= p; s++) for (let i = 0; i < hd; i++) attended[h * hd + i]! += (e[s]! / z) * v[s]![kvh * hd + i]!;
      }
      const o = matVec(wo, attended, d);
      for (let i = 0; i < d; i++) hidden[p]![i]! += o[i]!;
    }
    const [wg, wu, wd, fn] = [w('ffn_gate'), w('ffn_up'), w('ffn_down'), w('ffn_norm')];
    const nFf = wg.length / d;
    for (let p = 0; p < tokens.length; p++) {
      const x = rmsNorm(hidden[p]!, fn);
      const g = matVec(wg, x, nFf);
      const u = matVec(wu, x, nFf);
      const f = g.map((gi, i) => (gi / (1 + Math.exp(-gi))) * u[i]!);
      const down = matVec(wd, f, d);
      for (let i = 0; i < d; i++) hidden[p]![i]! += down[i]!;
    }
  }
  const out = weight('output.weight');
  return matVec(out, rmsNorm(hidden[tokens.length - 1]!, weight('output_norm.weight')), out.length / d);
}

describe('loadLlamaCppModel on a test-built GGUF', () => {
  it('loads the file and exposes its vocabulary as a tracemark tokenizer', () => {
    const vocab = tinyLlamaVocabulary();
    expect(model.name).toBe('tracemark-tiny-llama');
    expect(model.vocabSize).toBe(vocab.tokens.length);
    expect(model.tokenizer.identity()).toEqual({ name: 'gguf:tracemark-tiny-llama', vocabSize: 720, hash: vocabularyHash(vocab.tokens) });
    const ids = model.tokenizer.encode('the whale and the sea\nhello');
    expect(Array.from(ids, (id) => vocab.tokens[id])).toEqual(['▁the', '▁whale', '▁and', '▁the', '▁sea', '<0x0A>', 'h', 'e', 'l', 'l', 'o']);
    expect(model.tokenizer.decode(ids)).toBe('the whale and the sea\nhello');
    expect(Array.from(model.encodePrompt('the sea'))).toEqual([vocab.bosId, ...model.tokenizer.encode('the sea')]);
    expect(model.isEndOfGeneration(vocab.eosId)).toBe(true);
    expect(model.isEndOfGeneration(vocab.tokens.indexOf('▁sea'))).toBe(false);
  });

  it('computes the transformer the file describes (logits match an independent forward pass)', async () => {
    const context = model.encodePrompt('the whale and the sea');
    const engine = await model.logits(context);
    const reference = await referenceLogits(modelPath, Array.from(context));
    let maxDiff = 0;
    for (let i = 0; i < engine.length; i++) maxDiff = Math.max(maxDiff, Math.abs(engine[i]! - reference[i]!));
    expect(maxDiff).toBeLessThan(ENGINE_TOLERANCE * 5); // f16 KV cache; the logits themselves span ~±10
    expect(argmax(engine)).toBe(argmax(reference));
  });

  it('gives normalised log-probabilities; topK and scoreTokens agree with them', async () => {
    const context = model.encodePrompt('the old man and the sea');
    const lp = await model.logProbs(context);
    expect(lp.reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 6);
    const top = await model.topK(context, 5);
    const sorted = Array.from(lp.keys()).sort((a, b) => lp[b]! - lp[a]!);
    expect(Array.from(top.ids)).toEqual(sorted.slice(0, 5));
    for (let j = 0; j < 5; j++) expect(Math.abs(top.logProbs[j]! - lp[top.ids[j]!]!)).toBeLessThan(ENGINE_TOLERANCE);

    const document = Uint32Array.from([...context, ...model.tokenizer.encode(' was here')]);
    const scores = await model.scoreTokens(document);
    expect(scores.length).toBe(document.length - 1);
    for (const i of [1, context.length, document.length - 1]) {
      const step = await model.logProbs(document.subarray(0, i));
      expect(Math.abs(scores[i - 1]! - step[document[i]!]!)).toBeLessThan(ENGINE_TOLERANCE);
    }
    const tail = await model.scoreTokens(document, context.length);
    expect(Array.from(tail)).toHaveLength(document.length - context.length);
    for (let j = 0; j < tail.length; j++) expect(Math.abs(tail[j]! - scores[context.length - 1 + j]!)).toBeLessThan(ENGINE_TOLERANCE);
  });

  it('generates deterministically for a seed, whatever ran before', async () => {
    const options = { prompt: 'the whale', maxTokens: 48, seed: 11, stopAtEndOfGeneration: false };
    const first = await model.generate(options);
    await model.logits(model.encodePrompt('something else entirely'));
    const second = await model.generate(options);
    expect(Array.from(second.tokens)).toEqual(Array.from(first.tokens));
    expect(first.tokens.length).toBe(48);
    expect(first.stopReason).toBe('maxTokens');
    expect(first.keyId).toBeNull();
    expect(first.text).toBe(model.tokenizer.decode(first.tokens));
    const other = await model.generate({ ...options, seed: 12 });
    expect(Array.from(other.tokens)).not.toEqual(Array.from(first.tokens));
  });

  it('greedy decoding picks the engine\'s argmax at every step', async () => {
    const out = await model.generate({ prompt: 'the sea', maxTokens: 12, seed: 1, temperature: 0, stopAtEndOfGeneration: false });
    const all = Uint32Array.from([...out.promptTokens, ...out.tokens]);
    for (let i = out.promptTokens.length; i < all.length; i++) {
      const logits = await model.logits(all.subarray(0, i));
      expect(logits[all[i]!]!).toBeGreaterThan(logits[argmax(logits)]! - ENGINE_TOLERANCE);
    }
  });

  it('stops at end of generation when the model emits it', async () => {
    // An EOS-only candidate set forces the stop token on the first step.
    const eos = tinyLlamaVocabulary().eosId;
    const forced = { keyId: 'test', scheme: 'kgw' as const, biasLogits() {}, biasCandidates() {}, sample: () => eos, sampleCandidates: () => eos };
    const out = await model.generate({ prompt: 'the', maxTokens: 10, seed: 1, watermarker: forced });
    expect(Array.from(out.tokens)).toEqual([eos]);
    expect(out.stopReason).toBe('endOfGeneration');
    expect(out.keyId).toBe('test');
  });

  describe('with a KGW watermarker (δ = 50: every step must pick a green token)', () => {
    const cases = [['the full vocabulary', undefined], ['64 engine-selected candidates', 64]] as const;
    it.each(cases)('every generated token is green over %s, and the detector finds the key', async (_, candidates) => {
      const key = keyFor('kgw', { gamma: 0.25, delta: 50, context: 1 }, 3);
      const core = createSchemeCore(key);
      const out = await model.generate({ prompt: 'the whale', maxTokens: 120, seed: 5, watermarker: createWatermarker(key), candidates, stopAtEndOfGeneration: false });
      expect(out.keyId).toBe(key.keyId);
      const all = Uint32Array.from([...out.promptTokens, ...out.tokens]);
      const id = new Uint32Array(2);
      for (let i = out.promptTokens.length; i < all.length; i++) expect(core.scoreAt(all, i, id)).toBe(1);

      const result = createDetector(key).detect({ tokens: out.tokens, prompt: out.promptTokens });
      expect(result.aggregate.detected).toBe(true);
      expect(result.aggregate.log10PValue).toBeLessThan(-20);
      const wrong = createDetector(keyFor('kgw', { gamma: 0.25, delta: 50, context: 1 }, 4)).detect({ tokens: out.tokens, prompt: out.promptTokens });
      expect(wrong.aggregate.log10PValue).toBeGreaterThan(-3);
    });

    it('unwatermarked output from the same engine is about a quarter green', async () => {
      const key = keyFor('kgw', { gamma: 0.25, delta: 50, context: 1 }, 3);
      const out = await model.generate({ prompt: 'the whale', maxTokens: 200, seed: 5, stopAtEndOfGeneration: false });
      const result = createDetector(key).detect({ tokens: out.tokens, prompt: out.promptTokens });
      expect(result.aggregate.rate).toBeLessThan(0.45);
      expect(result.aggregate.detected).toBe(false);
    });
  });

  it.each([
    ['gumbel', { context: 2 }],
    ['synthid', { context: 2, layers: 16 }],
    ['unigram', { gamma: 0.5, delta: 4 }],
  ] as const)('a %s watermark generated in the engine is detected with its key only', async (scheme, params) => {
    const key = keyFor(scheme, params, 9);
    const out = await model.generate({ prompt: 'the sea', maxTokens: 200, seed: 2, watermarker: createWatermarker(key), stopAtEndOfGeneration: false });
    const own = createDetector(key).detect({ tokens: out.tokens, prompt: out.promptTokens });
    expect(own.aggregate.log10PValue).toBeLessThan(-6);
    const wrong = createDetector(keyFor(scheme, params, 10)).detect({ tokens: out.tokens, prompt: out.promptTokens });
    expect(wrong.aggregate.log10PValue).toBeGreaterThan(-3);
  });

  it('rejects bad input with errors that name it', async () => {
    await expect(model.logits(Uint32Array.of(1, 720))).rejects.toThrow(/context\[1\] = 720 is outside the vocabulary \(720 tokens\)/);
    await expect(model.generate({ prompt: 'the sea', maxTokens: 600, seed: 1 })).rejects.toThrow(/do not fit the context \(512\)/);
    await expect(model.generate({ prompt: new Uint32Array(0), maxTokens: 4, seed: 1 })).rejects.toThrow(/at least one token/);
    await expect(model.topK(Uint32Array.of(1), 0)).rejects.toThrow(/k must be a positive integer/);
    await expect(model.scoreTokens(Uint32Array.of(1, 5), 3)).rejects.toThrow(/from must be an integer in \[1, 2\]/);
    // The model still works after rejected calls.
    expect((await model.logits(Uint32Array.of(1))).length).toBe(720);
  });

  it('reports an unloadable file with its path and llama.cpp\'s reason', async () => {
    const broken = join(dir, 'truncated.gguf');
    await writeFile(broken, (await readFile(modelPath)).subarray(0, 100_000));
    await expect(loadLlamaCppModel({ modelPath: broken, threads: 1 })).rejects.toThrow(/truncated\.gguf: llama.cpp could not load the model: .*not within the file bounds/);
    await expect(loadLlamaCppModel({ modelPath: join(dir, 'missing.gguf'), threads: 1 })).rejects.toThrow(/missing\.gguf/);
  });

  it('generateWithLlamaCpp loads, generates and frees in one call', async () => {
    const key = keyFor('kgw', { gamma: 0.25, delta: 50, context: 1 }, 3);
    const out = await generateWithLlamaCpp({ modelPath, threads: 1, contextSize: 128, prompt: 'the whale', maxTokens: 16, seed: 5, watermarker: createWatermarker(key), stopAtEndOfGeneration: false });
    const again = await model.generate({ prompt: 'the whale', maxTokens: 16, seed: 5, watermarker: createWatermarker(key), stopAtEndOfGeneration: false });
    expect(Array.from(out.tokens)).toEqual(Array.from(again.tokens));
  });
});
