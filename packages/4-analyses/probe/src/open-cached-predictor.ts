/**
 * A predictor that answers only from a prediction cache, never from a server: `tracemark verify`
 * recomputes an open-model audit made over HTTP from the signed cache file, offline, with the same
 * windows (the cache's header records them) and so the same numbers. A position the cache does not
 * hold is an error — the file does not belong to the report's inputs — never a silent gap.
 */
import { InputError } from '@tracemark/errors';
import { readPredictionCache } from './prediction-cache.ts';
import { type BatchedPredictor, createWindowedPredictor } from './windowed-predictor.ts';

/** @throws InputError when the cache was recorded for another top-k, or lacks an asked position. */
export async function openCachedPredictor(path: string, topK: number): Promise<BatchedPredictor> {
  const { header, records } = await readPredictionCache(path);
  if (header.topK !== topK) throw new InputError(`${path}: the prediction cache holds top-${header.topK} answers, the report asks top-${topK}`);
  return createWindowedPredictor({
    topK,
    window: header.window,
    concurrency: 1,
    records,
    ask: async (p, seg) => {
      const missing = p.answers.findIndex((x, i) => i >= seg.from && i < seg.to && !x);
      throw new InputError(`${path}: the prediction cache has no answer for position ${missing} of a forced text (sha256 ${p.hash.slice(0, 12)}…); it was not recorded for this report's inputs`);
    },
  }).predictor;
}
