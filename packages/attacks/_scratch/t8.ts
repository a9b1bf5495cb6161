import { chunkTokens, loadBuiltinCorpus } from '@tracemark/corpora';
import { getTokenizer } from '@tracemark/tokenizers';
import { normalizeText } from '../../watermark/src/normalize.ts';
import { changeCase, changeWhitespace, insertInvisible, substituteHomoglyphs } from '../src/index.ts';
const tokenizer = await getTokenizer('o200k_base');
const sources = [...loadBuiltinCorpus('moby-dick').filter((_, i) => i % 3 === 0), ...loadBuiltinCorpus('sotu').filter((_, i) => i % 12 === 0)];
const T: Record<string, number> = {};
const time = <R>(k: string, f: () => R): R => { const t = performance.now(); const r = f(); T[k] = (T[k] ?? 0) + performance.now() - t; return r; };
let i = 0;
for (const d of sources) for (const chunk of time('encode-doc', () => chunkTokens(tokenizer.encode(d.text), 200))) {
  const text = time('decode', () => tokenizer.decode(chunk));
  const n = time('normalize', () => normalizeText(text));
  let a = time('ws', () => changeWhitespace(text, { strength: 0.3, seed: i }).text);
  a = time('inv', () => insertInvisible(a, { strength: 0.05, seed: i }).text);
  a = time('homo', () => substituteHomoglyphs(a, { strength: 0.1, seed: i }).text);
  a = time('case', () => changeCase(a, { strength: 0.2, seed: i }).text);
  const na = time('normalize2', () => normalizeText(a).text);
  time('encode3', () => [tokenizer.encode(text), tokenizer.encode(n.text), tokenizer.encode(na)]);
  i++;
}
console.log(i, Object.fromEntries(Object.entries(T).map(([k, v]) => [k, v.toFixed(0)])));
