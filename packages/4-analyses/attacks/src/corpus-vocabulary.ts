/**
 * The vocabulary word insertion draws from: every alphabetic word of the built-in human corpora
 * (State of the Union addresses and Moby-Dick) in its most common spelling, with its count, so
 * that insertions follow the words' real frequencies.
 */
import { loadBuiltinCorpus } from '@tracemark/corpora';

export interface CorpusVocabulary {
  /** Words, most frequent first. */
  readonly words: readonly string[];
  /** Cumulative counts: word i is drawn with probability (cumulative[i] − cumulative[i−1]) / total. */
  readonly cumulative: Float64Array;
}

let cached: CorpusVocabulary | undefined;

/**
 * Build (once, ~1 s) the frequency table of words seen at least `minCount` times (default 2, which
 * drops OCR slips and one-off names).
 *
 * @example
 * corpusVocabulary().words[0]; // 'the'
 */
export function corpusVocabulary(minCount = 2): CorpusVocabulary {
  if (cached && minCount === 2) return cached;
  const counts = new Map<string, Map<string, number>>();
  for (const name of ['sotu', 'moby-dick'] as const) {
    for (const doc of loadBuiltinCorpus(name)) {
      for (const m of doc.text.matchAll(/\b[A-Za-z]+\b/g)) {
        const w = m[0];
        const key = w.toLowerCase();
        let forms = counts.get(key);
        if (!forms) counts.set(key, (forms = new Map()));
        forms.set(w, (forms.get(w) ?? 0) + 1);
      }
    }
  }
  const rows: [string, number][] = [];
  for (const forms of counts.values()) {
    let total = 0;
    let best = '';
    let bestCount = 0;
    for (const [form, c] of forms) {
      total += c;
      // A sentence-initial capital is not the word's own spelling: prefer lower case unless rare.
      const weight = form === form.toLowerCase() ? 3 * c : c;
      if (weight > bestCount) (bestCount = weight), (best = form);
    }
    if (total >= minCount) rows.push([best, total]);
  }
  rows.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const cumulative = new Float64Array(rows.length);
  let acc = 0;
  rows.forEach(([, c], i) => (cumulative[i] = acc += c));
  const vocabulary = { words: rows.map(([w]) => w), cumulative };
  if (minCount === 2) cached = vocabulary;
  return vocabulary;
}

/** Draw one word by frequency (binary search over the cumulative counts). */
export function drawWord(vocabulary: CorpusVocabulary, u: number): string {
  const { cumulative, words } = vocabulary;
  const target = u * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return words[lo]!;
}
