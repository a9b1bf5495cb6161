import { loadBuiltinCorpus } from '@tracemark/corpora';
import { normalizeText, NORMALIZERS } from '../../watermark/src/normalize.ts';
import { changeCase } from '../src/index.ts';
const only = Object.fromEntries(NORMALIZERS.map((m) => [m, m === 'case']));
for (const name of ['sotu', 'moby-dick'] as const) {
  const docs = loadBuiltinCorpus(name).map((d) => d.text);
  const changed = docs.filter((d) => normalizeText(d, only).text !== d).length;
  // attacked: mixed case at strengths
  const rows = [0.1, 0.25, 0.5].map((s) => {
    const fixed = docs.slice(0, 50).filter((d, i) => normalizeText(changeCase(d, { strength: s, seed: i }).text, only).applied.length > 0).length;
    return `${s}: ${fixed}/50 restored`;
  });
  let t = performance.now(); for (const d of docs) normalizeText(d); const ms = performance.now() - t;
  const mb = docs.reduce((a, d) => a + d.length, 0) / 1e6;
  console.log(name, 'clean docs changed by case', changed, '/', docs.length, rows.join(', '), 'normalize MB/s', (mb / ms * 1000).toFixed(1));
}
