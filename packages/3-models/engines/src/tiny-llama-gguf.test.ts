import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyLlamaGguf, SPM_SPACE, tinyLlamaVocabulary } from './tiny-llama-gguf.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-tiny-llama-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tinyLlamaVocabulary', () => {
  const vocab = tinyLlamaVocabulary();

  it('lays out special, byte and piece tokens as llama.cpp expects of an SPM vocabulary', () => {
    expect(vocab.tokens.slice(0, 3)).toEqual(['<unk>', '<s>', '</s>']);
    expect([vocab.unknownId, vocab.bosId, vocab.eosId]).toEqual([0, 1, 2]);
    expect(vocab.tokens[3]).toBe('<0x00>');
    expect(vocab.tokens[3 + 0x0a]).toBe('<0x0A>'); // llama.cpp's newline token
    expect(vocab.tokens[258]).toBe('<0xFF>');
    expect(Array.from(vocab.types.subarray(3, 259)).every((t) => t === 6)).toBe(true);
    expect(vocab.tokens).toContain(SPM_SPACE);
    expect(vocab.tokens).toContain(`${SPM_SPACE}whale`);
  });

  it('has distinct tokens, and every prefix of a word piece is itself a piece (so merges can reach it)', () => {
    expect(new Set(vocab.tokens).size).toBe(vocab.tokens.length);
    const pieces = new Set(vocab.tokens.slice(259));
    for (const piece of pieces) {
      if (piece.length > 2) expect(pieces.has(piece.slice(0, -1))).toBe(true);
    }
    expect(vocab.tokens.length).toBe(720);
    expect(vocab.scores.length).toBe(720);
    expect(vocab.types.length).toBe(720);
  });

  it('scores a whole word above its fragments', () => {
    const score = (t: string) => vocab.scores[vocab.tokens.indexOf(t)]!;
    expect(score(`${SPM_SPACE}whale`)).toBeGreaterThan(score(`${SPM_SPACE}wh`));
    expect(score(`${SPM_SPACE}wh`)).toBeGreaterThan(score('h'));
  });
});

describe('buildTinyLlamaGguf', () => {
  it('is byte-identical for a seed and differs between seeds', () => {
    const a = buildTinyLlamaGguf({ seed: 7, layers: 1 });
    expect(Buffer.from(buildTinyLlamaGguf({ seed: 7, layers: 1 })).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(buildTinyLlamaGguf({ seed: 8, layers: 1 })).equals(Buffer.from(a))).toBe(false);
  });

  it('declares the llama hyperparameters, tokenizer and tensor shapes llama.cpp loads', async () => {
    const path = join(dir, 'tiny.gguf');
    await writeFile(path, buildTinyLlamaGguf({ seed: 1, embeddingLength: 32, layers: 2, heads: 4, headsKv: 2, feedForwardLength: 48, contextLength: 128 }));
    const info = await readGgufFileInfo(path, { readTensorInfo: true, logWarnings: false });
    const md = info.metadata as unknown as Record<string, Record<string, unknown>>;
    expect(md.general!.architecture).toBe('llama');
    expect(md.llama).toMatchObject({
      vocab_size: 720, context_length: 128, embedding_length: 32, block_count: 2, feed_forward_length: 48,
      attention: { head_count: 4, head_count_kv: 2 }, rope: { dimension_count: 8 },
    });
    expect((md.tokenizer!.ggml as Record<string, unknown>).model).toBe('llama');
    const shapes = Object.fromEntries(info.tensorInfo!.map((t) => [t.name, t.dimensions.map(Number)]));
    expect(shapes).toEqual({
      'token_embd.weight': [32, 720],
      'blk.0.attn_norm.weight': [32],
      'blk.0.attn_q.weight': [32, 32],
      'blk.0.attn_k.weight': [32, 16], // 2 KV heads of size 8
      'blk.0.attn_v.weight': [32, 16],
      'blk.0.attn_output.weight': [32, 32],
      'blk.0.ffn_norm.weight': [32],
      'blk.0.ffn_gate.weight': [32, 48],
      'blk.0.ffn_up.weight': [32, 48],
      'blk.0.ffn_down.weight': [48, 32],
      'blk.1.attn_norm.weight': [32],
      'blk.1.attn_q.weight': [32, 32],
      'blk.1.attn_k.weight': [32, 16],
      'blk.1.attn_v.weight': [32, 16],
      'blk.1.attn_output.weight': [32, 32],
      'blk.1.ffn_norm.weight': [32],
      'blk.1.ffn_gate.weight': [32, 48],
      'blk.1.ffn_up.weight': [32, 48],
      'blk.1.ffn_down.weight': [48, 32],
      'output_norm.weight': [32],
      'output.weight': [32, 720],
    });
  });

  it('stays small with the defaults (0.7 MB) and builds fast', () => {
    const started = performance.now();
    const bytes = buildTinyLlamaGguf({ seed: 1 });
    expect(bytes.length).toBeLessThan(800_000);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it.each([
    [{ seed: 1, embeddingLength: 30, heads: 4 }, /not a multiple of heads/],
    [{ seed: 1, embeddingLength: 12, heads: 4 }, /head size 3 must be even/],
    [{ seed: 1, heads: 4, headsKv: 3 }, /headsKv 3 must divide heads 4/],
    [{ seed: 1, layers: 0 }, /layers must be a positive integer/],
    [{ seed: 1, logitScale: -1 }, /logitScale must be positive/],
    [{ seed: 1.5 }, /seed must be an integer/],
  ])('rejects %o', (options, message) => {
    expect(() => buildTinyLlamaGguf(options)).toThrow(message);
  });
});
