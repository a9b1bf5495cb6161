import { chunkTokens, loadBuiltinCorpus } from '@tracemark/corpora';
import { getTokenizer } from '@tracemark/tokenizers';
import { createDetector, generateKey } from '@tracemark/watermark';
import { normalizeText } from '../../watermark/src/normalize.ts';
import { changeCase, changeWhitespace, insertInvisible, substituteHomoglyphs } from '../src/index.ts';
const tokenizer = await getTokenizer('o200k_base');
const sources = [...loadBuiltinCorpus('moby-dick').filter((_, i) => i % 2 === 0), ...loadBuiltinCorpus('sotu').filter((_, i) => i % 16 === 0)];
const docs: Uint32Array[] = []; const raws: Uint32Array[] = [];
let i = 0;
for (const d of sources) for (const chunk of chunkTokens(tokenizer.encode(d.text), 200)) {
  const text = tokenizer.decode(chunk);
  let a = changeWhitespace(text, { strength: 0.3, seed: i }).text;
  a = insertInvisible(a, { strength: 0.05, seed: i }).text;
  a = substituteHomoglyphs(a, { strength: 0.1, seed: i }).text;
  a = changeCase(a, { strength: 0.2, seed: i }).text;
  docs.push(tokenizer.encode(normalizeText(a).text)); raws.push(chunk); i++;
}
for (const salt of [1, 2, 3, 4, 5, 6]) {
  let a2 = 0, a3 = 0, r2 = 0, r3 = 0;
  docs.forEach((d, j) => {
    const s = new Uint8Array(32); new DataView(s.buffer).setUint32(0, j); new DataView(s.buffer).setUint32(4, salt * 7919);
    const det = createDetector(generateKey({ scheme: 'unigram', tokenizer: tokenizer.identity(), secret: s, createdAt: new Date(0) }));
    const p = det.detect(d).aggregate.pValue; if (p < 1e-2) a2++; if (p < 1e-3) a3++;
    const q = det.detect(raws[j]!).aggregate.pValue; if (q < 1e-2) r2++; if (q < 1e-3) r3++;
  });
  console.log(salt, 'attacked', a2, a3, 'raw', r2, r3, docs.length);
}
