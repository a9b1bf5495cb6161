import { loadBuiltinCorpus } from '@tracemark/corpora';
import { normalizeText, NORMALIZERS } from '../../watermark/src/normalize.ts';
const docs = loadBuiltinCorpus('sotu').slice(-40).map((d) => d.text);
for (const n of NORMALIZERS) {
  const only = Object.fromEntries(NORMALIZERS.map((m) => [m, m === n]));
  let t = performance.now();
  let changed = 0; const examples: string[] = [];
  for (const d of docs) {
    const r = normalizeText(d, only);
    if (r.text !== d) {
      changed++;
      // first differing region
      let i = 0; while (d[i] === r.text[i]) i++;
      if (examples.length < 4) examples.push(JSON.stringify(d.slice(Math.max(0, i - 20), i + 20)) + ' -> ' + JSON.stringify(r.text.slice(Math.max(0, i - 20), i + 20)));
    }
  }
  console.log(n, 'changed', changed, 'ms', (performance.now() - t).toFixed(0), examples.join(' | '));
}
