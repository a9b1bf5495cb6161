import { readFileSync } from 'node:fs';
import { analyzeFingerprints, type Transcript } from './packages/fingerprint/src/index.ts';
const { data, cats } = JSON.parse(readFileSync('/tmp/exp/data.json', 'utf8'));
const tr = (name: string): Transcript => ({ source: name, header: { suite: { hash: 'h', name: 'default', version: '1', probes: 123 }, model: name, endpoint: 'x' } as any,
  records: Object.entries(data[name] as Record<string,string[]>).flatMap(([id, texts]) => texts.map((text, s) => ({ type: 'response', probeId: id, category: cats[id], sample: s, text } as any))) });
const T = Object.fromEntries(Object.keys(data).map(n => [n, tr(n)]));
const refs = ['independent-2','independent-3','independent-4'].map(r => T[r]);
analyzeFingerprints(T['student-50'], T.teacher, refs, { mmdPermutations: 0 });
const t = performance.now();
for (let i = 0; i < 50; i++) analyzeFingerprints(T['student-50'], T.teacher, refs, { mmdPermutations: 0 });
console.log('ms each', (performance.now() - t) / 50);
