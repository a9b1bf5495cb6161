/**
 * A `/v1/completions` choice as vLLM shapes it when the prompt is scored (vLLM
 * `entrypoints/openai/completion/serving.py`, `request_output_to_completion_response`): with
 * `echo`, the prompt's text and log-probabilities come before the answer's; `prompt_logprobs` and
 * `prompt_token_ids` ride along when asked. Without those parameters it is OpenAI's plain choice.
 */
import { scoringBackend } from './llama-cpp-routes.ts';
import { logprobsForCompletions, type CompletionLogprobs } from './openai-logprobs.ts';
import { type CompletionParams } from './parse-request.ts';
import { type PreparedCompletion } from './prepare-completion.ts';
import { echoLogprobs, type PromptPosition, scorePrompt, vllmPromptLogprobs } from './prompt-logprobs.ts';
import { type TokenLogprob } from './run-completion.ts';

/** The prompt's log-probabilities when the request asks for them (echo with logprobs, or prompt_logprobs); see prompt-logprobs.ts. */
export async function promptSection(prep: PreparedCompletion, signal: AbortSignal): Promise<PromptPosition[] | null> {
  const p = prep.params;
  const k = Math.max(p.promptLogprobs ?? -1, p.echo ? p.topLogprobs : -1);
  if (k < 0) return null;
  return scorePrompt(scoringBackend(prep.model, p.promptLogprobs !== null ? 'prompt_logprobs' : 'echo'), prep.promptTokens, k, signal);
}

/** `generated` null: no log-probabilities were asked. */
export function completionChoice(
  p: CompletionParams,
  promptText: string,
  promptTokens: Uint32Array,
  prompt: readonly PromptPosition[] | null,
  content: string,
  generated: readonly TokenLogprob[] | null,
  finish: string | null,
): Record<string, unknown> {
  let logprobs: CompletionLogprobs | null = null;
  if (generated !== null) {
    const answer = logprobsForCompletions(generated, p.tokensAsIds, p.echo ? promptText.length : 0);
    if (p.echo && prompt) {
      const head = echoLogprobs(prompt, p.topLogprobs, p.tokensAsIds);
      logprobs = {
        tokens: [...head.tokens, ...answer.tokens],
        token_logprobs: [...head.token_logprobs, ...answer.token_logprobs],
        top_logprobs: [...head.top_logprobs, ...answer.top_logprobs],
        text_offset: [...head.text_offset, ...answer.text_offset],
      };
    } else logprobs = answer;
  }
  return {
    index: 0,
    text: p.echo ? promptText + content : content,
    logprobs,
    finish_reason: finish,
    ...(p.promptLogprobs !== null && prompt ? { prompt_logprobs: vllmPromptLogprobs(prompt, p.promptLogprobs) } : {}),
    ...(p.returnTokenIds ? { prompt_token_ids: Array.from(promptTokens) } : {}),
  };
}
