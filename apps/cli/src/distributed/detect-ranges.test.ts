/**
 * Input ranges without the queue: cut a JSONL corpus into ranges, score each as a worker would,
 * merge, and compare with the single `detect --summary` run, field by field of its JSON. The corpus
 * has what makes the merge hard: prompts holding tuples that bodies before and after them hold,
 * documents repeated in other ranges, blank and CRLF lines, a text file beside the JSONL.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@tracemark/stats';
import { detect, detectJson } from '../commands/detect.ts';
import { keygen } from '../commands/keygen.ts';
import { readLines } from '../io.ts';
import { detectRange, mergeRanges, splitRanges } from './detect-ranges.ts';

let dir: string;
let corpus: string;
let text: string;
let key: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-ranges-'));
  const random = createRng('detect-ranges');
  const words = ['the', 'union', 'is', 'strong', 'Congress', 'shall', 'have', 'power', 'we', 'people', 'of', 'United', 'States', '—', 'don’t', 'IT’S', '“yes”', '42', 'tax', 'and'];
  const sentence = () => Array.from({ length: 4 + Math.floor(random() * 20) }, () => words[Math.floor(random() * words.length)]).join(' ');
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    if (i % 37 === 5) lines.push('');
    const body = i > 10 && random() < 0.1 ? JSON.parse(lines[Math.floor(random() * lines.length)] || '{"text":"x"}').text : sentence();
    const record = random() < 0.3 ? { id: `d${i}`, prompt: sentence(), text: body } : { id: `d${i}`, text: body };
    lines.push(JSON.stringify(record) + (i % 11 === 0 ? '\r' : ''));
  }
  corpus = join(dir, 'corpus.jsonl');
  await writeFile(corpus, `${lines.join('\n')}\n`);
  text = join(dir, 'speech.txt');
  await writeFile(text, sentence() + ' ' + sentence());
  key = join(dir, 'key.json');
  await keygen({ scheme: 'kgw', tokenizer: 'o200k_base', params: {}, out: key });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('detect input ranges', () => {
  it('read every line exactly once, with its true line number', async () => {
    const whole: { line: number; text: string }[] = [];
    for await (const l of readLines(corpus)) whole.push(l);
    for (const count of [1, 2, 3, 7, 50]) {
      const ranges = await splitRanges([corpus], count);
      expect(ranges.length).toBeGreaterThanOrEqual(Math.min(count, 2));
      const parts: { line: number; text: string }[] = [];
      for (const r of ranges) for await (const l of readLines(r.input, r.range)) parts.push(l);
      expect(parts).toEqual(whole);
    }
  });

  it('merge into exactly the single run\'s --summary result, for any number of ranges', async () => {
    const inputs = [corpus, text];
    const single = detectJson(await detect({ key, inputs, alpha: 1e-3, summary: true, threads: 1, quiet: true }));
    for (const count of [1, 2, 5, 13]) {
      const ranges = await splitRanges(inputs, count);
      const results = await Promise.all(ranges.map((range) => detectRange({ run: 'r', options: { key, alpha: 1e-3, summary: true }, range })));
      expect(detectJson(mergeRanges(ranges, results.reverse(), inputs))).toEqual(single);
    }
    expect((single as { aggregate: { documents: number } }).aggregate.documents).toBe(301);
  });

  it('name the true line of a malformed record, as the single run does', async () => {
    const bad = join(dir, 'bad.jsonl');
    const lines = Array.from({ length: 200 }, (_, i) => (i === 150 ? '{"text": broken' : JSON.stringify({ text: `line ${i} of a file` })));
    await writeFile(bad, `${lines.join('\n')}\n`);
    await expect(detect({ key, inputs: [bad], alpha: 1e-3, summary: true, threads: 1, quiet: true })).rejects.toThrow(/bad\.jsonl:151: malformed JSON/);
    const ranges = await splitRanges([bad], 4);
    const outcomes = await Promise.allSettled(ranges.map((range) => detectRange({ run: 'r', options: { key, alpha: 1e-3 }, range })));
    const errors = outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/bad\.jsonl:151: malformed JSON/);
  });

  it('refuse an input without documents, as the single run does', async () => {
    const blank = join(dir, 'blank.jsonl');
    await writeFile(blank, '\n\n  \n');
    const ranges = await splitRanges([blank], 2);
    const results = await Promise.all(ranges.map((range) => detectRange({ run: 'r', options: { key, alpha: 1e-3 }, range })));
    expect(() => mergeRanges(ranges, results, [blank])).toThrow(/blank\.jsonl: no documents/);
    await writeFile(blank, '');
    await expect(splitRanges([blank], 2)).rejects.toThrow(/no documents/);
    await expect(splitRanges([dir], 2)).rejects.toThrow(/is a directory/);
  });
});
