/**
 * Everything the measures need from one answer, computed once per answer and cached per
 * transcript, so that analysing the same transcripts against many panels (as calibration does)
 * costs the feature extraction only once.
 */
import { hashBag, type HashedBag, hashFeature } from './_feature-hash.ts';
import { EDIT_MAX_CHARS } from './edit-similarity.ts';
import { extractIdentityClaims } from './identity-claims.ts';
import { matchRefusalTemplates } from './refusal-templates.ts';
import { spectrumVector, type SpectrumVector } from './string-kernel.ts';
import { charNgrams, normalizeText, wordNgrams, wordTokens } from './text-features.ts';
import { responsesByProbe, type Transcript } from './transcript.ts';

/** Word n-gram orders of the phrase-overlap measure: bigrams and trigrams are phrasing, unigrams are vocabulary. */
export const PHRASE_MIN_N = 2;
export const PHRASE_MAX_N = 3;

export interface ResponseFeatures {
  /** Normalised text cut to `EDIT_MAX_CHARS` UTF-16 units (as `editSimilarity` does), for the edit measure. */
  readonly editText: string;
  /** Word 1–2-grams (hashed). */
  readonly words: HashedBag;
  /** Character 3–4-grams (hashed). */
  readonly chars: HashedBag;
  readonly spectrum: SpectrumVector;
  /** Distinct word 2–3-grams (hashed). */
  readonly phrases: Uint32Array;
  readonly refusals: readonly string[];
  readonly vendors: readonly string[];
}

/** Features of one answer. O(length). */
export function responseFeatures(text: string): ResponseFeatures {
  const words = wordTokens(text);
  const phrases = new Set<number>();
  for (let n = PHRASE_MIN_N; n <= PHRASE_MAX_N; n++) for (let i = 0; i + n <= words.length; i++) phrases.add(hashFeature(words.slice(i, i + n).join(' ')));
  const normalized = normalizeText(text);
  return {
    editText: normalized.slice(0, EDIT_MAX_CHARS),
    words: hashBag(wordNgrams(text, 1, 2)),
    chars: hashBag(charNgrams(text, 3, 4)),
    spectrum: spectrumVector(text),
    phrases: Uint32Array.from(phrases),
    refusals: matchRefusalTemplates(text),
    vendors: extractIdentityClaims(text),
  };
}

export interface ProbeFeatures {
  readonly category: string;
  readonly answers: readonly ResponseFeatures[];
}

const cache = new WeakMap<Transcript, Map<string, ProbeFeatures>>();

/** Features of every answer of a transcript, by probe id (samples in order); cached per transcript object. */
export function transcriptFeatures(t: Transcript): Map<string, ProbeFeatures> {
  let hit = cache.get(t);
  if (!hit) {
    hit = new Map();
    for (const [id, { category, texts }] of responsesByProbe(t)) hit.set(id, { category, answers: texts.map(responseFeatures) });
    cache.set(t, hit);
  }
  return hit;
}
