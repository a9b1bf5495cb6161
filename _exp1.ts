import { getTokenizer } from './packages/tokenizers/src/index.ts';
import { loadBuiltinCorpus, chunkTokens } from './packages/corpora/src/index.ts';
import { trainDistillationPanel } from './packages/probe/src/testing/distillation-panel.ts';
import { ngramResponder } from './packages/probe/src/testing/ngram-responder.ts';
import { loadBuiltinSuite, analyzeFingerprints, type Transcript, type TranscriptRecord } from './packages/fingerprint/src/index.ts';
const SAMPLES = Number(process.env.SAMPLES ?? 3), MAXT = Number(process.env.MAXT ?? 32), TOK = Number(process.env.TOK ?? 80000), TEMP = Number(process.env.TEMP ?? 1);
let t = Date.now();
const tok = await getTokenizer('o200k_base');
const sotu = loadBuiltinCorpus('sotu').filter((_, i) => i % 2 === 0).map(d => d.text);
const moby = loadBuiltinCorpus('moby-dick').map(d => d.text);
const human = [...sotu.slice(0, 60), ...moby].flatMap(tx => chunkTokens(tok.encode(tx), 256));
console.log('tokenized', human.length, 'chunks', Date.now() - t); t = Date.now();
const panel = trainDistillationPanel({ tokenizer: tok, human, seed: Number(process.env.SEED ?? 1), tokensPerModel: TOK, fractions: [0.1, 0.25, 0.5], independents: 6 });
console.log('trained', Date.now() - t, 'teacher tokens', panel.teacherTokens); t = Date.now();
const suite = loadBuiltinSuite();
const responder = ngramResponder({ tokenizer: tok, models: panel.models });
const transcripts: Record<string, Transcript> = {};
for (const name of Object.keys(panel.models)) {
  const records: TranscriptRecord[] = [];
  for (const p of suite.suite.probes) for (let s = 0; s < SAMPLES; s++) {
    const out = await responder({ model: name, messages: [{ role: 'user', content: p.prompt }], max_tokens: MAXT, temperature: TEMP, seed: 1000 + s });
    records.push({ type: 'response', probeId: p.id, category: p.category, sample: s, text: out.text, finishReason: 'length', request: {}, response: {} as any, timing: {} as any });
  }
  transcripts[name] = { source: name, header: { suite: { hash: suite.hash, name: 'default', version: '1', probes: 123 }, model: name, endpoint: 'x' } as any, records };
}
console.log('generated', Date.now() - t); t = Date.now();
for (const name of ['teacher', 'student-50', 'student-10', 'independent-1']) {
  console.log(name, transcripts[name].records.slice(0, 3).map(r => JSON.stringify(r.text)).join('\n   '));
  const id = transcripts[name].records.filter(r => r.probeId === 'identity-en-01').map(r => r.text);
  console.log('  who are you:', JSON.stringify(id[0]));
}
const inds = panel.independents.map(m => transcripts[m.name]);
for (const suspect of ['student-50', 'student-25', 'student-10', 'independent-1', 'independent-2']) {
  const refs = inds.filter(r => r.source !== suspect).slice(0, 3);
  t = Date.now();
  const a = analyzeFingerprints(transcripts[suspect], transcripts.teacher, refs, { mmdPermutations: 199 });
  console.log(suspect, a.verdict, 'ms', Date.now() - t, 'combined', a.combined.pValue?.log10PValue.toFixed(2), 'identity', a.identity.suspect.naming, '/', a.identity.suspect.responses, 'panel', a.identity.panel.naming, a.identity.pValue?.log10PValue.toFixed(2), 'eq', a.equality?.pValue.pValue);
  for (const m of a.perMeasure) console.log('   ', m.measure.padEnd(11), m.pValue.log10PValue.toFixed(2), a.comparisons.filter(c => c.measure === m.measure).map(c => `${c.wins}/${c.n} r=${c.effectSize.toFixed(2)} lp=${c.pValue.log10PValue.toFixed(1)}`).join('  '));
}
