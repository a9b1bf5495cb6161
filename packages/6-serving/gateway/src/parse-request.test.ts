import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { parseCompletionRequest } from './parse-request.ts';

const chat = (extra: Record<string, unknown> = {}) => ({ model: 'm', messages: [{ role: 'user', content: 'hi' }], ...extra });

function refusal(endpoint: 'chat.completions' | 'completions', body: unknown): ApiError {
  try {
    parseCompletionRequest(endpoint, body, 100);
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('parseCompletionRequest', () => {
  it('reads chat parameters with OpenAI defaults', () => {
    expect(parseCompletionRequest('chat.completions', chat(), 100)).toMatchObject({ model: 'm', maxTokens: null, temperature: 1, topP: 1, seed: null, stop: [], stream: false, topLogprobs: -1 });
    const p = parseCompletionRequest('chat.completions', chat({ max_completion_tokens: 7, temperature: 0, top_p: 0, seed: 3, stop: 'x', stream: true, stream_options: { include_usage: true }, logprobs: true, top_logprobs: 4, user: 'u', n: 1 }), 100);
    expect(p).toMatchObject({ maxTokens: 7, temperature: 0, seed: 3, stop: ['x'], stream: true, includeUsage: true, topLogprobs: 4 });
    expect(p.topP).toBeGreaterThan(0);
    const parts = parseCompletionRequest('chat.completions', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] }, 100);
    expect(parts.messages![0]!.content).toBe('ab');
    expect(parseCompletionRequest('completions', { model: 'm', prompt: ['p'], logprobs: 2 }, 100)).toMatchObject({ prompt: 'p', topLogprobs: 2 });
  });

  it('refuses bad parameters with 400 naming the parameter', () => {
    const cases: ['chat.completions' | 'completions', unknown, string | null][] = [
      ['chat.completions', [], null],
      ['chat.completions', { messages: [] }, 'model'],
      ['chat.completions', chat({ messages: [] }), 'messages'],
      ['chat.completions', chat({ messages: [{ role: 'robot', content: 'x' }] }), 'messages[0].role'],
      ['chat.completions', chat({ messages: [{ role: 'tool', content: 'x' }] }), 'messages[0].role'],
      ['chat.completions', chat({ messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }), 'messages[0].content[0]'],
      ['chat.completions', chat({ max_tokens: 101 }), 'max_tokens'],
      ['chat.completions', chat({ max_tokens: 0 }), 'max_tokens'],
      ['chat.completions', chat({ max_tokens: 1.5 }), 'max_tokens'],
      ['chat.completions', chat({ max_tokens: 5, max_completion_tokens: 6 }), 'max_completion_tokens'],
      ['chat.completions', chat({ temperature: 3 }), 'temperature'],
      ['chat.completions', chat({ temperature: '1' }), 'temperature'],
      ['chat.completions', chat({ top_p: -0.1 }), 'top_p'],
      ['chat.completions', chat({ seed: 'x' }), 'seed'],
      ['chat.completions', chat({ stop: ['a', 'b', 'c', 'd', 'e'] }), 'stop'],
      ['chat.completions', chat({ stop: [''] }), 'stop'],
      ['chat.completions', chat({ stream_options: { include_usage: true } }), 'stream_options'],
      ['chat.completions', chat({ top_logprobs: 3 }), 'top_logprobs'],
      ['chat.completions', chat({ logprobs: true, top_logprobs: 21 }), 'top_logprobs'],
      ['chat.completions', chat({ n: 2 }), 'n'],
      ['chat.completions', chat({ presence_penalty: 0.5 }), 'presence_penalty'],
      ['chat.completions', chat({ tools: [{ type: 'function' }] }), 'tools'],
      ['chat.completions', chat({ response_format: { type: 'json_object' } }), 'response_format'],
      ['chat.completions', chat({ temprature: 1 }), 'temprature'],
      ['completions', { model: 'm' }, 'prompt'],
      ['completions', { model: 'm', prompt: [1, -2] }, 'prompt'],
      ['completions', { model: 'm', prompt: ['a', 'b'] }, 'prompt'],
      ['completions', { model: 'm', prompt: 'a', logprobs: 21 }, 'logprobs'],
      ['completions', { model: 'm', prompt: 'a', echo: true, stream: true }, 'echo'],
      ['completions', { model: 'm', prompt: 'a', max_tokens: 0 }, 'max_tokens'],
      ['completions', { model: 'm', prompt: 'a', prompt_logprobs: 21 }, 'prompt_logprobs'],
      ['completions', { model: 'm', prompt: 'a', messages: [] }, 'messages'],
    ];
    for (const [endpoint, body, param] of cases) {
      const e = refusal(endpoint, body);
      expect(e.status, JSON.stringify(body)).toBe(400);
      expect(e.param, JSON.stringify(body)).toBe(param);
      expect(e.type).toBe('invalid_request_error');
    }
    expect(refusal('chat.completions', chat({ temprature: 1 })).message).toBe('Unrecognized request argument supplied: temprature');
  });
});
