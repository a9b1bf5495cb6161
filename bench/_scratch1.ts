import { getTokenizer } from '@tracemark/tokenizers';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { trainNgram } from '../packages/models/src/train-ngram.ts';
const tok = await getTokenizer('o200k_base');
console.log('V', tok.vocabSize);
for (const corpus of ['moby-dick', 'sotu'] as const) {
  let t0 = performance.now();
  const docs = loadBuiltinCorpus(corpus).map((d) => tok.encode(d.text));
  const ntok = docs.reduce((s, d) => s + d.length, 0);
  console.log(corpus, 'tokenize ms', (performance.now() - t0).toFixed(0), 'tokens', ntok);
  for (const order of [2, 4, 5]) {
    t0 = performance.now();
    const m = trainNgram({ tokenizer: tok, order, sources: [{ name: corpus, documents: docs }] });
    console.log(' order', order, 'train ms', (performance.now() - t0).toFixed(0), m.stats(), m.discountsFor(order-1), m.discountsFor(0));
    const ctx = tok.encode('Call me');
    const top = m.topK(ctx, 5);
    console.log([...top.ids].map((i) => tok.decode([i])), [...top.logProbs].map(Math.exp));
  }
}
