/**
 * Simulated response bodies in the OpenAI chat-completions shape: an assistant message made of
 * real corpus sentences (numbered steps when reasoning was asked for), `usage` token counts,
 * `finish_reason` "length" when max_tokens cut the answer, and a `logprobs` block when requested.
 * Token counts are estimated (about four characters per token for Latin script, one per CJK
 * character) rather than tokenised: a real tokenizer would cost more than the rest of the
 * simulator together, and detectors use counts only as volumes.
 */
import { type Draw } from './_random.ts';
import { type TextPool } from './_text-pool.ts';
import { type RequestBody } from './_benign-requests.ts';

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** Estimated tokens of a text (see file doc). */
export function estimateTokens(text: string): number {
  if (!NON_ASCII.test(text)) return Math.ceil(text.length / 4);
  let t = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    t += c < 0x80 ? 0.25 : c >= 0x2e80 ? 1 : 0.5;
  }
  return Math.ceil(t);
}

/** How many sentences an answer has: short for chat, long for reasoning and harvest-sized requests. */
export type AnswerLength = 'letter' | 'short' | 'medium' | 'long';

/** Logprob entries are kept for the first tokens only, so that a harvested line stays a few kilobytes (a real log would hold one per token). */
const LOGPROB_TOKENS = 4;

export function responseBody(draw: Draw, pool: TextPool, request: RequestBody, length: AnswerLength, reasoning: boolean, createdS: number, keepText: boolean): Record<string, unknown> {
  const n = typeof request.n === 'number' ? request.n : 1;
  const maxTokens = typeof request.max_tokens === 'number' ? request.max_tokens : Infinity;
  const choices: Record<string, unknown>[] = [];
  let completion = 0;
  for (let c = 0; c < n; c++) {
    let content: string;
    if (length === 'letter') content = draw.pick(['A', 'B', 'C', 'D']);
    else {
      const sentences = length === 'short' ? draw.between(1, 2) : length === 'medium' ? draw.between(1, 4) : draw.between(4, 9);
      const start = draw.int(pool.all.length - sentences);
      const parts = pool.all.slice(start, start + sentences);
      content = reasoning ? `${parts.map((s, i) => `Step ${i + 1}: ${s}`).join('\n')}\nTherefore, the answer follows.` : parts.join(' ');
    }
    let tokens = estimateTokens(content);
    let finish = 'stop';
    if (tokens > maxTokens) {
      content = content.slice(0, maxTokens * 4);
      tokens = maxTokens;
      finish = 'length';
    }
    completion += tokens;
    const choice: Record<string, unknown> = { index: c, message: { role: 'assistant', content: keepText ? content : null }, finish_reason: finish };
    if (request.logprobs === true) {
      const top = typeof request.top_logprobs === 'number' ? request.top_logprobs : 0;
      const words = content.split(' ', LOGPROB_TOKENS);
      choice.logprobs = {
        content: words.map((w, i) => {
          const token = i === 0 ? w : ` ${w}`;
          const logprob = -Math.round(draw.next() * 300) / 100;
          return { token, logprob, top_logprobs: Array.from({ length: top }, (_, r) => ({ token: r === 0 ? token : ` ${pool.words[(i * 31 + r * 7) % pool.words.length]}`, logprob: r === 0 ? logprob : logprob - r * 0.7 })) };
        }),
      };
    } else choice.logprobs = null;
    choices.push(choice);
  }
  let prompt = 0;
  for (const m of request.messages) prompt += 4 + estimateTokens(m.content);
  return {
    id: `chatcmpl-${draw.hex(24)}`,
    object: 'chat.completion',
    created: createdS,
    model: request.model,
    choices,
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

export function errorBody(status: number): Record<string, unknown> {
  if (status === 429) return { error: { message: 'Rate limit reached for requests per minute. Please retry after a short wait.', type: 'rate_limit_exceeded', code: 'rate_limit_exceeded' } };
  if (status === 400) return { error: { message: "Invalid value for 'max_tokens': exceeds the model's maximum.", type: 'invalid_request_error', code: 'invalid_value' } };
  return { error: { message: 'The server had an error while processing your request.', type: 'server_error', code: null } };
}
