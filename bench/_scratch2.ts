import { getTokenizer } from '@tracemark/tokenizers';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { countNgrams } from '../packages/models/src/count-ngrams.ts';
import { NgramModel } from '../packages/models/src/ngram-model.ts';
const tok = await getTokenizer('o200k_base');
const docs = loadBuiltinCorpus('sotu').map((d) => tok.encode(d.text));
for (const order of [4]) {
  let t0 = performance.now();
  const t = countNgrams(docs, order, tok.vocabSize);
  console.log('count+finalize', performance.now() - t0);
  t0 = performance.now();
  const m = new NgramModel({ tables: t, tokenizer: tok, name: 'x', sources: [] });
  console.log('construct', performance.now() - t0);
}
