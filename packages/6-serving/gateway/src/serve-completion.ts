/**
 * Generating one admitted completion and sending it, whole or as server-sent events, with its
 * receipt made durable before the response's last byte leaves (non-streaming: before the body;
 * streaming: before the chunk with `finish_reason` and `[DONE]`). A stream cut short after output
 * left (client gone, timeout) still gets a receipt: the account did receive those tokens.
 */
import { randomInt } from 'node:crypto';
import { type ServerResponse } from 'node:http';
import { ApiError } from './api-error.ts';
import { type AccountConfig } from './config.ts';
import { type ExchangeNote, type GatewayState } from './gateway-state.ts';
import { GenerationTimeout } from './interruptions.ts';
import { completionChoice, promptSection } from './completion-choice.ts';
import { logprobsForChat, logprobsForCompletions } from './openai-logprobs.ts';
import { type PromptPosition } from './prompt-logprobs.ts';
import { type PreparedCompletion } from './prepare-completion.ts';
import { type ResponseReceipt, sha256Hex } from './receipt-log.ts';
import { type CompletionEvent, type CompletionProgress, runCompletion, type TokenLogprob } from './run-completion.ts';
import { sendJson } from './send-json.ts';

/** One completion being served: everything the two response shapes need. */
interface CompletionJob {
  readonly state: GatewayState;
  readonly res: ServerResponse;
  readonly prep: PreparedCompletion;
  readonly account: AccountConfig;
  readonly requestId: string;
  readonly keyId: string | null;
  readonly seed: number;
  readonly chat: boolean;
  /** Unix seconds, the response's `created`. */
  readonly createdAt: number;
  readonly progress: CompletionProgress;
  readonly events: AsyncGenerator<CompletionEvent>;
  readonly headers: Readonly<Record<string, string>>;
  readonly note: ExchangeNote;
}

function timeoutError(ms: number): ApiError {
  return new ApiError(504, `The generation took longer than ${ms} ms and was stopped.`, 'timeout_error', 'timeout');
}

function receiptOf(job: CompletionJob, finishReason: ResponseReceipt['finishReason']): ResponseReceipt {
  const { progress, prep } = job;
  return {
    type: 'response',
    time: new Date().toISOString(),
    requestId: job.requestId,
    account: job.account.name,
    keyId: job.keyId,
    model: prep.model.config.id,
    endpoint: prep.params.endpoint,
    stream: prep.params.stream,
    promptSha256: sha256Hex(prep.promptText),
    responseSha256: sha256Hex(progress.content),
    reasoningSha256: progress.reasoning === null ? null : sha256Hex(progress.reasoning),
    promptTokens: prep.promptTokens.length,
    completionTokens: progress.completionTokens,
    reasoningTokens: progress.reasoningTokens,
    finishReason,
    seed: job.seed,
  };
}

function usageOf(job: CompletionJob): Record<string, unknown> {
  const { progress, prep } = job;
  return {
    prompt_tokens: prep.promptTokens.length,
    completion_tokens: progress.completionTokens,
    total_tokens: prep.promptTokens.length + progress.completionTokens,
    ...(job.chat ? { completion_tokens_details: { reasoning_tokens: progress.reasoningTokens } } : {}),
  };
}

/**
 * The non-streaming response body (`chat.completion` / `text_completion`) for what was generated;
 * also what the exchange log records for a stream. `logprobs` null leaves them out.
 */
export function completionBody(job: Pick<CompletionJob, 'requestId' | 'chat' | 'createdAt' | 'prep' | 'progress'> & { usage: Record<string, unknown> }, logprobs: readonly TokenLogprob[] | null, prompt: readonly PromptPosition[] | null = null): Record<string, unknown> {
  const { progress, prep, chat } = job;
  const finish = progress.finishReason;
  const wanted = logprobs !== null && prep.params.topLogprobs >= 0;
  const choice = chat
    ? {
        index: 0,
        message: { role: 'assistant', content: progress.content, refusal: null, ...(progress.reasoning !== null ? { reasoning_content: progress.reasoning } : {}) },
        logprobs: wanted ? logprobsForChat(logprobs) : null,
        finish_reason: finish,
      }
    : completionChoice(prep.params, prep.promptText, prep.promptTokens, prompt, progress.content, wanted ? logprobs : null, finish);
  return { id: job.requestId, object: chat ? 'chat.completion' : 'text_completion', created: job.createdAt, model: prep.model.config.id, system_fingerprint: null, choices: [choice], usage: job.usage };
}

/** Append a receipt; a log that cannot take it means no response may be served (503). */
async function appendReceipt(state: GatewayState, r: ResponseReceipt): Promise<void> {
  try {
    await state.receipts.append(r);
    state.responses++;
  } catch {
    throw new ApiError(503, 'The receipt log is unavailable, so no response can be served.', 'server_error', 'receipts_unavailable');
  }
}

async function respondWhole(job: CompletionJob, signal: AbortSignal): Promise<void> {
  const prompt = await promptSection(job.prep, signal);
  const logprobs: TokenLogprob[] = [];
  try {
    for await (const e of job.events) if (e.type === 'content') logprobs.push(...e.logprobs);
  } catch (e) {
    if (e instanceof GenerationTimeout) throw timeoutError(job.state.config.limits.generationTimeoutMs);
    throw e;
  }
  const body = completionBody({ ...job, usage: usageOf(job) }, logprobs, prompt);
  // The receipt is durable before a byte of the response leaves.
  await appendReceipt(job.state, receiptOf(job, job.progress.finishReason!));
  job.note.response = body;
  sendJson(job.res, 200, body, job.headers);
}

/** One `data:` event of the stream. */
function streamChunk(job: CompletionJob, choiceFields: Record<string, unknown>, finish: string | null): string {
  const base = { id: job.requestId, object: job.chat ? 'chat.completion.chunk' : 'text_completion', created: job.createdAt, model: job.prep.model.config.id, system_fingerprint: null };
  const choice = job.chat ? { index: 0, delta: choiceFields.delta, logprobs: choiceFields.logprobs ?? null, finish_reason: finish } : { index: 0, text: choiceFields.text ?? '', logprobs: choiceFields.logprobs ?? null, finish_reason: finish };
  return `data: ${JSON.stringify({ ...base, choices: [choice], ...(job.prep.params.includeUsage ? { usage: null } : {}) })}\n\n`;
}

function renderEvent(job: CompletionJob, e: CompletionEvent): string {
  if (e.type === 'reasoning') return job.chat ? streamChunk(job, { delta: { reasoning_content: e.text } }, null) : '';
  const lp = job.prep.params.topLogprobs >= 0 ? (job.chat ? logprobsForChat(e.logprobs) : logprobsForCompletions(e.logprobs)) : null;
  return job.chat ? streamChunk(job, { delta: { content: e.text }, logprobs: lp }, null) : streamChunk(job, { text: e.text, logprobs: lp }, null);
}

async function respondStream(job: CompletionJob): Promise<void> {
  const { res, state, progress } = job;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: state.closing ? 'close' : 'keep-alive', ...job.headers });
  if (job.chat) res.write(streamChunk(job, { delta: { role: 'assistant', content: '', refusal: null } }, null));
  try {
    for await (const e of job.events) {
      const text = renderEvent(job, e);
      if (text) res.write(text);
    }
  } catch (e) {
    if (progress.completionTokens > 0) job.note.response = completionBody({ ...job, usage: usageOf(job) }, null);
    // Output already left: the account received it, so it gets its receipt even though cut short.
    if (progress.completionTokens > 0) await appendReceipt(state, receiptOf(job, e instanceof GenerationTimeout ? 'timeout' : 'aborted')).catch(() => undefined);
    if (e instanceof GenerationTimeout && !res.destroyed) {
      res.end(`data: ${JSON.stringify(timeoutError(state.config.limits.generationTimeoutMs).toJSON())}\n\n`);
      return;
    }
    throw e;
  }
  await appendReceipt(state, receiptOf(job, progress.finishReason!));
  job.note.response = completionBody({ ...job, usage: usageOf(job) }, null);
  let tail = job.chat ? streamChunk(job, { delta: {} }, progress.finishReason) : streamChunk(job, { text: '' }, progress.finishReason);
  if (job.prep.params.includeUsage) {
    tail += `data: ${JSON.stringify({ id: job.requestId, object: job.chat ? 'chat.completion.chunk' : 'text_completion', created: job.createdAt, model: job.prep.model.config.id, system_fingerprint: null, choices: [], usage: usageOf(job) })}\n\n`;
  }
  res.end(`${tail}data: [DONE]\n\n`);
}

/**
 * Generate `prep` for `account` and send it on `res`. `progress` is filled as tokens are generated
 * (the caller refunds the unused token reservation from it, whatever happens).
 */
export async function serveCompletion(
  state: GatewayState,
  res: ServerResponse,
  prep: PreparedCompletion,
  account: AccountConfig,
  requestId: string,
  progress: CompletionProgress,
  abort: AbortController,
  headers: Readonly<Record<string, string>>,
  note: ExchangeNote,
): Promise<void> {
  const { limits } = state.config;
  const wm = prep.model.watermarks.get(account.name);
  const seed = prep.params.seed ?? randomInt(0, 2 ** 31);
  const timer = setTimeout(() => abort.abort(new GenerationTimeout(`generation exceeded ${limits.generationTimeoutMs} ms`)), limits.generationTimeoutMs);
  const p = prep.params;
  const events = runCompletion(
    {
      backend: prep.model.backend,
      promptTokens: prep.promptTokens,
      maxTokens: prep.maxTokens,
      reasoningTokens: prep.reasoningTokens,
      temperature: p.temperature,
      topP: p.topP,
      seed,
      stop: p.stop,
      topLogprobs: p.topLogprobs,
      ...(wm ? { watermarker: wm.watermarker } : {}),
      signal: abort.signal,
    },
    progress,
  );
  const job: CompletionJob = { state, res, prep, account, requestId, keyId: wm?.keyId ?? null, seed, chat: p.endpoint === 'chat.completions', createdAt: Math.floor(Date.now() / 1000), progress, events, headers, note };
  note.keyId = job.keyId;
  try {
    await (p.stream ? respondStream(job) : respondWhole(job, abort.signal));
  } finally {
    clearTimeout(timer);
  }
}
