/**
 * Finding out what an endpoint supports before a run, so the transcript states it: per-token
 * log-probabilities (needed for the open-model radioactivity test) and seeded sampling (needed for
 * reproducible transcripts). Servers differ: OpenAI honours `seed` only best-effort, llama.cpp
 * honours it, some proxies reject unknown parameters with 400. Three to four tiny requests decide.
 */
import { type EndpointCapabilities } from '@tracemark/fingerprint';
import { type ChatClient, HttpStatusError } from './chat-client.ts';
import { readChoice } from './request-body.ts';

const LOGPROBS_PROMPT = 'Reply with the single word OK.';
const SEED_PROMPT = 'Write one short sentence about the sea.';
/** Distinct seeds for the determinism check. */
const SEED_A = 424_242;
const SEED_B = 171_717;

export interface DetectCapabilitiesOptions {
  readonly model: string;
  /** Top alternatives to ask for (0 = the chosen token only). */
  readonly topLogprobs: number;
  /** Sampling temperature for the seed check; must be > 0 to mean anything. Default 1. */
  readonly temperature?: number;
  readonly signal?: AbortSignal;
}

/**
 * Probe the endpoint.
 *
 * logprobs: one request with `logprobs: true` (and `top_logprobs`); supported when the answer has
 * `choices[0].logprobs.content` as an array. seed: two requests with the same seed and one with
 * another at temperature > 0 — deterministic when the same seed repeats and a different seed
 * differs, ignored when the same seed does not repeat, unknown when all three agree (the model is
 * too peaked to tell), rejected when the server answers 400/422 to the parameter.
 *
 * @throws HttpStatusError for 401/403/404 and other failures unrelated to the parameters (a wrong
 *   key or model name fails here, before the run); errors of `ChatClient.complete`.
 */
export async function detectCapabilities(client: ChatClient, o: DetectCapabilitiesOptions): Promise<EndpointCapabilities> {
  const notes: string[] = [];
  const base = (content: string, maxTokens: number) => ({ model: o.model, messages: [{ role: 'user', content }], max_tokens: maxTokens });
  const rejected = (e: unknown) => e instanceof HttpStatusError && (e.status === 400 || e.status === 422);

  let logprobs: boolean;
  let topLogprobs: number | null = null;
  try {
    const body = { ...base(LOGPROBS_PROMPT, 2), logprobs: true, ...(o.topLogprobs > 0 ? { top_logprobs: o.topLogprobs } : {}) };
    const r = await client.complete(body, o.signal);
    const choice = readChoice(r.body);
    logprobs = Array.isArray(choice?.logprobs);
    if (logprobs) {
      const entries = choice!.logprobs as { top_logprobs?: unknown[] }[];
      topLogprobs = entries.reduce((m, e) => Math.max(m, Array.isArray(e?.top_logprobs) ? e.top_logprobs.length : 0), 0);
    } else notes.push('logprobs: accepted but not returned');
  } catch (e) {
    if (!rejected(e)) throw e;
    logprobs = false;
    notes.push(`logprobs: rejected (${(e as Error).message})`);
  }

  let seed: EndpointCapabilities['seed'];
  try {
    const t = o.temperature !== undefined && o.temperature > 0 ? o.temperature : 1;
    const ask = async (s: number) => readChoice((await client.complete({ ...base(SEED_PROMPT, 12), temperature: t, seed: s }, o.signal)).body)?.text ?? '';
    const a1 = await ask(SEED_A);
    const a2 = await ask(SEED_A);
    const b = await ask(SEED_B);
    if (a1 !== a2) seed = 'ignored';
    else if (a1 !== b) seed = 'deterministic';
    else {
      seed = 'unknown';
      notes.push('seed: the same text came back for different seeds (a peaked model cannot show whether seeds are honoured)');
    }
  } catch (e) {
    if (!rejected(e)) throw e;
    seed = 'rejected';
    notes.push(`seed: rejected (${(e as Error).message})`);
  }
  return { logprobs, topLogprobs, seed, ...(notes.length > 0 ? { notes } : {}) };
}
