/**
 * How a chat becomes the plain text a reference model continues. Two templates, chosen per model:
 *
 * - `transcript` (default): each message as `<Role>: <content>` followed by a blank line, then
 *   `Assistant:` for the model to continue. Roles: `System` (system and developer messages),
 *   `User`, `Assistant`.
 *
 *       System: You are terse.\n\nUser: Hello\n\nAssistant:
 *
 * - `continuation`: the message contents joined by a blank line, roles dropped — for base models
 *   that only continue text; the model continues the last message.
 *
 * Models that emit a reasoning trace (`reasoning` in the model config) write it right after the
 * rendered prompt, and then the answer after `<prompt><reasoning>\n\nAnswer:`. The receipt's
 * `promptSha256` is the SHA-256 of the rendered prompt.
 */
import { type ChatTemplateName } from './config.ts';

export interface ChatMessage {
  readonly role: 'system' | 'developer' | 'user' | 'assistant';
  readonly content: string;
}

const LABELS: Record<ChatMessage['role'], string> = { system: 'System', developer: 'System', user: 'User', assistant: 'Assistant' };

/** The cue between a reasoning trace and the answer. */
export const ANSWER_CUE = '\n\nAnswer:';

export function renderChat(messages: readonly ChatMessage[], template: ChatTemplateName): string {
  if (template === 'continuation') return messages.map((m) => m.content).join('\n\n');
  return `${messages.map((m) => `${LABELS[m.role]}: ${m.content}\n\n`).join('')}Assistant:`;
}
