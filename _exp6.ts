import { readFileSync } from 'node:fs';
import { analyzeFingerprints, type Transcript, type MeasureName } from './packages/fingerprint/src/index.ts';
const { data, cats } = JSON.parse(readFileSync('/tmp/exp/data.json', 'utf8')) as { data: Record<string, Record<string, string[]>>, cats: Record<string,string> };
const tr = (name: string): Transcript => ({ source: name, header: { suite: { hash: 'h', name: 'default', version: '1', probes: 123 }, model: name, endpoint: 'x' } as any,
  records: Object.entries(data[name]).flatMap(([id, texts]) => texts.map((text, s) => ({ type: 'response', probeId: id, category: cats[id], sample: s, text } as any))) });
const T = Object.fromEntries(Object.keys(data).map(n => [n, tr(n)]));
const refs = ['independent-2','independent-3','independent-4'].map(r => T[r]);
analyzeFingerprints(T['student-50'], T.teacher, refs, { mmdPermutations: 0 });
for (const m of ['phrases', 'edit', 'word-ngram', 'char-ngram', 'mmd', 'refusal'] as MeasureName[]) {
  const t = performance.now();
  analyzeFingerprints(T['student-50'], T.teacher, refs, { mmdPermutations: 0, measures: [m] });
  console.log(m, (performance.now() - t).toFixed(0));
}
let t = performance.now();
analyzeFingerprints(T['student-50'], T.teacher, refs, { mmdPermutations: 999, measures: ['phrases'] });
console.log('perm999', (performance.now() - t).toFixed(0));
