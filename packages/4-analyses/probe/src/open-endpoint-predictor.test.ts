/**
 * The HTTP predictor against tiny servers on 127.0.0.1 that speak each documented format — vLLM's
 * completions with `prompt_logprobs` or only `echo` + `logprobs`, and llama.cpp's native
 * `/props`, `/tokenize` and `/completion` with `n_probs` (logprob and `post_sampling_probs` forms) —
 * all answering from one known distribution, so every parsed answer is checked against the truth.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readFile } from 'node:fs/promises';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, IoError } from '@tracemark/errors';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openEndpointPredictor } from './open-endpoint-predictor.ts';

const K = 5;
const CANDIDATES = 8;

/**
 * The known model: after a context, CANDIDATES tokens derived from its last two ids with fixed
 * log-probabilities (two of them tied, to check the tie order: lower id first).
 */
function truth(ctx: ArrayLike<number>, k: number): { ids: number[]; logprobs: number[] } {
  const a = ctx[ctx.length - 1] ?? 0;
  const b = ctx[ctx.length - 2] ?? 0;
  const weights = [8, 4, 2, 2, 1, 1, 0.5, 0.5];
  const z = weights.reduce((s, w) => s + w, 0);
  const pairs = weights.map((w, i) => [(a * 31 + b * 17 + i * 1009) % 50_000, Math.log(w / z)] as [number, number]);
  pairs.sort((x, y) => y[1] - x[1] || x[0] - y[0]);
  return { ids: pairs.slice(0, k).map((p) => p[0]), logprobs: pairs.slice(0, k).map((p) => p[1]) };
}

type Handler = (path: string, body: Record<string, unknown>, res: ServerResponse) => void;

let tokenizer: Tokenizer;
let servers: Server[] = [];

beforeAll(async () => {
  tokenizer = await getTokenizer('o200k_base');
});

afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      handler(req.url ?? '/', text ? (JSON.parse(text) as Record<string, unknown>) : {}, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.statusCode = status;
  res.end(JSON.stringify(body));
};

interface VllmOptions {
  readonly promptLogprobs: boolean;
  /** Tokenize with ids shifted by one: another tokenizer. */
  readonly wrongTokenizer?: boolean;
  readonly stringKeys?: boolean;
  /** Fail every completion after this many (status 500); mutable, to bring the server back. */
  failAfter?: number;
}

function vllm(o: VllmOptions, log: { completions: number }): Handler {
  return (path, body, res) => {
    if (path === '/props') return json(res, 404, { detail: 'Not Found' });
    if (path === '/tokenize') {
      const ids = Array.from(tokenizer.encode(body.prompt as string), (id) => (o.wrongTokenizer ? id + 1 : id));
      return json(res, 200, { count: ids.length, max_model_len: 4096, tokens: ids });
    }
    if (path !== '/v1/completions') return json(res, 404, { detail: 'Not Found' });
    if (o.failAfter !== undefined && log.completions >= o.failAfter) return json(res, 500, { error: { message: 'boom' } });
    log.completions++;
    const prompt = body.prompt as number[];
    const k = (body.prompt_logprobs ?? body.logprobs) as number;
    const steps = prompt.map((id, j) => {
      if (j === 0) return null;
      const t = truth(prompt.slice(0, j), k);
      const entries: [number, number][] = t.ids.map((x, i) => [x, t.logprobs[i]!]);
      if (!t.ids.includes(id)) entries.unshift([id, -20]);
      return entries;
    });
    const choice: Record<string, unknown> = { index: 0, text: 'x', finish_reason: 'length', prompt_token_ids: prompt };
    if (o.promptLogprobs && body.prompt_logprobs !== undefined) {
      choice.prompt_logprobs = steps.map((s) => (s ? Object.fromEntries(s.map(([id, lp], r) => [String(id), { logprob: lp, rank: r + 1, decoded_token: 'x' }])) : null));
      choice.logprobs = null;
    } else if (body.echo) {
      const name = (id: number) => (o.stringKeys ? tokenizer.decode([id]) : `token_id:${id}`);
      const next = truth(prompt, k);
      choice.logprobs = {
        tokens: [...prompt.map(name), name(next.ids[0]!)],
        token_logprobs: [...steps.map((s) => (s ? s[0]![1] : null)), next.logprobs[0]],
        top_logprobs: [...steps.map((s) => (s ? Object.fromEntries(s.map(([id, lp]) => [name(id), lp])) : null)), Object.fromEntries(next.ids.map((id, i) => [name(id), next.logprobs[i]]))],
        text_offset: [...prompt.map((_, i) => i), prompt.length],
      };
    } else return json(res, 400, { error: { message: 'echo or prompt_logprobs needed' } });
    json(res, 200, { id: 'cmpl-1', object: 'text_completion', model: body.model, choices: [choice], usage: {} });
  };
}

function llamaCpp(postSampling: boolean, log: { completions: number; prefixes: number[] }): Handler {
  return (path, body, res) => {
    if (path === '/props') return json(res, 200, { default_generation_settings: { n_ctx: 4096 }, total_slots: 1, model_path: 'models/suspect.gguf' });
    if (path === '/tokenize') {
      expect(body).toMatchObject({ add_special: false });
      return json(res, 200, { tokens: Array.from(tokenizer.encode(body.content as string), (id) => ({ id, piece: tokenizer.decode([id]) })) });
    }
    if (path !== '/completion') return json(res, 404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
    expect(body).toMatchObject({ n_predict: 1, cache_prompt: true });
    log.completions++;
    const prompt = body.prompt as number[];
    log.prefixes.push(prompt.length);
    const t = truth(prompt, body.n_probs as number);
    const alt = t.ids.map((id, i) => (postSampling ? { id, token: 'x', bytes: [120], prob: Math.exp(t.logprobs[i]!) } : { id, token: 'x', bytes: [120], logprob: t.logprobs[i] }));
    const item = postSampling ? { ...alt[0], top_probs: alt } : { ...alt[0], top_logprobs: alt };
    json(res, 200, { content: 'x', tokens: [], stop: true, stop_type: 'limit', completion_probabilities: [item] });
  };
}

function document(n: number): Uint32Array {
  const text = 'Fellow citizens of the Senate and of the House of Representatives: among the vicissitudes incident to life no event could have filled me with greater anxieties. '.repeat(20);
  return tokenizer.encode(text).subarray(0, n);
}

async function expectTruth(predict: (ctx: Uint32Array, k: number) => Promise<{ ids: Uint32Array; logProbs: Float64Array }>, doc: Uint32Array, from = 1): Promise<void> {
  for (let i = from; i < doc.length; i++) {
    const got = await predict(doc.subarray(0, i), K);
    const want = truth(doc.subarray(0, i), K);
    expect(Array.from(got.ids), `position ${i}`).toEqual(want.ids);
    expect(Array.from(got.logProbs), `position ${i}`).toEqual(want.logprobs);
  }
}

describe('openEndpointPredictor', () => {
  it('vLLM with prompt_logprobs: detected, windows answer every position exactly, one request per window', async () => {
    const log = { completions: 0 };
    const url = await serve(vllm({ promptLogprobs: true }, log));
    const p = await openEndpointPredictor({ endpoint: `${url}/v1`, model: 'suspect', kind: 'auto', tokenizer, topK: K, window: 64, concurrency: 3 });
    expect([p.kind, p.mode]).toEqual(['vllm', 'prompt_logprobs']);
    const doc = document(200);
    log.completions = 0;
    await p.predictor.prepare([doc], K);
    // Windows of 64 overlapping by 32 over 200 tokens: starts 0, 32, …, 136.
    expect(log.completions).toBe(6);
    await expectTruth(p.predictor, doc);
    expect(log.completions).toBe(6);
  });

  it('vLLM with echo + logprobs only (token_id keys), and a position never prepared is asked on its own', async () => {
    const log = { completions: 0 };
    const url = await serve(vllm({ promptLogprobs: false }, log));
    const p = await openEndpointPredictor({ endpoint: url, model: 'suspect', kind: 'vllm', tokenizer, topK: K, window: 32 });
    expect(p.mode).toBe('echo');
    const doc = document(50);
    await p.predictor.prepare([doc], K);
    await expectTruth(p.predictor, doc);
    const before = log.completions;
    const other = document(80).subarray(60, 75);
    const got = await p.predictor(other, K);
    expect(Array.from(got.ids)).toEqual(truth(other, K).ids);
    expect(log.completions).toBe(before + 1);
  });

  it('refuses an echo that names tokens by their text (ids cannot be recovered exactly)', async () => {
    const url = await serve(vllm({ promptLogprobs: false, stringKeys: true }, { completions: 0 }));
    await expect(openEndpointPredictor({ endpoint: url, model: 'suspect', kind: 'vllm', tokenizer, topK: K })).rejects.toThrow(/token string, not "token_id:<id>"/);
  });

  it('a server with another tokenizer is an InputError naming both, before any position is asked', async () => {
    const log = { completions: 0 };
    const url = await serve(vllm({ promptLogprobs: true, wrongTokenizer: true }, log));
    const e = await openEndpointPredictor({ endpoint: url, model: 'suspect-7b', kind: 'auto', tokenizer, topK: K }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(/suspect's tokenizer \(model "suspect-7b" at http:\/\/127\.0\.0\.1:\d+, vllm\) is not the key's tokenizer o200k_base/);
    expect(log.completions).toBe(0);
  });

  for (const postSampling of [false, true]) {
    it(`llama.cpp server (${postSampling ? 'post_sampling_probs: prob/top_probs' : 'logprob/top_logprobs'}): detected from /props, one request per position, each prompt extending the last`, async () => {
      const log = { completions: 0, prefixes: [] as number[] };
      const url = await serve(llamaCpp(postSampling, log));
      const p = await openEndpointPredictor({ endpoint: url, model: 'any', kind: 'auto', tokenizer, topK: K, window: 40, concurrency: 1 });
      expect([p.kind, p.mode]).toEqual(['llama-cpp', 'n_probs']);
      const doc = document(70);
      await p.predictor.prepare([doc], K);
      expect(log.completions).toBe(69);
      // Within a window the prompt grows by one token per request, so the server's prompt cache is reused.
      expect(log.prefixes.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
      if (postSampling) {
        for (let i = 1; i < doc.length; i++) {
          const got = await p.predictor(doc.subarray(0, i), K);
          const want = truth(doc.subarray(0, i), K);
          expect(Array.from(got.ids)).toEqual(want.ids);
          got.logProbs.forEach((lp, j) => expect(lp).toBeCloseTo(want.logprobs[j]!, 12));
        }
      } else await expectTruth(p.predictor, doc);
    });
  }

  it('resumes from its cache after the server failed part-way: only the missing windows are asked again', async () => {
    const cache = join(await mkdtemp(join(tmpdir(), 'tracemark-predict-')), 'predictions.jsonl');
    const doc = document(200);
    const log = { completions: 0 };
    const options: VllmOptions = { promptLogprobs: true, failAfter: 4 };
    const url = await serve(vllm(options, log));
    const p1 = await openEndpointPredictor({ endpoint: url, model: 'suspect', kind: 'vllm', tokenizer, topK: K, window: 64, concurrency: 1, cache, retry: { maxAttempts: 1 } });
    await expect(p1.predictor.prepare([doc], K)).rejects.toBeInstanceOf(IoError);
    // The capability request was the first; three windows were answered and cached.
    expect((await readFile(cache, 'utf8')).trim().split('\n')).toHaveLength(1 + 3);

    options.failAfter = undefined;
    const p2 = await openEndpointPredictor({ endpoint: url, model: 'suspect', kind: 'vllm', tokenizer, topK: K, window: 64, cache: cache });
    log.completions = 0;
    await p2.predictor.prepare([doc], K);
    expect(log.completions).toBe(3);
    expect(p2.stats().cachedPositions).toBe(63 + 32 + 32);
    await expectTruth(p2.predictor, doc);
  });

  it('refuses a cache written for other settings', async () => {
    const cache = join(await mkdtemp(join(tmpdir(), 'tracemark-predict-')), 'predictions.jsonl');
    const url = await serve(vllm({ promptLogprobs: true }, { completions: 0 }));
    await openEndpointPredictor({ endpoint: url, model: 'suspect', kind: 'vllm', tokenizer, topK: K, window: 64, cache });
    await expect(openEndpointPredictor({ endpoint: url, model: 'suspect', kind: 'vllm', tokenizer, topK: K, window: 128, cache })).rejects.toThrow(/window 64 was recorded, this run uses 128/);
  });
});
