import { loadBuiltinCorpus } from '@tracemark/corpora';
import { getTokenizer } from '@tracemark/tokenizers';
import { normalizeText } from '../../watermark/src/normalize.ts';
const tok = await getTokenizer('o200k_base');
for (const name of ['sotu', 'moby-dick'] as const) {
  const docs = loadBuiltinCorpus(name).slice(-40).map((d) => d.text);
  const chars = docs.reduce((a, d) => a + d.length, 0);
  for (let r = 0; r < 2; r++) {
    let t = performance.now(); for (const d of docs) normalizeText(d); const n = performance.now() - t;
    t = performance.now(); for (const d of docs) tok.encode(d); const e = performance.now() - t;
    if (r) console.log(name, (chars / 1e6).toFixed(1), 'MB', 'normalize MB/s', (chars / 1e3 / n).toFixed(1), 'encode MB/s', (chars / 1e3 / e).toFixed(1), 'changed docs', docs.filter((d) => normalizeText(d).applied.length).length, '/', docs.length);
  }
}
