/**
 * Choosing training documents from several sources in stated proportions — how a distillation
 * mixture is expressed ("10% teacher outputs, 90% human text"). Proportions are by tokens.
 */
import { createRng } from '@tracemark/stats';
import { type SourceSummary } from './ngram-model.ts';

/** One source of training text, already tokenized. */
export interface TrainingSource {
  readonly name: string;
  readonly documents: readonly Uint32Array[];
  /** Share of the training tokens, in [0, 1]. Give it for every source or for none. */
  readonly fraction?: number;
}

export interface MixedSources {
  /** The chosen documents, source by source (views into the inputs; the last of a source may be truncated). */
  readonly documents: Uint32Array[];
  readonly summary: SourceSummary[];
}

/** Tolerance on Σ fractions = 1: fractions typed as decimals (0.1 + 0.2 + 0.7) do not sum exactly. */
export const FRACTION_SUM_TOLERANCE = 1e-9;

/**
 * Select documents so that source s supplies fraction_s of the tokens.
 *
 * Without fractions every document of every source is used, in order. With fractions, the total
 * T is the largest for which every source can supply fraction_s · T tokens, i.e.
 * T = min_s tokens_s / fraction_s; each source then contributes round(fraction_s · T) tokens,
 * taking whole documents in a seeded shuffled order (seeded per source name, so adding a source
 * does not reshuffle the others) and truncating the last one. O(total tokens of the sources).
 *
 * @throws RangeError for no sources, duplicate names, fractions on some sources only, a fraction
 *   outside [0, 1], fractions not summing to 1 within 1e-9 (naming each), or a source with a
 *   positive fraction but no tokens.
 * @example
 * mixSources([{ name: 'teacher', documents: t, fraction: 0.1 }, { name: 'human', documents: h, fraction: 0.9 }], 7);
 * // summary: teacher 10% and human 90% of the tokens, exactly (up to rounding one token)
 */
export function mixSources(sources: readonly TrainingSource[], seed: number | string = 0): MixedSources {
  if (sources.length === 0) throw new RangeError('at least one training source is required');
  const names = new Set<string>();
  for (const s of sources) {
    if (typeof s.name !== 'string' || s.name === '') throw new RangeError('every training source needs a non-empty name');
    if (names.has(s.name)) throw new RangeError(`training source names must be unique: "${s.name}" appears twice`);
    names.add(s.name);
  }
  const available = sources.map((s) => s.documents.reduce((n, d) => n + d.length, 0));
  const withFraction = sources.filter((s) => s.fraction !== undefined);
  if (withFraction.length === 0) {
    return {
      documents: sources.flatMap((s) => [...s.documents]),
      summary: sources.map((s, i) => ({
        name: s.name,
        fraction: null,
        tokens: available[i]!,
        documents: s.documents.length,
        availableTokens: available[i]!,
      })),
    };
  }
  const listing = sources.map((s) => `${s.name}=${s.fraction ?? 'missing'}`).join(', ');
  if (withFraction.length !== sources.length)
    throw new RangeError(`give a fraction for every training source or for none (got ${listing})`);
  let sum = 0;
  for (const s of sources) {
    const f = s.fraction!;
    if (!(f >= 0 && f <= 1)) throw new RangeError(`fraction of source "${s.name}" must be in [0, 1], got ${f}`);
    sum += f;
  }
  if (Math.abs(sum - 1) > FRACTION_SUM_TOLERANCE)
    throw new RangeError(`training source fractions must sum to 1, got ${listing} (sum ${sum})`);
  let total = Infinity;
  sources.forEach((s, i) => {
    if (s.fraction! > 0) {
      if (available[i] === 0) throw new RangeError(`training source "${s.name}" has fraction ${s.fraction} but no tokens`);
      total = Math.min(total, available[i]! / s.fraction!);
    }
  });
  const documents: Uint32Array[] = [];
  const summary: SourceSummary[] = sources.map((s, i) => {
    const target = Math.min(available[i]!, Math.round(s.fraction! * total));
    const order = shuffledIndices(s.documents.length, createRng(`${seed}\u0000${s.name}`));
    let taken = 0;
    let used = 0;
    for (let j = 0; j < order.length && taken < target; j++) {
      const doc = s.documents[order[j]!]!;
      if (doc.length === 0) continue;
      const part = doc.length <= target - taken ? doc : doc.subarray(0, target - taken);
      documents.push(part);
      taken += part.length;
      used++;
    }
    return { name: s.name, fraction: s.fraction!, tokens: taken, documents: used, availableTokens: available[i]! };
  });
  return { documents, summary };
}

/** Fisher–Yates shuffle of 0 … n − 1. */
function shuffledIndices(n: number, random: () => number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}
