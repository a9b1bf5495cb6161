import { loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { trainNgram, generate, perplexity } from '@tracemark/models';
import { getTokenizer } from '@tracemark/tokenizers';
import { createDetector, createWatermarker, generateKey } from '@tracemark/watermark';
let t = performance.now();
const tok = await getTokenizer('o200k_base');
console.log('tok', performance.now() - t); t = performance.now();
const docs = loadBuiltinCorpus('sotu');
const { train, heldOut } = splitHeldOut(docs);
const enc = train.map((d) => tok.encode(d.text));
console.log('encode', performance.now() - t, enc.reduce((a, b) => a + b.length, 0)); t = performance.now();
const model = trainNgram({ tokenizer: tok, sources: [{ name: 'sotu', documents: enc }] });
console.log('train', performance.now() - t, model.stats()); t = performance.now();
const key = generateKey({ scheme: 'kgw', tokenizer: tok.identity(), secret: new Uint8Array(32).fill(1) });
const wm = createWatermarker(key);
const det = createDetector(key, { tokenizer: tok });
for (let i = 0; i < 5; i++) {
  const prompt = tok.encode(heldOut[i]!.text.slice(0, 200));
  const g = generate(model, { prompt, maxTokens: 200, seed: i, watermarker: wm });
  const text = tok.decode(g.tokens);
  const r1 = det.detect({ tokens: g.tokens, prompt }).aggregate;
  const r2 = det.detect(text).aggregate;
  console.log(JSON.stringify(text.slice(0, 300)), r1.scored, r1.rate.toFixed(3), r1.log10PValue.toFixed(1), r2.scored, r2.log10PValue.toFixed(1), perplexity(model, g.tokens).perplexity.toFixed(1));
}
console.log('gen', performance.now() - t);
