import { binomialUpperCritical, createRng } from '@tracemark/stats';
import { describe, expect, it } from 'vitest';
import { createDetector } from './detector.ts';
import { generateKey, SCHEMES } from './key.ts';
import { syntheticStep } from './testing.ts';
import { type SchemeName, type WatermarkKey, type Watermarker } from './types.ts';
import { createWatermarker } from './watermarker.ts';

const VOCAB = 65_536;
const tokenizer = { name: 'synthetic', vocabSize: VOCAB, hash: 'sha256:synthetic' };

function keyFor(scheme: SchemeName, seed: number, params = {}): WatermarkKey {
  const secret = new Uint8Array(32);
  new DataView(secret.buffer).setUint32(0, seed);
  secret[31] = scheme.length;
  return generateKey({ scheme, tokenizer, secret, params, createdAt: new Date(0) });
}

/** Generate `n` tokens from the synthetic model, watermarked by `wm` when given. */
function generate(n: number, seed: number, wm?: Watermarker, prefix: number[] = [seed % VOCAB, (seed * 7) % VOCAB, 3, 4, 5, 6, 7, 8]): Uint32Array {
  const random = createRng(seed);
  const out = new Uint32Array(prefix.length + n);
  out.set(prefix);
  for (let i = prefix.length; i < out.length; i++) {
    const ctx = out.subarray(0, i);
    const step = syntheticStep(ctx, VOCAB);
    if (wm) out[i] = wm.sampleCandidates(step.ids, step.logits, ctx, { topK: 50, random });
    else {
      // Plain sampling from the same truncated distribution.
      let z = 0;
      for (let r = 0; r < 50; r++) z += Math.exp(step.logits[r]!);
      let u = random() * z;
      let r = 0;
      while (r < 49 && (u -= Math.exp(step.logits[r]!)) > 0) r++;
      out[i] = step.ids[r]!;
    }
  }
  return out.subarray(prefix.length);
}

describe('detection power on synthetic text of realistic entropy', () => {
  for (const scheme of SCHEMES) {
    it(`${scheme}: the right key detects 200 watermarked tokens, wrong keys do not`, () => {
      const wrongKeyPs: number[] = [];
      for (let k = 0; k < 8; k++) {
        const key = keyFor(scheme, 1000 + k);
        const text = generate(200, 50 + k, createWatermarker(key));
        const right = createDetector(key).detect(text, { alpha: 1e-6 });
        expect(right.aggregate.detected).toBe(true);
        expect(right.aggregate.log10PValue).toBeLessThan(-6);
        for (let w = 0; w < 5; w++) {
          const wrong = createDetector(keyFor(scheme, 5000 + 10 * k + w)).detect(text);
          wrongKeyPs.push(wrong.aggregate.pValue);
        }
      }
      // 40 wrong-key tests at alpha 1e-2: the binomial 99% bound on false positives.
      const falsePositives = wrongKeyPs.filter((p) => p < 1e-2).length;
      expect(falsePositives).toBeLessThanOrEqual(binomialUpperCritical(40, 1e-2, 0.01));
      expect(Math.min(...wrongKeyPs)).toBeGreaterThan(1e-6);
    });
  }

  it('unwatermarked text is not detected by any scheme', () => {
    for (const scheme of SCHEMES) {
      for (let k = 0; k < 5; k++) {
        const res = createDetector(keyFor(scheme, 77 + k)).detect(generate(300, 900 + k));
        expect(res.aggregate.log10PValue).toBeGreaterThan(-4);
      }
    }
  });

  it('results are deterministic for a fixed key and seed', () => {
    const key = keyFor('kgw', 3);
    const a = generate(100, 1, createWatermarker(key));
    const b = generate(100, 1, createWatermarker(key));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(createDetector(key).detect(a)).toEqual(createDetector(key).detect(b));
  });
});

describe('KGW variants and parameters', () => {
  for (const params of [
    { context: 1, seeding: 'lefthash' },
    { context: 4, seeding: 'lefthash' },
    { context: 4, seeding: 'selfhash' },
    { context: 8, seeding: 'selfhash', gamma: 0.5, delta: 1.5 },
  ]) {
    it(`detects with ${JSON.stringify(params)}`, () => {
      const key = keyFor('kgw', 42, params);
      const res = createDetector(key).detect(generate(250, 9, createWatermarker(key)));
      expect(res.aggregate.log10PValue).toBeLessThan(-6);
      expect(res.aggregate.rate).toBeGreaterThan((params as { gamma?: number }).gamma ?? 0.25);
    });
  }

  it('full-vocabulary biasing and candidate biasing agree', () => {
    const key = keyFor('kgw', 11, { context: 2, seeding: 'selfhash' });
    const wm = createWatermarker(key);
    const ctx = Uint32Array.of(5, 900, 31);
    const dense = new Float32Array(VOCAB);
    wm.biasLogits(dense, ctx);
    const ids = Uint32Array.of(0, 17, 900, 65_535, 4242);
    const sparse = new Float32Array(ids.length);
    wm.biasCandidates(ids, sparse, ctx);
    expect(Array.from(sparse)).toEqual(Array.from(ids, (id) => dense[id]));
    const green = dense.reduce((n, v) => n + (v > 0 ? 1 : 0), 0) / VOCAB;
    expect(green).toBeGreaterThan(0.24);
    expect(green).toBeLessThan(0.26);
  });
});

describe('dedup: repeated (context, token) tuples are scored once', () => {
  const sentence = Uint32Array.from([...Array(12).keys()].map((i) => 1000 + 37 * i));
  const repeated = new Uint32Array(sentence.length * 300);
  for (let r = 0; r < 300; r++) repeated.set(sentence, r * sentence.length);

  it('a sentence repeated 300 times scores only its distinct tuples and keeps the nominal FPR', () => {
    const naiveFlags: boolean[] = [];
    const flags: boolean[] = [];
    for (let k = 0; k < 300; k++) {
      const key = keyFor('kgw', 20_000 + k);
      const res = createDetector(key).detect(repeated, { alpha: 1e-2 });
      expect(res.aggregate.scored).toBeLessThanOrEqual(12);
      flags.push(res.aggregate.detected);
      // What counting every position would claim: 300 copies of the same few green decisions.
      const perCopy = res.aggregate.score;
      naiveFlags.push(perCopy >= 6);
    }
    const bound = binomialUpperCritical(300, 1e-2, 0.01);
    expect(flags.filter(Boolean).length).toBeLessThanOrEqual(bound);
    // Without dedup, any key with half the sentence green would be flagged with p ≈ 0.
    expect(naiveFlags.filter(Boolean).length).toBeGreaterThan(bound);
  });

  it('across documents the aggregate counts each tuple once', () => {
    const key = keyFor('synthid', 5);
    const doc = generate(100, 3);
    const res = createDetector(key).detect([doc, doc, doc]);
    const alone = createDetector(key).detect([doc]);
    expect(res.aggregate.scored).toBe(alone.documents[0]!.scored);
    expect(res.aggregate.documents).toBe(3);
    // Every tuple is shared, so no document may be judged on it: it counts in the aggregate only.
    for (const d of res.documents) expect(d).toMatchObject({ scored: 0, shared: alone.documents[0]!.scored, pValue: 1, detected: false });
    expect(res.documentTest).toMatchObject({ tuples: 'exclusive', sharedTuples: alone.documents[0]!.scored, correction: 'none' });
  });
});

describe('one key, many documents: per-document tests on exclusive tuples', () => {
  const key = keyFor('kgw', 21);
  const header = generate(80, 40);
  const bodies = [generate(120, 41), generate(150, 42), generate(90, 43, createWatermarker(key))];
  const withHeader = bodies.map((b) => Uint32Array.from([...header, ...b]));

  it('leaves out exactly the tuples another document holds, whatever the order, and keeps the aggregate', () => {
    const res = createDetector(key).detect(withHeader);
    const reversed = createDetector(key).detect([...withHeader].reverse());
    expect(reversed.documents.map((d) => [d.scored, d.score, d.shared]).reverse()).toEqual(res.documents.map((d) => [d.scored, d.score, d.shared]));
    // Scored alone, each body's tuples that are not in the header or another body.
    const bodyOnly = createDetector(key).detect(bodies);
    const all = createDetector(key).detect([Uint32Array.from(withHeader.flatMap((d) => [...d]))]);
    expect(res.aggregate.scored).toBe(createDetector(key).detect([...withHeader]).aggregate.scored);
    expect(res.aggregate.scored).toBeLessThanOrEqual(all.documents[0]!.scored);
    for (let i = 0; i < bodies.length; i++) {
      const d = res.documents[i]!;
      expect(d.shared).toBeGreaterThanOrEqual(header.length - 2);
      expect(d.scored + d.shared).toBe(createDetector(key).detect([withHeader[i]!]).documents[0]!.scored);
      expect(d.scored).toBeLessThanOrEqual(bodyOnly.documents[i]!.scored + 1);
    }
    // The watermarked body still convicts its document; the human ones do not.
    expect(res.documents.map((d) => d.detected)).toEqual([false, false, true]);
  });

  it('documents that share nothing are scored exactly as alone', () => {
    const res = createDetector(key).detect(bodies);
    bodies.forEach((b, i) => {
      const alone = createDetector(key).detect([b]).documents[0]!;
      expect(res.documents[i]).toMatchObject({ scored: alone.scored, score: alone.score, log10PValue: alone.log10PValue, shared: 0 });
    });
  });

  it('corrects the verdicts across documents with Holm or BH when asked', () => {
    const none = createDetector(key).detect(withHeader);
    const holm = createDetector(key).detect(withHeader, { correction: 'holm' });
    const bh = createDetector(key).detect(withHeader, { correction: 'bh' });
    const raw = none.documents.map((d) => d.log10PValue);
    const order = [...raw.keys()].sort((a, b) => raw[a]! - raw[b]!);
    // The smallest raw p-value is multiplied by the number of documents under both.
    expect(holm.documents[order[0]!]!.verdict.log10PValue).toBeCloseTo(raw[order[0]!]! + Math.log10(3), 12);
    expect(bh.documents[order[0]!]!.verdict.log10PValue).toBeLessThanOrEqual(raw[order[0]!]! + Math.log10(3) + 1e-12);
    for (const r of [holm, bh]) {
      expect(r.documentTest.correction).toBe(r === holm ? 'holm' : 'bh');
      r.documents.forEach((d, i) => {
        expect(d.log10PValue).toBe(raw[i]);
        expect(d.verdict.log10PValue).toBeGreaterThanOrEqual(raw[i]! - 1e-12);
        expect(d.detected).toBe(d.verdict.log10PValue < -3);
      });
    }
    expect(() => createDetector(key).detect(withHeader, { correction: 'sidak' as never })).toThrow(RangeError);
  });
});

describe('prompts and windows', () => {
  it('never scores tuples that occur in the prompt', () => {
    const key = keyFor('kgw', 8);
    const prompt = generate(60, 1);
    const withPrompt = createDetector(key).detect([{ tokens: prompt, prompt }]);
    // Only the junction tuple (last prompt token → first body token) is new.
    expect(withPrompt.aggregate.scored).toBe(1);
    const response = generate(80, 2, createWatermarker(key));
    const res = createDetector(key).detect([{ tokens: response, prompt }]);
    // The first response position is scored using the prompt's last tokens as context.
    expect(res.documents[0]!.scored).toBe(80);
  });

  it('finds a watermarked passage inside a long human document, corrected for the windows tested', () => {
    const key = keyFor('kgw', 13);
    const human1 = generate(1500, 100);
    const marked = generate(150, 101, createWatermarker(key), Array.from(human1.subarray(-8)));
    const human2 = generate(1500, 102);
    const doc = new Uint32Array(3150);
    doc.set(human1);
    doc.set(marked, 1500);
    doc.set(human2, 1650);
    const res = createDetector(key).detect(doc, { window: true });
    const w = res.documents[0]!.window!;
    expect(w.detected).toBe(true);
    expect(w.log10PValue).toBeLessThan(-6);
    expect(w.start).toBeGreaterThanOrEqual(1400);
    expect(w.end).toBeLessThanOrEqual(1760);
    expect(w.windowsTested).toBeGreaterThan(100);
    expect(w.log10PValue).toBeLessThan(res.documents[0]!.log10PValue);

    const clean = createDetector(key).detect(generate(3000, 104), { window: true });
    expect(clean.documents[0]!.window!.detected).toBe(false);
    expect(clean.documents[0]!.detected).toBe(false);
  });

  it('counts the whole document as one of the windows: one verdict, one meaning of detected', () => {
    const key = keyFor('kgw', 14);
    const marked = generate(600, 105, createWatermarker(key));
    const res = createDetector(key).detect(marked, { window: { sizes: [64] } });
    const d = res.documents[0]!;
    const w = d.window!;
    // Fully watermarked: the whole document is the most significant "window".
    expect([w.start, w.end, w.scored]).toEqual([0, d.tokens, d.scored]);
    const windows = Math.floor((d.scored - 64) / 16) + 1;
    expect(w.windowsTested).toBe(windows + 1);
    expect(w.log10PValue).toBeCloseTo(d.log10PValue + Math.log10(windows + 1), 10);
    expect(d.verdict).toMatchObject({ log10PValue: w.log10PValue, tests: windows + 1, detected: true });
    expect(d.detected).toBe(d.verdict.detected);
    // A document shorter than every window has only the whole-document test.
    const short = createDetector(key).detect(marked.subarray(0, 40), { window: { sizes: [64] } }).documents[0]!;
    expect(short.window).toBeUndefined();
    expect(short.verdict).toMatchObject({ tests: 1, log10PValue: short.log10PValue });
  });
});

describe('add (scratch arrays) and prepare + addPrepared (arrays of its own) give the same run', () => {
  for (const scheme of SCHEMES) {
    it(`${scheme}: short and long documents (the scratch regrows), prompts, windows`, () => {
      const key = keyFor(scheme, 77);
      const wm = createWatermarker(key);
      // 3000 positions outgrow the first scratch size; the short ones after it reuse the larger arrays.
      const docs = [generate(40, 1), generate(3000, 2, wm), generate(30, 3), generate(600, 4), generate(2, 5), generate(1200, 6, wm)];
      const inputs = docs.map((tokens, i) => (i % 2 === 1 ? { id: `d${i}`, tokens, prompt: docs[(i + 2) % docs.length]!.subarray(0, 20) } : { tokens }));
      const viaAdd = createDetector(key).session({ window: true, correction: 'holm' });
      const viaPrepare = createDetector(key).session({ window: true, correction: 'holm' });
      const kept = inputs.map((d) => viaPrepare.prepare(d));
      for (const d of inputs) viaAdd.add(d);
      for (const p of kept) viaPrepare.addPrepared(p);
      expect(viaAdd.documents()).toEqual(viaPrepare.documents());
      expect(viaAdd.aggregate()).toEqual(viaPrepare.aggregate());
      expect(viaAdd.aggregate().detected).toBe(true);
    });
  }
});
