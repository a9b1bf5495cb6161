/**
 * What the report draws: the closed-model statistic as outputs accumulate (global dedup, so it is
 * the same statistic the test reports at its last point), and one suspect output split into
 * tokens with each token's score under the key.
 */
import { type Tokenizer } from '@tracemark/tokenizers';
import { createSchemeCore, DetectionSession, TupleSet, type WatermarkKey } from '@tracemark/watermark';
import { type CurvePoint, type HighlightedSample } from './audit-report.ts';
import { type SuspectOutput } from './closed-model-test.ts';

export function scoreCurve(key: WatermarkKey, outputs: readonly SuspectOutput[], points = 60): CurvePoint[] {
  const core = createSchemeCore(key);
  const session = new DetectionSession(core, undefined, { alpha: 0.5 });
  for (const o of outputs) if (o.prompt && o.prompt.length > 0) session.exclude(o.prompt);
  const every = Math.max(1, Math.ceil(outputs.length / points));
  const curve: CurvePoint[] = [];
  outputs.forEach((o, i) => {
    session.add({ tokens: o.tokens, ...(o.prompt ? { prompt: o.prompt } : {}) });
    if ((i + 1) % every === 0 || i === outputs.length - 1) {
      const a = session.aggregate();
      curve.push({ outputs: i + 1, scored: a.scored, rate: a.rate, log10PValue: a.log10PValue });
    }
  });
  return curve;
}

/** Token pieces of one output with per-token scores (null where the position is not scored). */
export function highlightSample(key: WatermarkKey, tokenizer: Tokenizer, id: string, output: SuspectOutput, maxTokens = 400): HighlightedSample {
  const core = createSchemeCore(key);
  const prompt = output.prompt ?? new Uint32Array(0);
  const body = output.tokens.subarray(0, maxTokens);
  const all = new Uint32Array(prompt.length + body.length);
  all.set(prompt);
  all.set(body, prompt.length);
  const excluded = new TupleSet(256);
  const seen = new TupleSet(256);
  const idOut = new Uint32Array(2);
  for (let i = core.contextWidth; i < prompt.length; i++) (core.scoreAt(all, i, idOut), excluded.add(idOut[0]!, idOut[1]!));
  const pieces: string[] = [];
  const scores: (number | null)[] = [];
  for (let j = 0; j < body.length; j++) {
    const i = prompt.length + j;
    pieces.push(tokenizer.decode([body[j]!]));
    if (i < core.contextWidth) {
      scores.push(null);
      continue;
    }
    const s = core.scoreAt(all, i, idOut);
    scores.push(excluded.has(idOut[0]!, idOut[1]!) || !seen.add(idOut[0]!, idOut[1]!) ? null : s);
  }
  return { id, pieces, scores };
}
