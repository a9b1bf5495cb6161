import { getTokenizer } from '@tracemark/tokenizers';
import { loadBuiltinCorpus } from '@tracemark/corpora';
import { countNgrams } from '../packages/models/src/count-ngrams.ts';
import { NgramModel } from '../packages/models/src/ngram-model.ts';
const tok = await getTokenizer('o200k_base');
const docs = loadBuiltinCorpus('sotu').map((d) => tok.encode(d.text));
for (let r = 0; r < 2; r++) {
  const u0 = process.cpuUsage(); let t0 = performance.now();
  const t = countNgrams(docs, 4, tok.vocabSize);
  const t1 = performance.now(); const cpu = process.cpuUsage(u0); 
  const m = new NgramModel({ tables: t, tokenizer: tok, name: 'x', sources: [] });
  const t2 = performance.now();
  m.topK(new Uint32Array(0), 1);
  console.log("count", (t1 - t0).toFixed(0), "cpu", ((cpu.user + cpu.system)/1000).toFixed(0), 'construct', (t2 - t1).toFixed(0), 'index', (performance.now() - t2).toFixed(0));
}
