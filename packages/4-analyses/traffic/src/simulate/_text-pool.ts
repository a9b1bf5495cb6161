/**
 * Real human text for simulated prompts and answers: the sentences of the State of the Union
 * addresses and of Moby-Dick (`@tracemark/corpora`, public domain, shipped by npm) and the built-in
 * prompt openings. Built once per process and shared by every simulation (read-only).
 */
import { builtinPrompts, loadBuiltinCorpus } from '@tracemark/corpora';

export interface TextPool {
  /** Sentences of 6–60 words from the State of the Union addresses, whitespace-normalised. */
  readonly sotu: readonly string[];
  /** Sentences of 6–60 words from Moby-Dick. */
  readonly moby: readonly string[];
  /** Both, for answers. */
  readonly all: readonly string[];
  /** Six-word sentence openings from the held-out documents (`builtinPrompts`). */
  readonly openings: readonly string[];
  /** Distinct words of the first Moby-Dick sentences, for alternative tokens in simulated logprobs. */
  readonly words: readonly string[];
}

let pool: TextPool | undefined;

function sentencesOf(texts: readonly string[]): string[] {
  const out: string[] = [];
  for (const text of texts) {
    for (const raw of text.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=[A-Z"“])/)) {
      const s = raw.trim();
      const words = s.split(' ').length;
      // Very short fragments ("Mr. President.") and page-long sentences make implausible prompts.
      if (words >= 6 && words <= 60 && /^[A-Z"“]/.test(s)) out.push(s);
    }
  }
  return out;
}

export function textPool(): TextPool {
  if (pool) return pool;
  const sotu = sentencesOf(loadBuiltinCorpus('sotu').map((d) => d.text));
  const moby = sentencesOf(loadBuiltinCorpus('moby-dick').map((d) => d.text));
  const openings = [...builtinPrompts('sotu', 400), ...builtinPrompts('moby-dick', 400)].map((p) => p.prompt);
  const words = [...new Set(moby.slice(0, 2000).flatMap((x) => x.split(' ')))];
  pool = { sotu, moby, all: [...sotu, ...moby], openings, words };
  return pool;
}
