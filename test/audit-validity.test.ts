/**
 * Validity of the radioactivity audit: a control student trained on human text only is audited
 * under 200 independent keys. With dedup, the closed-model p-values are uniform (KS on randomized
 * p-values) and the false-positive rate at alpha 1e-2 is within the binomial 99% bound; the
 * open-model reading and mass tests stay within the bound too. Counting every token instead of
 * each distinct tuple once (dedup off) breaks the false-positive rate — which is why dedup exists.
 */
import { closedModelTest, openModelTest } from '@tracemark/audit';
import { binomialUpperCritical, binomialUpperTail, createRng, ksUniformTest, logBinomialPmf } from '@tracemark/stats';
import { createSchemeCore, type WatermarkKey } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoop, fixedKey, type Loop, type Output, sampleOutputs, trainStudent } from './fixtures/reference-loop.ts';

const KEYS = 200;
let loop: Loop;
let outputs: Output[];
let keys: WatermarkKey[];

beforeAll(async () => {
  loop = await createLoop();
  const control = trainStudent(loop, [], 0, 'control');
  outputs = sampleOutputs(loop, control, 'control', 300, 100);
  keys = Array.from({ length: KEYS }, (_, i) => fixedKey(loop.tokenizer, 10_000 + i));
});

describe('audits of a control student under 200 independent keys', () => {
  it('closed-model: uniform p-values and FPR within the binomial bound (dedup on)', () => {
    const uniform = createRng(0x1234);
    const randomized: number[] = [];
    let fp = 0;
    for (const key of keys) {
      const t = closedModelTest(key, outputs, { alpha: 1e-2 });
      if (t.detected) fp++;
      const core = createSchemeCore(key);
      const k = Math.round(t.score);
      randomized.push(binomialUpperTail(k + 1, t.scored, core.nullProbability).pValue + uniform() * Math.exp(logBinomialPmf(k, t.scored, core.nullProbability)));
    }
    const ks = ksUniformTest(randomized);
    console.info(`closed-model, dedup on: ${fp}/${KEYS} flagged at 1e-2; KS p ${ks.pValue.toPrecision(3)}`);
    expect(fp).toBeLessThanOrEqual(binomialUpperCritical(KEYS, 1e-2, 0.01));
    expect(ks.pValue).toBeGreaterThan(1e-3);
  });

  it('closed-model with dedup off (every token counted) exceeds the bound', () => {
    let fp = 0;
    const id = new Uint32Array(2);
    for (const key of keys) {
      const core = createSchemeCore(key);
      let n = 0;
      let green = 0;
      for (const o of outputs) {
        const all = new Uint32Array(o.prompt.length + o.tokens.length);
        all.set(o.prompt);
        all.set(o.tokens, o.prompt.length);
        for (let i = o.prompt.length; i < all.length; i++) (n++, (green += core.scoreAt(all, i, id)));
      }
      if (binomialUpperTail(green, n, core.nullProbability).pValue < 1e-2) fp++;
    }
    console.info(`closed-model, dedup off: ${fp}/${KEYS} flagged at 1e-2`);
    expect(fp).toBeGreaterThan(binomialUpperCritical(KEYS, 1e-2, 0.01));
  });

  it('open-model reading and mass tests: FPR within the bound', async () => {
    const control = trainStudent(loop, [], 0, 'control');
    const forced = outputs.slice(0, 40).map((o) => o.tokens);
    // Predictions do not depend on the key: compute them once.
    const cache = new Map<string, { ids: Uint32Array; logProbs: Float64Array }>();
    const predict = (ctx: Uint32Array, k: number) => {
      const tag = `${ctx.length}:${ctx[ctx.length - 1]}:${ctx[ctx.length - 2]}:${ctx[0]}`;
      let hit = cache.get(tag);
      if (!hit) cache.set(tag, (hit = control.topK(ctx, k)));
      return hit;
    };
    let fpReading = 0;
    let fpMass = 0;
    for (const key of keys.slice(0, 100)) {
      const r = await openModelTest(key, predict, forced, { alpha: 1e-2, topK: 10 });
      if (r.reading.detected) fpReading++;
      if (r.mass.detected) fpMass++;
    }
    console.info(`open-model: reading ${fpReading}/100, mass ${fpMass}/100 flagged at 1e-2`);
    expect(fpReading).toBeLessThanOrEqual(binomialUpperCritical(100, 1e-2, 0.01));
    expect(fpMass).toBeLessThanOrEqual(binomialUpperCritical(100, 1e-2, 0.01));
  });
});
