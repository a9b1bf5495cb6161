import { readFileSync } from 'node:fs';
import { signedRankTest, wordTokens, normalizeText } from './packages/fingerprint/src/index.ts';
const file = process.env.F ?? '/tmp/exp/data.json';
const { data } = JSON.parse(readFileSync(file, 'utf8')) as { data: Record<string, Record<string, string[]>> };
const probes = Object.keys(data.teacher);
type Feat = (t: string) => string[];
const wordN = (n: number): Feat => (t) => { const w = wordTokens(t); const o = []; for (let i = 0; i + n <= w.length; i++) o.push(w.slice(i, i + n).join(' ')); return o; };
const charN = (n: number): Feat => (t) => { const c = Array.from(' ' + normalizeText(t).toLowerCase() + ' '); const o = []; for (let i = 0; i + n <= c.length; i++) o.push(c.slice(i, i + n).join('')); return o; };
const feats: Record<string, Feat> = { w1: wordN(1), w2: wordN(2), w3: wordN(3), w4: wordN(4), c5: charN(5), c8: charN(8), c12: charN(12) };
function score(feat: Feat, teacher: string, x: string, p: string, weighted: boolean): number {
  // teacher set (all probes)
  const counts = (cache as any)[feat.name + teacher] ??= (() => { const m = new Map<string, number>(); for (const q of probes) for (const t of data[teacher][q]) for (const g of new Set(feat(t))) m.set(g, (m.get(g) ?? 0) + 1); return m; })();
  let s = 0, n = 0;
  for (const t of data[x][p]) { const g = feat(t); let h = 0; for (const k of g) h += counts.has(k) ? 1 : 0; s += g.length ? h / g.length : 0; n++; }
  return s / n;
}
const cache: Record<string, unknown> = {};
const inds = Object.keys(data).filter(k => k.startsWith('independent'));
for (const [fname, f] of Object.entries(feats)) {
  Object.defineProperty(f, 'name', { value: fname });
  const rows: string[] = [];
  for (const suspect of ['student-50', 'student-25', 'student-10', 'independent-1', 'independent-2', 'independent-3']) {
    const refs = inds.filter(r => r !== suspect).slice(0, 3);
    const res = refs.map(r => { const d = probes.map(p => score(f, 'teacher', suspect, p, false) - score(f, 'teacher', r, p, false)); return signedRankTest(d); });
    rows.push(`${suspect}: ${res.map(r => `${r.wins}/${r.n} lp=${r.pValue.log10PValue.toFixed(1)}`).join(' ')}`);
  }
  console.log(fname, '\n  ' + rows.join('\n  '));
}
