import { loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { trainNgram, generate } from '@tracemark/models';
import { getTokenizer } from '@tracemark/tokenizers';
import { createDetector, createWatermarker, generateKey } from '@tracemark/watermark';
import { generateWithEmojiAttack, regenerateSpans, substituteSynonyms } from '../src/index.ts';
const tok = await getTokenizer('o200k_base');
const { train, heldOut } = splitHeldOut(loadBuiltinCorpus('sotu'));
const model = trainNgram({ tokenizer: tok, sources: [{ name: 'sotu', documents: train.map((d) => tok.encode(d.text)) }] });
const key = generateKey({ scheme: 'kgw', tokenizer: tok.identity(), secret: new Uint8Array(32).fill(3) });
const wm = createWatermarker(key);
const det = createDetector(key, { tokenizer: tok });
const prompt = tok.encode(heldOut[3]!.text.slice(0, 150));
let t = performance.now();
const e = generateWithEmojiAttack(model, { prompt, maxTokens: 200, seed: 1, watermarker: wm });
console.log('emoji ms', performance.now() - t, e.stats, JSON.stringify(e.withEmoji.slice(0, 300)));
console.log(JSON.stringify(e.text.slice(0, 200)), tok.decode(e.tokens) === e.text);
console.log('emoji detect', det.detect(e.text).aggregate.log10PValue, 'tokens', det.detect({ tokens: e.tokens, prompt }).aggregate.log10PValue);
const plain = generate(model, { prompt, maxTokens: 200, seed: 1, watermarker: wm });
console.log('clean detect', det.detect(tok.decode(plain.tokens)).aggregate.log10PValue);
for (const f of [0.2, 0.5]) {
  const r = regenerateSpans(plain.tokens, model, f, 5, { prompt });
  console.log('regen', f, r.stats, det.detect(tok.decode(r.tokens)).aggregate.log10PValue, JSON.stringify(tok.decode(r.tokens).slice(0, 200)));
}
// synonyms 30% at several lengths
for (const n of [100, 200, 300, 400, 600]) {
  let ok = 0; const ps: number[] = [];
  for (let s = 0; s < 20; s++) {
    const g = generate(model, { prompt: tok.encode(heldOut[s]!.text.slice(0, 150)), maxTokens: n, seed: 100 + s, watermarker: wm });
    const a = substituteSynonyms(tok.decode(g.tokens), { strength: 0.3, seed: s });
    const r = det.detect(a.text).aggregate;
    ps.push(r.log10PValue); if (r.log10PValue < -3) ok++;
    if (s === 0 && n === 200) console.log(a.stats, JSON.stringify(a.text.slice(0, 300)));
  }
  ps.sort((a, b) => a - b);
  console.log('syn30', n, 'tpr', ok / 20, 'median log10p', ps[10], 'worst', ps[19]);
}
