/**
 * The HTTP client for OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp server, Ollama,
 * LM Studio): POST `<base>/chat/completions` through `JsonClient` (per-attempt timeout over the
 * whole exchange, the retry policy of `retry-policy.ts`). The API key travels in a header and is
 * never returned or logged.
 */
import { JsonClient, type JsonClientOptions, type JsonResponse } from './json-client.ts';

export { AbortedError, HttpStatusError, RetriesExhaustedError } from './json-client.ts';

export interface ChatClientOptions extends JsonClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8080/v1` (a bare origin gets `/v1`). */
  readonly endpoint: string;
}

export type ChatResponse = JsonResponse;

/** Normalise an endpoint to the chat-completions URL. */
export function chatCompletionsUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new RangeError(`endpoint must be an http(s) URL, got "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`endpoint must be an http(s) URL, got "${endpoint}"`);
  let path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/chat/completions')) return `${url.origin}${path}`;
  if (path === '') path = '/v1';
  return `${url.origin}${path}/chat/completions`;
}

export class ChatClient {
  readonly url: string;
  private readonly client: JsonClient;

  constructor(options: ChatClientOptions) {
    this.url = chatCompletionsUrl(options.endpoint);
    this.client = new JsonClient(options);
  }

  /**
   * Send one chat-completions request, retrying as the policy says.
   *
   * @throws HttpStatusError for a non-retryable status; RetriesExhaustedError when every attempt
   *   failed; AbortedError when `signal` fires (no further attempt is made).
   */
  complete(body: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<ChatResponse> {
    return this.client.request(this.url, body, signal);
  }
}
