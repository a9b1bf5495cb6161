import { writeFileSync } from 'node:fs';
import { buildTinyLlamaGguf, loadLlamaCppModel } from './src/index.ts';
import { createWatermarker, generateKey } from '@tracemark/watermark';
writeFileSync('/tmp/engtry/tiny.gguf', buildTinyLlamaGguf({ seed: 1 }));
let t = Date.now();
const m = await loadLlamaCppModel({ modelPath: '/tmp/engtry/tiny.gguf', contextSize: 512 });
console.log('load', Date.now() - t, m.name, m.vocabSize, m.tokenizer.identity());
const key = generateKey({ scheme: 'kgw', tokenizer: m.tokenizer.identity(), params: { delta: 20, gamma: 0.25 }, secret: new Uint8Array(32).fill(7) });
const wm = createWatermarker(key);
for (const opts of [{}, { watermarker: wm }, { watermarker: wm, candidates: 40 }]) {
  t = Date.now();
  const r = await m.generate({ prompt: 'the whale and the sea', maxTokens: 200, seed: 3, ...opts });
  console.log(Date.now() - t, 'ms', r.tokens.length, r.stopReason, JSON.stringify(r.text.slice(0, 120)));
  const r2 = await m.generate({ prompt: 'the whale and the sea', maxTokens: 200, seed: 3, ...opts });
  console.log('same', r.tokens.join() === r2.tokens.join());
}
// cache consistency: logits via incremental vs fresh
const r = await m.generate({ prompt: 'the whale', maxTokens: 30, seed: 5 });
const full = new Uint32Array([...r.promptTokens, ...r.tokens]);
const a = await m.logits(full.subarray(0, 20));
const b = await m.logits(full.subarray(0, 21));
const c = await m.logits(full.subarray(0, 20));
await m.generate({ prompt: 'x', maxTokens: 1, seed: 1 });
const d = await m.logits(full.subarray(0, 20));
let md = 0; for (let i = 0; i < a.length; i++) md = Math.max(md, Math.abs(a[i]! - d[i]!), Math.abs(a[i]! - c[i]!));
console.log('max diff cache vs fresh', md);
t = Date.now();
const s = await m.scoreTokens(full);
console.log('score', Date.now() - t, s.length, s.slice(0, 5));
const lp = await m.logProbs(full.subarray(0, 10));
console.log('lp check', lp[full[10]!], s[9 - 0 - 0]);
const tk = await m.topK(full.subarray(0, 10), 5);
console.log(tk, [...lp].map((v, i) => [i, v]).sort((x, y) => y[1] - x[1]).slice(0, 5));
await m.dispose();
