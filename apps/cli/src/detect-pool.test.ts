import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { type DetectionSession } from '@tracemark/watermark';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keygen } from './commands/keygen.ts';
import { openScoring } from './commands/detect.ts';
import { BATCH_DOCUMENTS, DetectPool } from './detect-pool.ts';
import { InputError } from './errors.ts';
import { parseJsonlLine } from './io.ts';
import { jsonlDocument } from './jsonl-document.ts';
import { prepareJsonlLines } from './prepare-jsonl-lines.ts';

let dir: string;
let key: string;
/** 700 JSONL lines of State of the Union text, sentences recurring across documents (shared tuples). */
let lines: { line: number; text: string }[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-pool-'));
  key = join(dir, 'kgw.json');
  await keygen({ scheme: 'kgw', tokenizer: 'o200k_base', params: {}, out: key, force: true });
  const sentences = loadBuiltinCorpus('sotu').flatMap((d) => d.text.split(/(?<=[.!?])\s+/)).slice(0, 900);
  lines = Array.from({ length: 700 }, (_, i) => ({
    line: i + 1,
    text: JSON.stringify({ id: `d${i}`, text: Array.from({ length: 4 }, (_, j) => sentences[(i * 13 + j * 101) % sentences.length]).join(' '), ...(i % 9 === 0 ? { prompt: sentences[i % 50] } : {}) }),
  }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = () => ({ key, inputs: ['corpus.jsonl'], alpha: 1e-3, correct: 'holm' as const });

/** The run as one thread scores it: every line through `session.add`, in order. */
async function singleThreaded(input: { line: number; text: string }[]) {
  const { session } = await openScoring(options());
  for (const { line, text } of input) session.add(jsonlDocument('corpus.jsonl', line, parseJsonlLine('corpus.jsonl', line, text), undefined, 'prompt'));
  return session;
}

/** A pool of this thread + one worker scoring into `session`, as `detect` sets it up. */
function startPool(session: DetectionSession): DetectPool {
  return DetectPool.start(2, { key, normalize: true, promptField: 'prompt' }, (docs) => docs.forEach((d) => session.addPrepared(d)), {
    add: (path, ls) => ls.forEach(({ line, text }) => session.add(jsonlDocument(path, line, parseJsonlLine(path, line, text), undefined, 'prompt'))),
    prepare: (path, ls) => prepareJsonlLines(session, path, ls, undefined, 'prompt'),
  });
}

/** The same lines through a pool of this thread + one worker, submitted without yielding so every route is taken. */
async function pooled(input: { line: number; text: string }[], batch: number) {
  const { session } = await openScoring(options());
  const pool = startPool(session);
  try {
    await pool.whenReady();
    for (let i = 0; i < input.length; i += batch) await pool.submit('corpus.jsonl', input.slice(i, i + batch));
    await pool.drain();
  } finally {
    await pool.close();
  }
  return { session, routed: pool.routed };
}

describe('DetectPool (this thread + workers)', () => {
  it('gives exactly the single-threaded run, whichever thread scored each batch', async () => {
    const one = await singleThreaded(lines);
    const { session: two, routed } = await pooled(lines, 10);
    // Each route was taken: a worker, this thread adding at once, this thread holding for order.
    expect(routed.worker).toBeGreaterThan(0);
    expect(routed.held).toBeGreaterThan(0);
    expect(routed.worker + routed.added + routed.held).toBe(70);
    expect(routed.stolen).toBeLessThanOrEqual(routed.worker);
    expect(two.documents()).toEqual(one.documents());
    expect(two.aggregate()).toEqual(one.aggregate());
    expect(one.documentTest().sharedTuples).toBeGreaterThan(0);
  }, 60_000);

  it('takes over a batch a worker still has when the run waits for it, and drops the worker\'s copy', async () => {
    const one = await singleThreaded(lines.slice(0, 200));
    const { session } = await openScoring(options());
    const pool = startPool(session);
    try {
      await pool.whenReady();
      // Sent to the worker, then drained at once: the worker cannot have answered yet (its message
      // needs a turn of this thread's event loop), so this thread scores the batch itself.
      await pool.submit('corpus.jsonl', lines.slice(0, 20));
      await pool.drain();
      expect(pool.routed).toMatchObject({ worker: 1, stolen: 1 });
      // The worker's late copy of that batch arrives during these and must change nothing.
      for (let i = 20; i < 200; i += 20) await pool.submit('corpus.jsonl', lines.slice(i, i + 20));
      await pool.drain();
    } finally {
      await pool.close();
    }
    expect(session.documents()).toEqual(one.documents());
    expect(session.aggregate()).toEqual(one.aggregate());
  }, 60_000);

  it('fails on the first bad line in input order, naming it, after the documents before it', async () => {
    const bad = lines.slice(0, 300).map((l) => (l.line === 257 ? { ...l, text: '{"text": oops}' } : l));
    const before = await singleThreaded(bad.slice(0, 256));
    const { session } = await openScoring(options());
    const pool = startPool(session);
    let error: unknown;
    try {
      await pool.whenReady();
      for (let i = 0; i < bad.length; i += BATCH_DOCUMENTS / 8) await pool.submit('corpus.jsonl', bad.slice(i, i + BATCH_DOCUMENTS / 8));
      await pool.drain();
    } catch (e) {
      error = e;
    } finally {
      await pool.close();
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^corpus\.jsonl:257: malformed JSON/);
    expect(session.aggregate()).toEqual(before.aggregate());
  }, 60_000);
});
