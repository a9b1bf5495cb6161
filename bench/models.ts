/**
 * Benchmark of the reference n-gram model (`@tracemark/models`) on State of the Union addresses
 * tokenized with o200k_base: training speed by order (with and without tokenization), model
 * file size and load time, generation speed with top-k 50 and with the dense path, and held-out
 * perplexity by order. Prints a markdown table; every time is the median of several runs.
 *
 *     pnpm tsx bench/models.ts [--runs 3]
 */
import { loadavg } from 'node:os';
import { loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { deserializeModel, generate, type NgramModel, perplexity, serializeModel, trainNgram } from '@tracemark/models';
import { getTokenizer } from '@tracemark/tokenizers';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const ORDERS = [3, 4, 5];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

let lastCpu = 0;
/** Wall-clock seconds of `f`; its CPU seconds (all threads of the process) go to `lastCpu`. */
async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  lastCpu = (c.user + c.system) / 1e6;
  return [value, wall];
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1e6, 1)} MB`;

const tokenizer = await getTokenizer('o200k_base');
const texts = loadBuiltinCorpus('sotu').map((d) => d.text);
const tokenizeTimes: number[] = [];
let documents: Uint32Array[] = [];
for (let r = 0; r < RUNS; r++) {
  const [docs, t] = await timed(() => texts.map((text) => tokenizer.encode(text)));
  documents = docs;
  tokenizeTimes.push(t);
}
const tokens = documents.reduce((s, d) => s + d.length, 0);
// gpt-tokenizer caches encoded pieces, so later passes over the same text are faster than the first.
const tokenizeCold = tokenizeTimes[0]!;
const tokenizeTime = median(tokenizeTimes);
console.error(`sotu: ${documents.length} documents, ${fmt(tokens)} o200k tokens, tokenized in ${fmt(tokenizeCold, 2)} s (first pass)`);

const rows: string[] = [];
const genRows: string[] = [];
let order4: NgramModel | undefined;
for (const order of ORDERS) {
  const times: number[] = [];
  const cpus: number[] = [];
  let model!: NgramModel;
  for (let r = 0; r < RUNS; r++) {
    const [m, t] = await timed(() => trainNgram({ tokenizer, order, sources: [{ name: 'sotu', documents }] }));
    model = m;
    times.push(t);
    cpus.push(lastCpu);
  }
  const train = median(times);
  const trainCpu = median(cpus);
  const saveTimes: number[] = [];
  const loadTimes: number[] = [];
  let bytes: Uint8Array = new Uint8Array(0);
  for (let r = 0; r < RUNS; r++) {
    const [b, ts] = await timed(() => serializeModel(model));
    bytes = b;
    saveTimes.push(ts);
    const [, tl] = await timed(() => deserializeModel(bytes, { tokenizer }));
    loadTimes.push(tl);
  }
  const stats = model.stats();
  rows.push(
    `| ${order} | ${fmt(train, 2)} s | ${fmt(trainCpu, 2)} s | ${fmt(tokens / train)} | ${fmt(tokens / (train + tokenizeCold))} | ${fmt(stats.contexts)} | ${fmt(stats.entries)} | ${mb(stats.bytes)} | ${mb(bytes.length)} | ${fmt(median(saveTimes), 2)} s | ${fmt(median(loadTimes), 2)} s |`,
  );
  console.error(`order ${order}: trained in ${fmt(train, 2)} s`);
  if (order === 4) order4 = model;
}

// Generation with the order-4 model, from held-out prompts (the first 8 tokens of a speech).
const model = order4!;
const prompt = documents[documents.length - 1]!.subarray(0, 8);
model.topK(prompt, 1); // builds the (context, token) index once, outside the timings
for (const [label, topK, maxTokens] of [
  ['top-k 50', 50, 5000],
  ['top-k 50, temperature 0.7, top-p 0.9', 50, 5000],
  ['dense (top-k 0, V = 200,019)', 0, 200],
] as const) {
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const options = label.includes('top-p') ? { temperature: 0.7, topP: 0.9 } : {};
    const [out, t] = await timed(() => generate(model, { prompt, maxTokens, topK, seed: r, ...options }));
    rates.push(out.tokens.length / t);
  }
  genRows.push(`| ${label} | ${fmt(maxTokens)} | ${fmt(median(rates))} |`);
}

// Held-out perplexity: train on 9 of 10 documents, score the 10th (splitHeldOut).
function heldOutPerplexity(docs: Uint32Array[], order: number): number {
  const split = splitHeldOut(docs);
  const m = trainNgram({ tokenizer, order, sources: [{ name: 'train', documents: split.train }] });
  let nll = 0;
  let n = 0;
  for (const doc of split.heldOut) {
    const r = perplexity(m, doc);
    nll += r.meanNll * r.tokens;
    n += r.tokens;
  }
  return Math.exp(nll / n);
}
const moby = loadBuiltinCorpus('moby-dick').map((d) => tokenizer.encode(d.text));
const pplRows: string[] = [];
for (const order of [2, 3, 4, 5, 6]) {
  pplRows.push(`| ${order} | ${fmt(heldOutPerplexity(documents, order), 1)} | ${fmt(heldOutPerplexity(moby, order), 1)} |`);
}
const split = splitHeldOut(documents);
const mobySplit = splitHeldOut(moby);

console.log(`## Reference n-gram model (sotu, o200k_base)

${fmt(tokens)} tokens in ${documents.length} speeches; tokenization takes ${fmt(tokenizeCold, 2)} s on a first pass (${fmt(tokenizeTime, 2)} s median of ${RUNS}, gpt-tokenizer caches pieces). Node ${process.version}, ${RUNS} runs per figure (median); CPU time includes the garbage collector's threads; load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')}.

| order | train (wall) | train (CPU) | tokens/s (training) | tokens/s (incl. tokenization) | contexts | n-grams | in memory | file | save | load |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Generation (order 4, plain sampling):

| sampling | tokens per run | tokens/s |
| :--- | ---: | ---: |
${genRows.join('\n')}

Held-out perplexity (every 10th document held out: ${split.heldOut.length} speeches, ${mobySplit.heldOut.length} chapters):

| order | sotu | moby-dick |
| ---: | ---: | ---: |
${pplRows.join('\n')}
`);
