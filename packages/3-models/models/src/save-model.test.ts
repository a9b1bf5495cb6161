import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { getTokenizer, type Tokenizer, TokenizerMismatchError } from '@tracemark/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTokenizer } from './testing.ts';
import { type NgramModel } from './ngram-model.ts';
import { deserializeModel, loadModel, ModelFileError, saveModel, serializeModel } from './save-model.ts';
import { trainNgram } from './train-ngram.ts';

let tokenizer: Tokenizer;
let model: NgramModel;
let dir: string;
let path: string;

beforeAll(async () => {
  tokenizer = await getTokenizer('o200k_base');
  const docs = loadBuiltinCorpus('moby-dick').slice(0, 40).map((d) => tokenizer.encode(d.text));
  const half = Math.floor(docs.length / 2);
  model = trainNgram({
    tokenizer,
    order: 4,
    seed: 3,
    sources: [
      { name: 'a', documents: docs.slice(0, half), fraction: 0.25 },
      { name: 'b', documents: docs.slice(half), fraction: 0.75 },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'tracemark-models-'));
  path = join(dir, 'moby.tmngram');
  await saveModel(model, path);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Byte-wise comparison: vitest's deep equality walks typed arrays element by element (seconds for these). */
function expectSameTables(a: NgramModel['tables'], b: NgramModel['tables']): void {
  expect([a.order, a.vocabSize]).toEqual([b.order, b.vocabSize]);
  for (const key of ['ctxParent', 'ctxToken', 'offsets', 'tokens', 'counts', 'discounts'] as const) {
    expect(Buffer.from(a[key].buffer, a[key].byteOffset, a[key].byteLength).equals(Buffer.from(b[key].buffer, b[key].byteOffset, b[key].byteLength)), key).toBe(true);
  }
}

const contexts = () => [new Uint32Array(0), tokenizer.encode('Call me'), tokenizer.encode('the whale and the'), Uint32Array.of(5, 6, 7)];

describe('saveModel / loadModel', () => {
  it('round-trips to bit-identical probabilities, tables and metadata', async () => {
    const loaded = await loadModel(path, tokenizer);
    expectSameTables(loaded.tables, model.tables);
    expect(loaded.name).toBe(model.name);
    expect(loaded.sources).toEqual(model.sources);
    for (const context of contexts()) {
      const a = model.logProbs(context);
      const b = loaded.logProbs(context);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
      expect(loaded.topK(context, 50)).toEqual(model.topK(context, 50));
      expect(loaded.logProb(context, 13)).toBe(model.logProb(context, 13));
    }
  });

  it('resolves the tokenizer by name when none is given', async () => {
    const loaded = await loadModel(path);
    expect(loaded.tokenizer.identity()).toEqual(tokenizer.identity());
  });

  it('writes the same bytes for the same model', async () => {
    expect(Buffer.from(await serializeModel(model)).equals(readFileSync(path))).toBe(true);
  });

  it('refuses a model whose tokenizer differs from the one given', async () => {
    const impostor: Tokenizer = { ...tokenizer, identity: () => ({ ...tokenizer.identity(), hash: `sha256:${'f'.repeat(64)}` }) };
    await expect(loadModel(path, impostor)).rejects.toThrow(TokenizerMismatchError);
    await expect(loadModel(path, impostor)).rejects.toThrow(path);
  });

  it('names the file when it is foreign, of another version, truncated or damaged', async () => {
    const good = readFileSync(path);
    const cases: [string, Uint8Array, RegExp][] = [
      ['foreign', new TextEncoder().encode('{"not": "a model"}\n'), /wrong magic bytes/],
      ['empty', new Uint8Array(0), /wrong magic bytes/],
      ['version', Uint8Array.from(good).fill(9, 8, 9), /version 9 is not supported/],
      ['truncated', good.subarray(0, Math.floor(good.length / 2)), /corrupt model file/],
      ['flipped', Uint8Array.from(good).map((b, i) => (i === Math.floor(good.length / 2) ? b ^ 0x55 : b)), /corrupt model file/],
    ];
    for (const [name, bytes, message] of cases) {
      const file = join(dir, `${name}.tmngram`);
      writeFileSync(file, bytes);
      const error = await loadModel(file, tokenizer).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(ModelFileError);
      expect((error as ModelFileError).message, name).toMatch(message);
      expect((error as ModelFileError).message.startsWith(`${file}: `), name).toBe(true);
    }
  });

  it('names a missing file', async () => {
    const missing = join(dir, 'missing.tmngram');
    await expect(loadModel(missing, tokenizer)).rejects.toThrow(new ModelFileError(missing, 'no such file'));
  });

  it('reports a tokenizer it cannot load by name', async () => {
    const tiny = tinyTokenizer(6);
    const m = trainNgram({ tokenizer: tiny, order: 2, sources: [{ name: 'x', documents: [Uint32Array.of(1, 2, 3)] }] });
    const bytes = await serializeModel(m);
    await expect(deserializeModel(bytes, { file: 'tiny.tmngram' })).rejects.toThrow(/tiny.tmngram: cannot load its tokenizer tiny-6/);
    const back = await deserializeModel(bytes, { tokenizer: tiny });
    expectSameTables(back.tables, m.tables);
  });
});
