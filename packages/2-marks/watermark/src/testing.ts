/**
 * Deterministic helpers for tests and benchmarks of the watermark library: a synthetic next-token
 * distribution of realistic entropy (seeded draws come from `createRng` in `@tracemark/stats`).
 * They live in `src/` so benchmarks can import them; nothing in the public API depends on them.
 */
import { mix32 } from './prf.ts';

/** One synthetic step: `support` candidate ids with Zipf(`s`) logits, most likely first. */
export interface SyntheticStep {
  readonly ids: Uint32Array;
  readonly logits: Float32Array;
}

/**
 * Synthetic language model: at each step the next token follows a Zipf law with exponent `s` over
 * a context-dependent set of `support` tokens drawn from a `vocab`-token vocabulary. With s = 1.1
 * and support 1000 the entropy is ~4 nats, about that of an LLM sampling at temperature 1; larger s
 * gives lower entropy. Candidates are distinct ids.
 */
export function syntheticStep(context: Uint32Array, vocab: number, s = 1.1, support = 1000): SyntheticStep {
  const last = context.length > 0 ? context[context.length - 1]! : 0;
  const prev = context.length > 1 ? context[context.length - 2]! : 0;
  const seed = mix32(Math.imul(last + 1, 2654435761) ^ mix32(prev + 7) ^ context.length);
  const ids = new Uint32Array(support);
  const logits = new Float32Array(support);
  const stride = 2 * (mix32(seed) % 1_000_003) + 1; // odd, so r ↦ start + r·stride mod vocab is injective for vocab = 2^k
  const start = mix32(seed ^ 0xabcdef) % vocab;
  for (let r = 0; r < support; r++) {
    ids[r] = (start + r * stride) % vocab;
    logits[r] = -s * Math.log(r + 1);
  }
  return { ids, logits };
}

/** The same step as a dense logits vector over the vocabulary (floor −30 outside the support). */
export function syntheticLogits(context: Uint32Array, vocab: number, s = 1.1, support = 1000, out = new Float32Array(vocab)): Float32Array {
  out.fill(-30);
  const step = syntheticStep(context, vocab, s, support);
  for (let r = 0; r < step.ids.length; r++) out[step.ids[r]!] = step.logits[r]!;
  return out;
}

/** Shannon entropy (nats) of softmax(logits). */
export function entropyOf(logits: Float32Array): number {
  let max = -Infinity;
  for (const l of logits) if (l > max) max = l;
  let z = 0;
  for (const l of logits) z += Math.exp(l - max);
  let h = 0;
  for (const l of logits) {
    const p = Math.exp(l - max) / z;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}
