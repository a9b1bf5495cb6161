/**
 * Test fixtures shared by this package's tests (the `./testing` subpath, never the main entry):
 * the reference n-gram model trained on State of the Union addresses, held-out prompts, human
 * text, and a word-level edit count that measures what an attack did independently of the stats
 * the attack reports.
 */
import { builtinPrompts, loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { type NgramModel, trainNgram } from '@tracemark/models';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { segmentWords } from './_attack-kit.ts';

export interface ReferenceModel {
  readonly tokenizer: Tokenizer;
  readonly model: NgramModel;
  /** 100 prompts: the first six words of held-out sentences (`builtinPrompts('sotu')`), tokenized. */
  readonly prompts: Uint32Array[];
}

/**
 * Train the order-4 reference model on the training split of the State of the Union addresses:
 * every `every`-th training address (1 = all 1.9M tokens, ~5 s on an idle core; 2 = half, the
X
 */
export async function referenceModel(every = 2): Promise<ReferenceModel> {
  const tokenizer = await getTokenizer('o200k_base');
  const { train } = splitHeldOut(loadBuiltinCorpus('sotu'));
  const documents = train.filter((_, i) => i % every === 0).map((d) => tokenizer.encode(d.text));
  const model = trainNgram({ tokenizer, sources: [{ name: 'sotu', documents }] });
  const prompts = builtinPrompts('sotu', 100).map((p) => tokenizer.encode(p.prompt));
  return { tokenizer, model, prompts };
}

/** A held-out State of the Union address (human text), by index. */
export function humanText(index: number): string {
  const { heldOut } = splitHeldOut(loadBuiltinCorpus('sotu'));
  return heldOut[index % heldOut.length]!.text;
}

export interface WordEdits {
  readonly deleted: number;
  readonly inserted: number;
  readonly substituted: number;
  /** The Levenshtein distance between the two word sequences. */
  readonly distance: number;
}

/**
 * Word-level Levenshtein alignment of two texts' words (`segmentWords`), with the cheapest
 * script split into deletions, insertions and substitutions. O(n·m) time, O(n·m) bytes.
 */
export function wordEdits(before: string, after: string): WordEdits {
  const a = segmentWords(before).words;
  const b = segmentWords(after).words;
  const n = a.length;
  const m = b.length;
  const d = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = 0; i <= n; i++) d[at(i, 0)] = i;
  for (let j = 0; j <= m; j++) d[at(0, j)] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const sub = d[at(i - 1, j - 1)]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      d[at(i, j)] = Math.min(sub, d[at(i - 1, j)]! + 1, d[at(i, j - 1)]! + 1);
    }
  }
  let i = n;
  let j = m;
  let deleted = 0;
  let inserted = 0;
  let substituted = 0;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && d[at(i, j)] === d[at(i - 1, j - 1)]! + (a[i - 1] === b[j - 1] ? 0 : 1)) {
      if (a[i - 1] !== b[j - 1]) substituted++;
      i--;
      j--;
    } else if (i > 0 && d[at(i, j)] === d[at(i - 1, j)]! + 1) {
      deleted++;
      i--;
    } else {
      inserted++;
      j--;
    }
  }
  return { deleted, inserted, substituted, distance: d[at(n, m)]! };
}
