import { loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { trainNgram, generate } from '@tracemark/models';
import { getTokenizer } from '@tracemark/tokenizers';
import { createDetector, createWatermarker, generateKey, type SchemeName, type ParamOverrides } from '@tracemark/watermark';
import { normalizeText, NORMALIZERS } from '../../watermark/src/normalize.ts';
import { changeWhitespace, insertInvisible, substituteHomoglyphs, changeCase } from '../src/index.ts';
const tok = await getTokenizer('o200k_base');
const { train, heldOut } = splitHeldOut(loadBuiltinCorpus('sotu'));
const model = trainNgram({ tokenizer: tok, sources: [{ name: 'sotu', documents: train.map((d) => tok.encode(d.text)) }] });
const prompts = heldOut.flatMap((d) => { const t = tok.encode(d.text); const out = []; for (let i = 0; i + 32 < t.length && out.length < 10; i += 500) out.push(t.slice(i, i + 32)); return out; });
const CONFIGS: { label: string; scheme: SchemeName; params: ParamOverrides }[] = [
  { label: 'kgw h=1', scheme: 'kgw', params: { context: 1 } },
  { label: 'kgw selfhash h=4', scheme: 'kgw', params: { context: 4, seeding: 'selfhash' } },
  { label: 'unigram', scheme: 'unigram', params: {} },
  { label: 'gumbel', scheme: 'gumbel', params: {} },
  { label: 'synthid', scheme: 'synthid', params: {} },
];
const N = Number(process.argv[2] ?? 40);
const attacks: Record<string, (t: string, s: number) => string> = {
  clean: (t) => t,
  'ws 1': (t, s) => changeWhitespace(t, { strength: 1, seed: s }).text,
  'inv 0.1': (t, s) => insertInvisible(t, { strength: 0.1, seed: s }).text,
  'homo 0.2': (t, s) => substituteHomoglyphs(t, { strength: 0.2, seed: s }).text,
  'case 0.5': (t, s) => changeCase(t, { strength: 0.5, seed: s }).text,
  'case upper 1': (t, s) => changeCase(t, { strength: 1, seed: s, mode: 'upper' }).text,
  'case random 1': (t, s) => changeCase(t, { strength: 1, seed: s, mode: 'random' }).text,
};
const settings: Record<string, Parameters<typeof normalizeText>[1]> = { none: false, default: {}, all: { nfkc: true } };
for (const n of NORMALIZERS) settings[`only ${n}`] = Object.fromEntries(NORMALIZERS.map((m) => [m, m === n]));
for (const c of CONFIGS) {
  const key = generateKey({ scheme: c.scheme, tokenizer: tok.identity(), params: c.params, secret: new Uint8Array(32).fill(7) });
  const wm = createWatermarker(key);
  const det = createDetector(key, { tokenizer: tok });
  const texts = Array.from({ length: N }, (_, i) => tok.decode(generate(model, { prompt: prompts[i % prompts.length]!, maxTokens: 200, seed: i, watermarker: wm }).tokens));
  for (const [aname, attack] of Object.entries(attacks)) {
    const row: string[] = [];
    for (const [sname, s] of Object.entries(settings)) {
      let tp = 0; let sum = 0; let changed = 0;
      texts.forEach((t, i) => { const a = attack(t, i); const nt = normalizeText(a, s); if (nt.applied.length) changed++; const r = det.detect(nt.text).aggregate; if (r.log10PValue < -3) tp++; sum += r.log10PValue; });
      row.push(`${sname}: tpr ${(tp / N).toFixed(2)} mean ${(sum / N).toFixed(1)} ch ${changed}`);
    }
    console.log(c.label, '|', aname, '|', row.join(' | '));
  }
}
