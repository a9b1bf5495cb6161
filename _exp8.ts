import { readFileSync } from 'node:fs';
import { analyzeFingerprints, type Transcript } from './packages/fingerprint/src/index.ts';
import { ksUniformTest, pValueFromProbability } from './packages/stats/src/index.ts';
const all: number[] = []; const raw: number[] = []; const rawBy: Record<string, number[]> = {};
let t0 = performance.now(); let n = 0;
for (const file of ['/tmp/exp/data.json', '/tmp/exp/data2.json']) {
  const { data, cats } = JSON.parse(readFileSync(file, 'utf8'));
  const tr = (name: string): Transcript => ({ source: name, header: { suite: { hash: 'h', name: 'default', version: '1', probes: 123 }, model: name, endpoint: 'x' } as any,
    records: Object.entries(data[name] as Record<string,string[]>).flatMap(([id, texts]) => texts.map((text, s) => ({ type: 'response', probeId: id, category: cats[id], sample: s, text } as any))) });
  const inds = Object.keys(data).filter(k => k.startsWith('independent'));
  const T = Object.fromEntries(inds.map(n => [n, tr(n)]));
  for (const teacher of inds) for (const suspect of inds) { if (suspect === teacher) continue;
    const rest = inds.filter(x => x !== teacher && x !== suspect);
    for (let drop = 0; drop < rest.length; drop++) {
      const refs = rest.filter((_, i) => i !== drop).map(r => T[r]);
      const a = analyzeFingerprints(T[suspect], T[teacher], refs, { mmdPermutations: 0 }); n++;
      all.push(a.combined.pValue!.pValue);
      for (const c of a.comparisons) if (c.n >= 20) { raw.push(c.pValue.pValue); (rawBy[c.measure] ??= []).push(c.pValue.pValue); }
    }
  }
}
console.log('analyses', n, 'ms each', ((performance.now() - t0) / n).toFixed(0));
const rate = (xs: number[], a: number) => (xs.filter(x => x <= a).length / xs.length).toFixed(4);
console.log('combined: ≤.05', rate(all, .05), '≤.01', rate(all, .01), '≤.001', rate(all, .001));
console.log('raw: n', raw.length, '≤.05', rate(raw, .05), '≤.01', rate(raw, .01), '≤.001', rate(raw, .001), 'KS', ksUniformTest(raw));
for (const [m, xs] of Object.entries(rawBy)) console.log('  ', m, xs.length, '≤.05', rate(xs, .05), '≤.01', rate(xs, .01), '≤.001', rate(xs, .001));
