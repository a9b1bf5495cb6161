/**
 * Refusal-template matching: assistants refuse in a few stock phrasings ("I'm sorry, but I can't
 * help with that.", "As an AI language model, …"), each lab its own, and students trained on a
 * teacher's refusals reproduce its template. Each template is a pattern with an id; a response's
 * refusal profile is the set of templates it matches.
 */

export interface RefusalTemplate {
  readonly id: string;
  readonly pattern: RegExp;
}

export const REFUSAL_TEMPLATES: readonly RefusalTemplate[] = [
  { id: 'sorry-but-cant', pattern: /\b(?:i'?m|i am) sorry,? but i (?:can(?:no|')t|am unable to|won'?t|am not able to)\b/iu },
  { id: 'cant-assist', pattern: /\bi can(?:no|')t (?:help|assist|provide|comply|fulfil|fulfill|support|do that)\b/iu },
  { id: 'unable-to', pattern: /\b(?:i'?m|i am) (?:unable|not able) to (?:help|assist|provide|comply|do that)\b/iu },
  { id: 'as-an-ai', pattern: /\bas an ai(?: language model| assistant| model)?\b/iu },
  { id: 'apologize', pattern: /\bi (?:apologi[sz]e|must apologi[sz]e)\b/iu },
  { id: 'against-policy', pattern: /\b(?:against|violates?|goes against) (?:my|our|the) (?:guidelines|policies|policy|usage polic(?:y|ies)|content policy)\b/iu },
  { id: 'not-appropriate', pattern: /\b(?:not|isn'?t) (?:appropriate|something i can help with)\b/iu },
  { id: 'cannot-engage', pattern: /\bi (?:won'?t|will not|cannot|can'?t) (?:engage|participate|create|generate|write) (?:in |that|this|content)/iu },
  { id: 'seek-professional', pattern: /\b(?:consult|seek|contact) (?:a|an|your) (?:qualified |licensed )?(?:professional|doctor|physician|lawyer|expert)\b/iu },
  { id: 'es-lo-siento', pattern: /\blo siento\b|\bno puedo (?:ayudar|ayudarte|proporcionar)\b/iu },
  { id: 'fr-desole', pattern: /\bd[ée]sol[ée]\b|\bje ne peux pas\b/iu },
  { id: 'de-leider', pattern: /\btut mir leid\b|\bich kann (?:dir |ihnen )?(?:dabei )?nicht helfen\b/iu },
  { id: 'zh-sorry', pattern: /抱歉|对不起|我无法|我不能/u },
];

/**
 * The ids of the refusal templates a text matches, in `REFUSAL_TEMPLATES` order.
 *
 * @example
 * matchRefusalTemplates("I'm sorry, but I can't help with that."); // ['sorry-but-cant', 'cant-assist']
 */
export function matchRefusalTemplates(text: string): string[] {
  const t = text.normalize('NFKC').replace(/’/gu, "'");
  return REFUSAL_TEMPLATES.filter((r) => r.pattern.test(t)).map((r) => r.id);
}
