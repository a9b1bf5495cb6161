import { getTokenizer } from './packages/tokenizers/src/index.ts';
import { loadBuiltinCorpus, chunkTokens } from './packages/corpora/src/index.ts';
import { trainDistillationPanel } from './packages/probe/src/testing/distillation-panel.ts';
import { ngramResponder } from './packages/probe/src/testing/ngram-responder.ts';
import { loadBuiltinSuite } from './packages/fingerprint/src/index.ts';
import { writeFileSync } from 'node:fs';
const SAMPLES = Number(process.env.SAMPLES ?? 3), MAXT = Number(process.env.MAXT ?? 32), TOK = Number(process.env.TOK ?? 80000), TEMP = Number(process.env.TEMP ?? 1), SEED = Number(process.env.SEED ?? 1);
const tok = await getTokenizer('o200k_base');
const sotu = loadBuiltinCorpus('sotu').filter((_, i) => i % 2 === 0).map(d => d.text);
const moby = loadBuiltinCorpus('moby-dick').map(d => d.text);
const human = [...sotu.slice(0, 80), ...moby].flatMap(tx => chunkTokens(tok.encode(tx), 256));
const panel = trainDistillationPanel({ tokenizer: tok, human, seed: SEED, tokensPerModel: TOK, fractions: [0.1, 0.25, 0.5], independents: 6 });
const suite = loadBuiltinSuite();
const responder = ngramResponder({ tokenizer: tok, models: panel.models });
const data: Record<string, Record<string, string[]>> = {};
for (const name of Object.keys(panel.models)) {
  data[name] = {};
  for (const p of suite.suite.probes) { data[name][p.id] = []; for (let s = 0; s < SAMPLES; s++) {
    const out = await responder({ model: name, messages: [{ role: 'user', content: p.prompt }], max_tokens: MAXT, temperature: TEMP, seed: 1000 + s });
    data[name][p.id].push(out.text);
  } }
}
writeFileSync(process.env.OUT ?? '/tmp/exp/data.json', JSON.stringify({ cats: Object.fromEntries(suite.suite.probes.map(p => [p.id, p.category])), data }));
