import { describe, expect, it } from 'vitest';
import { MINHASH_SIZE, reduceExchangeText, textFeatures } from './exchange-features.ts';

/** Jaccard similarity of two texts' 5-character shingle sets, computed exactly. */
function jaccard(a: string, b: string): number {
  const sh = (s: string) => {
    const p = [...s.toLowerCase().replace(/\s+/g, ' ').trim()];
    return new Set(Array.from({ length: Math.max(1, p.length - 4) }, (_, i) => p.slice(i, i + 5).join('')));
  };
  const x = sh(a);
  const y = sh(b);
  const inter = [...x].filter((s) => y.has(s)).length;
  return inter / (x.size + y.size - inter);
}

const agree = (a: number[], b: number[]) => a.filter((v, i) => v === b[i]).length / a.length;

describe('textFeatures', () => {
  it('MinHash agreement estimates the Jaccard similarity of the shingle sets', () => {
    const template = (topic: string) => `You are an expert tutor. Explain ${topic} in full detail, showing every intermediate result, then give the final answer.`;
    const a = template('the derivative of x squared');
    const b = template('the integral of sine x');
    const c = 'Four score and seven years ago our fathers brought forth on this continent a new nation.';
    const [fa, fb, fc] = [a, b, c].map((t) => textFeatures(t).minhash);
    // Binomial(64, J) agreement: within 4 standard errors (0.0625 at worst) of the exact value.
    expect(Math.abs(agree(fa!, fb!) - jaccard(a, b))).toBeLessThan(0.25);
    expect(agree(fa!, fc!)).toBeLessThan(0.2);
    expect(agree(fa!, textFeatures(a.toUpperCase()).minhash)).toBe(1);
    expect(fa).toHaveLength(MINHASH_SIZE);
  });

  it('flags reasoning-elicitation wording in several languages, and not ordinary prompts', () => {
    expect(textFeatures('Please think step by step and show all your work.').elicitation).toEqual(['step-by-step', 'show-work']);
    expect(textFeatures('Resuelve paso a paso').elicitation).toEqual(['step-by-step']);
    expect(textFeatures('请一步一步地思考').elicitation).toEqual(['step-by-step']);
    expect(textFeatures('Write out your full chain of thought before answering.').elicitation).toEqual(['chain-of-thought', 'think-first']);
    expect(textFeatures('What is the capital of France?').elicitation).toEqual([]);
    expect(textFeatures('héllo wörld 42').words).toBe(3);
  });

  it('replaces every text of a record and keeps its parameters', () => {
    const reduced = reduceExchangeText({
      time: '2026-01-01T00:00:00.000Z',
      account: 'a',
      ip: '192.0.2.1',
      endpoint: '/v1/chat/completions',
      status: 200,
      request: { model: 'm', max_tokens: 9, logprobs: true, messages: [{ role: 'system', content: 'secret system prompt' }, { role: 'user', content: [{ type: 'text', text: 'secret question' }] }] },
      response: { choices: [{ index: 0, message: { role: 'assistant', content: 'secret answer', reasoning_content: 'secret trace' }, logprobs: { content: [{ token: 'secret' }] } }], usage: { completion_tokens: 3 } },
    });
    expect(JSON.stringify(reduced)).not.toContain('secret');
    expect(reduced.request).toMatchObject({ model: 'm', max_tokens: 9, logprobs: true });
    expect(reduced.response).toMatchObject({ usage: { completion_tokens: 3 }, choices: [{ logprobs: { dropped: true } }] });
  });

  it('drops what spells the text out in prompt log-probability exchanges (token-id prompts, echo, prompt_logprobs, llama.cpp /completion and /tokenize)', () => {
    const base = { time: '2026-01-01T00:00:00.000Z', account: 'a', ip: '192.0.2.1', status: 200 };
    const echo = reduceExchangeText({
      ...base,
      endpoint: '/v1/completions',
      request: { model: 'm', prompt: [101, 102, 103], echo: true, logprobs: 2, prompt_logprobs: 2 },
      response: { choices: [{ index: 0, text: 'secret text', logprobs: { tokens: ['secret'] }, prompt_logprobs: [null, { '102': { logprob: -1, rank: 1, decoded_token: 'secret' } }], prompt_token_ids: [101, 102, 103] }] },
    });
    expect(JSON.stringify(echo)).not.toMatch(/secret|\[101,/);
    expect(echo.request).toMatchObject({ prompt: { dropped: true, tokens: 3 }, echo: true, prompt_logprobs: 2 });
    const llama = reduceExchangeText({
      ...base,
      endpoint: '/completion',
      request: { prompt: [101, 102], n_probs: 2, n_predict: 1 },
      response: { content: 'secret', prompt: 'secret prompt', completion_probabilities: [{ id: 7, token: 'secret', top_logprobs: [] }] },
    });
    expect(JSON.stringify(llama)).not.toMatch(/secret|\[101,/);
    const tokenize = reduceExchangeText({ ...base, endpoint: '/tokenize', request: { content: 'secret words', with_pieces: true } });
    expect(JSON.stringify(tokenize)).not.toContain('secret');
  });
});
