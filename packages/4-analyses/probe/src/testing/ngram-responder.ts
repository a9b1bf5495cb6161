/**
 * Chat completions from the reference n-gram language models, for the test server: the prompt is
 * the last user message, the answer is a top-k sampled continuation of its tokens. N-gram models do
 * not answer questions; what they carry is wording — the phrases of their training text — which is
 * exactly what a distilled student inherits from its teacher's outputs.
 */
import { type LanguageModel } from '@tracemark/models';
import { createRng } from '@tracemark/stats';
import { samplePlain } from '@tracemark/watermark';
import { type Tokenizer } from '@tracemark/tokenizers';
import { ChatHttpError, type ChatResponder, type TokenLogprob } from './openai-test-server.ts';

export interface GenerateOptions {
  readonly maxTokens: number;
  /** 0 = greedy. */
  readonly temperature: number;
  readonly random: () => number;
  /** Candidates sampled from at each step; default 50. */
  readonly topK?: number;
  /** Alternatives reported per token (0 = none). */
  readonly topLogprobs?: number;
}

export interface Generation {
  readonly ids: Uint32Array;
  /** Per generated token: its log-probability and the top alternatives (when asked). */
  readonly steps: { id: number; logprob: number; top: { id: number; logprob: number }[] }[];
}

/**
 * Sample a continuation of `context` from `model`, top-k truncated. Only the last (order − 1)
 * tokens matter to an n-gram model, so the context window is kept short.
 */
export function generateContinuation(model: LanguageModel, context: Uint32Array, o: GenerateOptions): Generation {
  const k = o.topK ?? 50;
  const window = 8;
  const ctx: number[] = Array.from(context.subarray(Math.max(0, context.length - window)));
  const out = new Uint32Array(o.maxTokens);
  const steps: Generation['steps'] = [];
  for (let i = 0; i < o.maxTokens; i++) {
    const cand = model.topK(Uint32Array.from(ctx.slice(-window)), Math.max(k, o.topLogprobs ?? 0));
    const ids = cand.ids.subarray(0, k);
    const lps = cand.logProbs.subarray(0, k);
    const id = o.temperature === 0 ? ids[0]! : samplePlain(ids, lps, { temperature: o.temperature, random: o.random });
    out[i] = id;
    if (o.topLogprobs !== undefined) {
      const j = Array.prototype.indexOf.call(cand.ids, id) as number;
      steps.push({
        id,
        logprob: j >= 0 ? cand.logProbs[j]! : -Infinity,
        top: Array.from({ length: Math.min(o.topLogprobs, cand.ids.length) }, (_, t) => ({ id: cand.ids[t]!, logprob: cand.logProbs[t]! })),
      });
    }
    ctx.push(id);
  }
  return { ids: out, steps };
}

export interface NgramResponderOptions {
  readonly tokenizer: Tokenizer;
  readonly models: Readonly<Record<string, LanguageModel>>;
  /** Default 50. */
  readonly topK?: number;
  /** When the request gives no max_tokens; default 64. */
  readonly defaultMaxTokens?: number;
  /** Hard cap on max_tokens (test speed); default 256. */
  readonly maxTokensCap?: number;
}

const utf8 = new TextEncoder();

/**
 * A responder serving the given models by name. Seeded requests are deterministic in (seed, model,
 * prompt), as llama.cpp's are; unseeded ones draw a fresh seed. Unknown model → 404.
 */
export function ngramResponder(o: NgramResponderOptions): ChatResponder {
  let fresh = 0;
  return (req) => {
    const model = o.models[req.model];
    if (!model) throw new ChatHttpError(404, `The model \`${req.model}\` does not exist`, 'model_not_found');
    const user = [...req.messages].reverse().find((m) => m.role === 'user');
    const prompt = typeof user?.content === 'string' ? user.content : '';
    const context = o.tokenizer.encode(prompt);
    const maxTokens = Math.min(req.max_tokens ?? o.defaultMaxTokens ?? 64, o.maxTokensCap ?? 256);
    const seed = req.seed !== undefined ? `seed:${req.seed}` : `fresh:${process.pid}:${Date.now()}:${fresh++}:${Math.random()}`;
    const random = createRng(`${seed}\u0000${req.model}\u0000${prompt}`);
    const g = generateContinuation(model, context, {
      maxTokens,
      temperature: req.temperature ?? 1,
      random,
      topK: o.topK ?? 50,
      ...(req.logprobs ? { topLogprobs: req.top_logprobs ?? 0 } : {}),
    });
    const decode = (id: number) => o.tokenizer.decode([id]);
    const logprobs: TokenLogprob[] | undefined = req.logprobs
      ? g.steps.map((s) => ({
          token: decode(s.id),
          logprob: s.logprob,
          bytes: Array.from(utf8.encode(decode(s.id))),
          top_logprobs: s.top.map((t) => ({ token: decode(t.id), logprob: t.logprob, bytes: Array.from(utf8.encode(decode(t.id))) })),
        }))
      : undefined;
    return {
      text: o.tokenizer.decode(g.ids),
      finishReason: 'length',
      promptTokens: context.length,
      completionTokens: g.ids.length,
      ...(logprobs ? { logprobs } : {}),
    };
  };
}
