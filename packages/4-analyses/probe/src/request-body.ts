/**
 * The exact JSON body sent for one (probe, sample): a pure function of the suite, the run's
 * parameters and the detected capabilities, so a resumed run and a batch export send byte-for-byte
 * what the original run would have, and the transcript can record it.
 */
import { type EndpointCapabilities, type Probe, type ProbeSuite, probeMaxTokens, type TranscriptParams, type TranscriptRecord } from '@tracemark/fingerprint';

/**
 * Build the chat-completions body. Sample i carries seed + i (identical seeds would make a
 * deterministic server repeat itself). Parameters the server rejected during capability
 * detection are left out, and the transcript header says so.
 */
export function buildRequestBody(
  suite: ProbeSuite,
  probe: Probe,
  sample: number,
  model: string,
  params: TranscriptParams,
  capabilities: EndpointCapabilities,
): Record<string, unknown> {
  const messages: { role: string; content: string }[] = [];
  if (probe.system !== undefined) messages.push({ role: 'system', content: probe.system });
  messages.push({ role: 'user', content: probe.prompt });
  const body: Record<string, unknown> = {
    model,
    messages,
    max_tokens: probeMaxTokens(suite, probe, params.maxTokens ?? undefined),
  };
  if (params.temperature !== null) body.temperature = params.temperature;
  if (params.seed !== null && capabilities.seed !== 'rejected') body.seed = params.seed + sample;
  if (params.logprobs !== null && capabilities.logprobs !== false) {
    body.logprobs = true;
    if (params.logprobs > 0) body.top_logprobs = params.logprobs;
  }
  return body;
}

/** The assistant text, finish reason and log-probabilities of one answer. */
export interface Choice {
  readonly text: string;
  readonly finishReason: string | null;
  readonly logprobs: unknown;
}

/** The assistant text, finish reason and log-probabilities of a chat-completions response body. */
export function readChoice(body: Record<string, unknown>): Choice | null {
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) return null;
  const c = choices[0] as { message?: { content?: unknown }; finish_reason?: unknown; logprobs?: { content?: unknown } | null; text?: unknown };
  const content = c.message?.content ?? c.text;
  if (content !== null && content !== undefined && typeof content !== 'string') return null;
  return {
    text: typeof content === 'string' ? content : '',
    finishReason: typeof c.finish_reason === 'string' ? c.finish_reason : null,
    logprobs: c.logprobs?.content ?? null,
  };
}

/**
 * The transcript line of one answer, the same whether it came from a live run or a batch output:
 * the request as sent, the reply's metadata from its body, and how it was timed.
 */
export function responseRecord(
  probe: Probe,
  sample: number,
  request: Record<string, unknown>,
  reply: { readonly body: Record<string, unknown>; readonly requestId: string | null; readonly choice: Choice },
  timing: TranscriptRecord['timing'],
): TranscriptRecord {
  const { body, choice } = reply;
  return {
    type: 'response',
    probeId: probe.id,
    category: probe.category,
    sample,
    text: choice.text,
    finishReason: choice.finishReason,
    request,
    response: {
      id: typeof body.id === 'string' ? body.id : null,
      requestId: reply.requestId,
      model: typeof body.model === 'string' ? body.model : null,
      systemFingerprint: typeof body.system_fingerprint === 'string' ? body.system_fingerprint : null,
      usage: body.usage ?? null,
      logprobs: choice.logprobs,
    },
    timing,
  };
}
