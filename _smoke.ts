import { getTokenizer } from './packages/tokenizers/src/index.ts';
import { loadBuiltinCorpus, chunkTokens } from './packages/corpora/src/index.ts';
import { ngramResponder, startOpenAiTestServer } from './packages/probe/src/testing/index.ts';
import { trainDistillationPanel as _t } from './packages/probe/src/testing/distillation-panel.ts';
import { main } from './apps/cli/src/_cli-with-fingerprint.tmp.ts';
import { mkdtempSync } from 'node:fs';
const tok = await getTokenizer('o200k_base');
const human = [...loadBuiltinCorpus('sotu').filter((_, i) => i % 2 === 0).slice(0, 40).map(d => d.text), ...loadBuiltinCorpus('moby-dick').map(d => d.text)].flatMap(t => chunkTokens(tok.encode(t), 256));
const panel = _t({ tokenizer: tok, human, seed: 3, tokensPerModel: 60000, fractions: [0.5], independents: 3 });
const server = await startOpenAiTestServer({ responder: ngramResponder({ tokenizer: tok, models: panel.models }) });
const dir = mkdtempSync('/tmp/tm-smoke-');
const io = { stdout: (t: string) => process.stdout.write(t), stderr: (t: string) => process.stderr.write(t) };
let t = Date.now();
for (const m of Object.keys(panel.models)) {
  const code = await main(['probe', '--endpoint', server.url, '--model', m, '--samples', '2', '--temperature', '1', '--seed', '7', '--max-tokens', '32', '--logprobs', '2', '--out', `${dir}/${m}.jsonl`, ...(m === 'teacher' ? [] : ['--json'])], m === 'teacher' ? io : { stdout: () => {}, stderr: io.stderr });
  console.log(m, 'exit', code, Date.now() - t); t = Date.now();
}
const code = await main(['fingerprint', '--suspect', `${dir}/student-50.jsonl`, '--teacher', `${dir}/teacher.jsonl`, '--reference', `${dir}/independent-1.jsonl`, `${dir}/independent-2.jsonl`, '--reference', `${dir}/independent-3.jsonl`, '--permutations', '99'], io);
console.log('exit', code, Date.now() - t);
await server.close();
console.log(dir);
