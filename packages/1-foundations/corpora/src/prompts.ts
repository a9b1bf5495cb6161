/**
 * Built-in prompt sets for generation in tests, benchmarks and the demo: opening phrases of
 * sentences from the held-out part of a built-in corpus (every 10th document, see `splitHeldOut`),
 * so a model trained on the training part has never seen the exact continuation.
 */
import { type BuiltinCorpusName, loadBuiltinCorpus, splitHeldOut } from './builtin.ts';

export interface PromptRecord {
  readonly id: string;
  readonly prompt: string;
}

/**
 * Up to `count` prompts: the first `words` words of held-out sentences that have at least
 * `2 × words` words, taken in document order with a stride that spreads them over the corpus.
 * Deterministic.
 */
export function builtinPrompts(corpus: BuiltinCorpusName, count = 100, words = 6): PromptRecord[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const { heldOut } = splitHeldOut(loadBuiltinCorpus(corpus));
  const candidates: string[] = [];
  for (const doc of heldOut) {
    for (const sentence of doc.text.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=[A-Z])/)) {
      const w = sentence.trim().split(' ');
      if (w.length >= 2 * words && /^[A-Z]/.test(w[0]!)) candidates.push(w.slice(0, words).join(' '));
    }
  }
  const stride = Math.max(1, Math.floor(candidates.length / count));
  const out: PromptRecord[] = [];
  for (let i = 0; i < candidates.length && out.length < count; i += stride) out.push({ id: `${corpus}-${out.length + 1}`, prompt: candidates[i]! });
  return out;
}
