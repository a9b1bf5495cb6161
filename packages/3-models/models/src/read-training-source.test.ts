import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltinCorpus, SourceFormatError } from '@tracemark/corpora';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyTokenizer } from './testing.ts';
import { readTrainingSource } from './read-training-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracemark-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tokenizer = tinyTokenizer(10);

describe('readTrainingSource', () => {
  it('reads a JSONL file with a fraction, one document per line', async () => {
    const file = join(dir, 'teacher.jsonl');
    writeFileSync(file, '{"response": "t1 t2 t3"}\n\n{"text": "t4"}\n');
    const source = await readTrainingSource(`${file}:0.25`, tokenizer);
    expect(source.name).toBe(file);
    expect(source.fraction).toBe(0.25);
    expect(source.documents.map((d) => Array.from(d))).toEqual([[1, 2, 3], [4]]);
  });

  it('reads any other file as one document', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 't5 t6\nt7\n');
    const source = await readTrainingSource(file, tokenizer);
    expect(source.fraction).toBeUndefined();
    expect(source.documents.map((d) => Array.from(d))).toEqual([[5, 6, 7]]);
  });

  it('splits built-in corpora into training and held-out documents', async () => {
    const counting = { ...tokenizer, encode: () => Uint32Array.of(1) };
    const all = loadBuiltinCorpus('moby-dick').length;
    const train = await readTrainingSource('moby-dick:1', counting, { split: 'train' });
    const held = await readTrainingSource('moby-dick', counting, { split: 'held-out' });
    expect(train).toMatchObject({ name: 'moby-dick', fraction: 1 });
    expect(train.documents.length + held.documents.length).toBe(all);
    expect(held.documents.length).toBe(Math.floor(all / 10));
  });

  it('passes on file errors that name the file and line', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"response": "t1"}\n{oops\n');
    await expect(readTrainingSource(file, tokenizer)).rejects.toThrow(SourceFormatError);
    await expect(readTrainingSource(file, tokenizer)).rejects.toThrow(`${file}:2:`);
  });
});
