/**
 * One position's answer as the audit reads it: the `k` most probable candidates, most probable
 * first, ties broken by the lower id — the order `NgramModel.topK` uses — so that an answer parsed
 * from JSON (where an object keyed by token ids loses its order) ranks exactly like the same model
 * queried locally, and the reading test's top-1 agrees even on ties.
 */
import { IoError } from '@tracemark/errors';

export interface Candidates {
  readonly ids: Uint32Array;
  readonly logProbs: Float64Array;
}

export const NO_CANDIDATES: Candidates = { ids: new Uint32Array(0), logProbs: new Float64Array(0) };

/** `pairs` (id, natural-log probability) → the top `k`; `where` names the answer in errors. */
export function topCandidates(pairs: readonly (readonly [number, number])[], k: number, where: string): Candidates {
  for (const [id, lp] of pairs) {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new IoError(`${where}: token id ${JSON.stringify(id)} is not a non-negative integer`);
    // OpenAI-style servers write −∞ as −9999 (JSON has no infinity); NaN or +∞ is a broken answer.
    if (Number.isNaN(lp) || lp > 1e-6) throw new IoError(`${where}: log-probability ${lp} of token ${id} is not ≤ 0`);
  }
  const sorted = [...pairs].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k);
  return { ids: Uint32Array.from(sorted, (p) => p[0]), logProbs: Float64Array.from(sorted, (p) => Math.min(0, p[1])) };
}
