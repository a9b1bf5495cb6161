/**
 * Synonym substitution from WordNet, the lexical attack of the watermark literature (Kirchenbauer
 * et al. 2024, "On the Reliability of Watermarks", §4; MarkLLM's "WordNet synonym substitution
 * 50%"): replace words by a synonym from any of their senses, keeping capitalisation and leaving
 * stop words alone.
 */
import { attackRandom, checkStrength, checkText, chooseIndices, countFor, matchCase, pick, rate, segmentWords, joinWords } from './_attack-kit.ts';
import { loadWordnet, type Wordnet } from './load-wordnet.ts';
import { STOP_WORDS } from './stop-words.ts';
import { type AttackOptions, type AttackResult, type AttackStats } from './types.ts';

export interface SubstituteSynonymsStats extends AttackStats {
  readonly unit: 'word';
  /** Words that could be replaced: alphabetic, not stop words, with at least one synonym (of them or of their -s base form). */
  readonly eligible: number;
  /** changed / eligible. */
  readonly eligibleRate: number;
}

export interface SubstituteSynonymsOptions extends AttackOptions {
  /** Default: `loadWordnet()`. */
  readonly wordnet?: Wordnet;
}

const KIND = 'synonyms';
const ALPHABETIC = /^[A-Za-z]+$/;

/**
 * The base form of a regular plural noun or third-person verb (WordNet's morphy detachment rules
 * for -s, -es, -ies), or undefined. Only these are undone because they can be redone exactly on
 * the synonym (`inflect`); -ed and -ing forms are left alone.
 */
function baseForm(lower: string, wordnet: Wordnet): string | undefined {
  if (lower.length < 4 || !lower.endsWith('s') || lower.endsWith('ss')) return undefined;
  const candidates = lower.endsWith('ies') ? [`${lower.slice(0, -3)}y`] : lower.endsWith('es') ? [lower.slice(0, -2), lower.slice(0, -1)] : [lower.slice(0, -1)];
  return candidates.find((c) => wordnet.synonyms(c).length > 0 && !STOP_WORDS.has(c));
}

/** Regular -s inflection: box → boxes, policy → policies, state → states. */
function inflect(base: string): string {
  if (/(s|x|z|ch|sh)$/.test(base)) return `${base}es`;
  if (/[^aeiou]y$/.test(base)) return `${base.slice(0, -1)}ies`;
  return `${base}s`;
}

/** The synonyms `word` (lower case) can take, inflected like it; empty when it is not eligible. */
function synonymsOf(lower: string, wordnet: Wordnet): readonly string[] {
  if (STOP_WORDS.has(lower)) return [];
  const direct = wordnet.synonyms(lower);
  if (direct.length > 0) return direct;
  const base = baseForm(lower, wordnet);
  return base === undefined ? [] : wordnet.synonyms(base).map(inflect);
}

/**
 * Replace round(strength · n) of the n words (at most all eligible ones) by a synonym drawn
 * uniformly from the word's WordNet synonyms; the words replaced are drawn uniformly among the
 * eligible ones. A word is eligible when it is alphabetic, its lower-case form is not a stop
 * word, and WordNet lists a single-word synonym for it — or, for a regular -s plural or verb
 * form that is not itself a lemma (states, provides), for its base form, in which case the
 * synonym is inflected the same way (provinces, supplies). The replacement copies the original's
 * capitalisation (ALL CAPS, Capitalised, lower). When fewer words are eligible than requested
 * the stats say so: `rate` is what was achieved. O(length) after WordNet is loaded.
 *
 * @throws RangeError when strength is outside [0, 1].
 * @example
 * substituteSynonyms('The nation must act.', { strength: 0.5, seed: 3 }).text; // e.g. 'The state must move.'
 */
export function substituteSynonyms(text: string, options: SubstituteSynonymsOptions): AttackResult<SubstituteSynonymsStats> {
  checkText(KIND, text);
  const strength = checkStrength(KIND, options.strength);
  const wordnet = options.wordnet ?? loadWordnet();
  const seg = segmentWords(text);
  const n = seg.words.length;
  const eligible: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = seg.words[i]!;
    if (!ALPHABETIC.test(w)) continue;
    if (synonymsOf(w.toLowerCase(), wordnet).length === 0) continue;
    eligible.push(i);
  }
  const random = attackRandom(KIND, options.seed);
  const chosen = chooseIndices(random, eligible.length, countFor(strength, n));
  const words = [...seg.words];
  for (const j of chosen) {
    const i = eligible[j]!;
    const original = words[i]!;
    words[i] = matchCase(pick(random, synonymsOf(original.toLowerCase(), wordnet)), original);
  }
  const changed = chosen.length;
  return {
    text: joinWords({ words, gaps: seg.gaps }),
    stats: { unit: 'word', total: n, changed, rate: rate(changed, n), eligible: eligible.length, eligibleRate: rate(changed, eligible.length) },
  };
}
