import { loadBuiltinCorpus } from '@tracemark/corpora';
import { getTokenizer } from '@tracemark/tokenizers';
import { normalizeText, NORMALIZERS } from '../../watermark/src/normalize.ts';
const tok = await getTokenizer('o200k_base');
for (const name of ['sotu', 'moby-dick'] as const) {
  const docs = loadBuiltinCorpus(name).map((d) => d.text);
  const mb = docs.reduce((a, d) => a + d.length, 0) / 1e6;
  const row: string[] = [];
  for (const n of [...NORMALIZERS, 'all']) {
    const opt = n === 'all' ? {} : Object.fromEntries(NORMALIZERS.map((m) => [m, m === n]));
    for (const d of docs.slice(0, 10)) normalizeText(d, opt);
    const t = performance.now(); for (const d of docs) normalizeText(d, opt); row.push(`${n} ${(mb / (performance.now() - t) * 1000).toFixed(1)}`);
  }
  const t = performance.now(); for (const d of docs) tok.encode(d); row.push(`encode ${(mb / (performance.now() - t) * 1000).toFixed(1)}`);
  console.log(name, mb.toFixed(1), 'MB; MB/s:', row.join(', '));
}
