/**
 * A completion request from body to model input, with every check that needs no generation: body
 * size (413), JSON (400), parameters (400), model (404), prompt length and context fit (400). What
 * comes out is ready to be rate-limited and generated.
 */
import { type IncomingMessage } from 'node:http';
import { ApiError, invalidParam } from './api-error.ts';
import { renderChat } from './chat-template.ts';
import { type LimitsConfig } from './config.ts';
import { type ServedModel } from './load-models.ts';
import { type CompletionParams, type Endpoint, parseCompletionRequest } from './parse-request.ts';
import { decodePrompt, scoringBackend } from './llama-cpp-routes.ts';
import { readBody } from './read-body.ts';

export interface PreparedCompletion {
  readonly params: CompletionParams;
  /** The request body as received (parsed JSON), for the exchange log. */
  readonly body: unknown;
  readonly model: ServedModel;
  /** The prompt as the model sees it (a chat rendered by its template). */
  readonly promptText: string;
  readonly promptTokens: Uint32Array;
  /** Generated tokens allowed in all, reasoning included. */
  readonly maxTokens: number;
  readonly reasoningTokens: number;
  /** The parameter a prompt-length error names: `messages` or `prompt`. */
  readonly promptParam: 'messages' | 'prompt';
}

/** Parse the body as JSON; 400 `invalid_json` when it is not. */
function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw invalidParam(null, `We could not parse the JSON body of your request. (${(e as Error).message})`, 'invalid_json');
  }
}

/**
 * Read and check a completion request. `onBody` receives the parsed body as soon as it parses, so
 * a request refused later still has its body in the exchange log.
 *
 * @throws ApiError 400 / 404 / 413 naming the problem.
 */
export async function prepareCompletion(
  req: IncomingMessage,
  endpoint: Endpoint,
  models: ReadonlyMap<string, ServedModel>,
  limits: LimitsConfig,
  onBody: (body: unknown) => void = () => undefined,
): Promise<PreparedCompletion> {
  const body = parseJsonBody(await readBody(req, limits.maxBodyBytes));
  onBody(body);
  const params = parseCompletionRequest(endpoint, body, limits.maxTokens);
  const model = models.get(params.model);
  if (!model) throw new ApiError(404, `The model '${params.model}' does not exist or you do not have access to it.`, 'invalid_request_error', 'model_not_found', 'model');
  const promptText = params.messages ? renderChat(params.messages, model.config.chatTemplate) : params.promptIds ? decodePrompt(model, params.promptIds) : params.prompt!;
  const promptTokens = params.promptIds ?? model.backend.encodePrompt(promptText);
  // Prompt log-probabilities only from models that opt in (prompt-logprobs.ts says why).
  if (params.promptLogprobs !== null) scoringBackend(model, 'prompt_logprobs');
  else if (params.echo && params.topLogprobs >= 0) scoringBackend(model, 'echo');
  const maxTokens = params.maxTokens ?? (endpoint === 'completions' ? Math.min(16, limits.maxTokens) : limits.maxTokens);
  const promptParam = endpoint === 'chat.completions' ? 'messages' : 'prompt';
  if (promptTokens.length > limits.maxPromptTokens) {
    throw invalidParam(promptParam, `The prompt is ${promptTokens.length} tokens; this gateway accepts at most ${limits.maxPromptTokens}.`, 'context_length_exceeded');
  }
  const reasoningTokens = model.config.reasoning ? Math.min(model.config.reasoning.maxTokens, Math.floor(maxTokens / 2)) : 0;
  const ctx = model.backend.contextLength;
  // The answer's context also holds the reasoning trace and the answer cue (a few tokens).
  const needed = promptTokens.length + maxTokens + (reasoningTokens > 0 ? 8 : 0);
  if (ctx !== null && needed > ctx) {
    throw invalidParam(promptParam, `This model's context holds ${ctx} tokens; the prompt (${promptTokens.length}) plus max_tokens (${maxTokens}) does not fit.`, 'context_length_exceeded');
  }
  return { params, body, model, promptText, promptTokens, maxTokens, reasoningTokens, promptParam };
}
