import { readFileSync } from 'node:fs';
import { analyzeFingerprints, type Transcript } from './packages/fingerprint/src/index.ts';
const file = process.env.F ?? '/tmp/exp/data.json';
const { data, cats } = JSON.parse(readFileSync(file, 'utf8')) as { data: Record<string, Record<string, string[]>>, cats: Record<string,string> };
const tr = (name: string): Transcript => ({ source: name, header: { suite: { hash: 'h', name: 'default', version: '1', probes: 123 }, model: name, endpoint: 'x' } as any,
  records: Object.entries(data[name]).flatMap(([id, texts]) => texts.map((text, s) => ({ type: 'response', probeId: id, category: cats[id], sample: s, text } as any))) });
const T = Object.fromEntries(Object.keys(data).map(n => [n, tr(n)]));
const inds = Object.keys(data).filter(k => k.startsWith('independent'));
for (const suspect of ['student-50', 'student-25', 'student-10', ...inds]) {
  const refs = inds.filter(r => r !== suspect).slice(0, 3).map(r => T[r]);
  let t = performance.now();
  const a = analyzeFingerprints(T[suspect], T.teacher, refs, { mmdPermutations: 199 });
  console.log(suspect, a.verdict, 'ms', (performance.now() - t).toFixed(0), 'beh', a.evidence[0].pValue?.log10PValue.toFixed(2), 'id', a.identity.suspect.naming, '/', a.identity.suspect.responses, 'panel', a.identity.panel.naming, a.identity.pValue?.log10PValue.toFixed(2), 'eq', a.equality?.pValue.pValue.toFixed(3));
  for (const m of a.perMeasure) console.log('   ', m.measure.padEnd(11), m.pValue.log10PValue.toFixed(2), a.comparisons.filter(c => c.measure === m.measure).map(c => `${c.wins}/${c.n} lp=${c.pValue.log10PValue.toFixed(1)}`).join('  '));
}
