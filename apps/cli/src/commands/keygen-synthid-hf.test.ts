/**
 * `tracemark keygen --scheme synthid-hf --keys …` imports a transformers SynthID configuration
 * (real argv through commander): the keys land in the key file exactly (as strings, beyond 2^53),
 * never on stdout, and `detect` scores text with the imported key.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../errors.ts';
import { runCli } from '../testing.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-synthid-hf-'));
});

describe('tracemark keygen --scheme synthid-hf', () => {
  it('imports keys, ngram_len and the sampling table settings; detect uses them', async () => {
    const out = join(dir, 'hf.json');
    const keys = '654,400,836,-9223372036854775808,9223372036854775807';
    const r = await runCli('keygen', '--scheme', 'synthid-hf', '--keys', keys, '--ngram-len', '4', '--sampling-table-size', '1024', '--sampling-table-seed', '7', '--out', out, '--json');
    expect(r.code).toBe(ExitCode.ok);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ scheme: 'synthid-hf', params: { ngramLen: 4, layers: 5, samplingTableSize: 1024, samplingTableSeed: 7, contextHistorySize: 1024 } });
    expect(r.stdout).not.toContain('836');
    const file = JSON.parse(await readFile(out, 'utf8'));
    expect(file.synthidKeys).toEqual(keys.split(','));

    const text = join(dir, 'human.txt');
    await writeFile(text, loadBuiltinCorpus('moby-dick')[3]!.text);
    const d = await runCli('detect', '--key', out, text, '--json');
    expect(d.code).toBe(ExitCode.ok);
    const result = JSON.parse(d.stdout);
    expect(result.scheme).toBe('synthid-hf');
    expect(result.aggregate.scored).toBeGreaterThan(100);
    expect(result.aggregate.detected).toBe(false);
  });

  it('rejects malformed keys, out-of-range keys and a non-power-of-two table', async () => {
    const out = join(dir, 'bad.json');
    for (const args of [['--keys', '1,x'], ['--keys', '9223372036854775808'], ['--keys', '1,2', '--sampling-table-size', '1000']]) {
      const r = await runCli('keygen', '--scheme', 'synthid-hf', ...args, '--out', out);
      expect(r.code).toBe(ExitCode.usage);
    }
    expect((await runCli('keygen', '--scheme', 'kgw', '--keys', '1,2', '--out', out)).code).toBe(ExitCode.usage);
  });
});
