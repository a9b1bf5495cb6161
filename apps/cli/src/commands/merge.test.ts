import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing.ts';

const run = runCli;

let dir: string;
let corpus: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-merge-'));
  corpus = join(dir, 'dup.jsonl');
  // Heavy duplication: the same sentences recur within and across 300 documents.
  const sentences = [
    'The Congress shall have power to lay and collect taxes.',
    'We the people of the United States, in order to form a more perfect union,',
    'Call me Ishmael.',
    'It is a truth universally acknowledged.',
    'The harbors of the Atlantic coast are open to commerce.',
  ];
  const lines = Array.from({ length: 300 }, (_, i) =>
    JSON.stringify({ id: `d${i}`, text: Array.from({ length: 6 }, (_, j) => sentences[(i * 7 + j * 3) % sentences.length]).join(' ') + ` Item ${i % 17}.` }),
  );
  await writeFile(corpus, `${lines.join('\n')}\n`);
});

describe('detect --shard and merge', () => {
  for (const scheme of ['kgw', 'unigram', 'gumbel', 'synthid']) {
    it(`${scheme}: merging 3 shards gives exactly the single-run result on duplicated text`, async () => {
      const key = join(dir, `${scheme}.json`);
      await run('keygen', '--scheme', scheme, '--out', key);
      const single = await run('detect', '--key', key, corpus, '--json');
      expect(single.code).toBe(0);
      const parts: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await run('detect', '--key', key, corpus, '--shard', `${i}/3`);
        expect(r.code).toBe(0);
        const file = join(dir, `${scheme}-${i}.json`);
        await writeFile(file, r.stdout);
        parts.push(file);
      }
      const merged = await run('merge', ...parts.reverse(), '--json');
      expect(merged.code).toBe(0);
      expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(single.stdout));
      expect(JSON.parse(single.stdout).aggregate.scored).toBeLessThan(300 * 40);
      // The documents share sentences: those tuples leave every per-document test, in each shard too.
      expect(JSON.parse(single.stdout).documents.every((d: { shared: number }) => d.shared > 0)).toBe(true);
      expect(JSON.parse(single.stdout).documentTest.sharedTuples).toBeGreaterThan(0);
      // --summary keeps no per-document results : same aggregate.
      const summary = await run('detect', '--key', key, corpus, '--json', '--summary');
      expect(JSON.parse(summary.stdout).aggregate).toEqual(JSON.parse(single.stdout).aggregate);
      expect(JSON.parse(summary.stdout).documents).toEqual([]);
    });
  }

  it('carries --correct through the shards and applies it once, to the merged p-values', async () => {
    const key = join(dir, 'unigram.json');
    const single = await run('detect', '--key', key, corpus, '--correct', 'bh', '--json');
    const parts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const file = join(dir, `bh-${i}.json`);
      await writeFile(file, (await run('detect', '--key', key, corpus, '--correct', 'bh', '--shard', `${i}/2`)).stdout);
      parts.push(file);
    }
    const merged = await run('merge', ...parts, '--json');
    expect(merged.code, merged.stderr).toBe(0);
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(single.stdout));
    expect(JSON.parse(merged.stdout).documentTest.correction).toBe('bh');
    const window = await run('detect', '--key', key, corpus, '--window', '--shard', '0/2');
    expect(window.code).toBe(2);
    expect(window.stderr).toMatch(/--window cannot be combined with --shard/);
  });

  it('refuses a missing or repeated shard and partials of different keys', async () => {
    const key = join(dir, 'kgw.json');
    const a = join(dir, 'kgw-0.json');
    const missing = await run('merge', a);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing shard\(s\) 1\/3, 2\/3/);
    expect((await run('merge', a, a, join(dir, 'kgw-1.json'))).stderr).toMatch(/given twice/);
    expect((await run('merge', a, join(dir, 'unigram-1.json'), join(dir, 'kgw-2.json'))).stderr).toMatch(/another key/);
    expect((await run('detect', '--key', key, corpus, '--shard', '3/3')).code).toBe(2);
  });
});

describe('detect --threads', () => {
  it('worker threads give exactly the single-threaded result, per document and in aggregate', async () => {
    for (const scheme of ['kgw', 'gumbel']) {
      const key = join(dir, `${scheme}.json`);
      const one = await run('detect', '--key', key, corpus, '--threads', '1', '--json');
      const two = await run('detect', '--key', key, corpus, '--threads', '2', '--json');
      expect(two.code, two.stderr).toBe(0);
      expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
      const shard = await run('detect', '--key', key, corpus, '--threads', '2', '--shard', '1/3');
      expect(JSON.parse(shard.stdout)).toEqual(JSON.parse(await (await import('node:fs/promises')).readFile(join(dir, `${scheme}-1.json`), 'utf8')));
    }
  });

  it('stops its workers and names the line when the input is bad', async () => {
    const bad = join(dir, 'bad-threads.jsonl');
    await writeFile(bad, `${Array.from({ length: 200 }, (_, i) => JSON.stringify({ text: `doc ${i} text` })).join('\n')}\n{oops\n`);
    const r = await run('detect', '--key', join(dir, 'kgw.json'), bad, '--threads', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-threads\.jsonl:201: malformed JSON/);
  });
});
