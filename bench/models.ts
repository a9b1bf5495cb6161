/**
 * Benchmark of the reference n-gram model (`@tracemark/models`) on State of the Union addresses
 * tokenized with o200k_base: training speed by order (with and without tokenization, wall clock
 * and CPU), model size in memory and on disk, save / load time, generation speed with top-k 50
 * and on the dense path, and held-out perplexity by order (sotu and Moby-Dick). Figures are
 * medians of several runs. The baseline beside training speed is tokenization of the same text.
 *
 *     pnpm tsx bench/models.ts [--runs 3]      (prints markdown)
 *
 * `benchModels()` returns the same tables as sections for `bench/run.ts`.
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { deserializeModel, generate, type NgramModel, perplexity, serializeModel, trainNgram } from '@tracemark/models';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { type BenchSection, machineLine, markdownTable } from './lib.ts';

const ORDERS = [3, 4, 5];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Timing<T> {
  readonly value: T;
  /** Wall-clock seconds. */
  readonly wall: number;
  /** CPU seconds of the whole process (garbage-collector threads included). */
  readonly cpu: number;
}

async function timed<T>(f: () => T | Promise<T>): Promise<Timing<T>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

const num = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sec = (x: number) => `${num(x, 2)} s`;
const mb = (bytes: number) => `${num(bytes / 1e6, 1)} MB`;

/** Every 10th document held out (`splitHeldOut`); perplexity over all held-out tokens. */
function heldOutPerplexity(tokenizer: Tokenizer, docs: Uint32Array[], order: number): number {
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

export async function benchModels(options: { runs?: number; log?: (line: string) => void } = {}): Promise<BenchSection[]> {
  const runs = options.runs ?? 3;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const tokenizer = await getTokenizer('o200k_base');
  const texts = loadBuiltinCorpus('sotu').map((d) => d.text);
  const tokenizeTimes: number[] = [];
  let documents: Uint32Array[] = [];
  for (let r = 0; r < runs; r++) {
    const t = await timed(() => texts.map((text) => tokenizer.encode(text)));
    documents = t.value;
    tokenizeTimes.push(t.wall);
  }
  const tokens = documents.reduce((s, d) => s + d.length, 0);
  // gpt-tokenizer caches encoded pieces, so later passes over the same text are faster: the first pass is the honest cost.
  const tokenizeCold = tokenizeTimes[0]!;
  log(`models: sotu, ${documents.length} documents, ${num(tokens)} tokens, tokenized in ${sec(tokenizeCold)}`);

  const trainRows: string[][] = [];
  let order4: NgramModel | undefined;
  for (const order of ORDERS) {
    const walls: number[] = [];
    const cpus: number[] = [];
    let model!: NgramModel;
    for (let r = 0; r < runs; r++) {
      const t = await timed(() => trainNgram({ tokenizer, order, sources: [{ name: 'sotu', documents }] }));
      model = t.value;
      walls.push(t.wall);
      cpus.push(t.cpu);
    }
    const saves: number[] = [];
    const loads: number[] = [];
    let bytes: Uint8Array = new Uint8Array(0);
    for (let r = 0; r < runs; r++) {
      const s = await timed(() => serializeModel(model));
      bytes = s.value;
      saves.push(s.wall);
      loads.push((await timed(() => deserializeModel(bytes, { tokenizer }))).wall);
    }
    const train = median(walls);
    const stats = model.stats();
    trainRows.push([
      String(order),
      sec(train),
      sec(median(cpus)),
      num(tokens / train),
      num(tokens / (train + tokenizeCold)),
      num(stats.contexts),
      num(stats.entries),
      mb(stats.bytes),
      mb(bytes.length),
      sec(median(saves)),
      sec(median(loads)),
    ]);
    log(`models: order ${order} trained in ${sec(train)}`);
    if (order === 4) order4 = model;
  }

  // Generation with the order-4 model after the first 8 tokens of the last speech.
  const model = order4!;
  const prompt = documents[documents.length - 1]!.subarray(0, 8);
  model.topK(prompt, 1); // builds the (context, token) index once, outside the timings
  const genRows: string[][] = [];
  for (const [label, topK, maxTokens, sampling] of [
    ['top-k 50', 50, 5000, {}],
    ['top-k 50, temperature 0.7, top-p 0.9', 50, 5000, { temperature: 0.7, topP: 0.9 }],
    [`dense (top-k 0, V = ${num(tokenizer.vocabSize)})`, 0, 200, {}],
  ] as const) {
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = await timed(() => generate(model, { prompt, maxTokens, topK, seed: r, ...sampling }));
      rates.push(t.value.tokens.length / t.wall);
    }
    genRows.push([label, num(maxTokens), num(median(rates))]);
  }
  log('models: generation measured');

  const moby = loadBuiltinCorpus('moby-dick').map((d) => tokenizer.encode(d.text));
  const pplRows = [2, 3, 4, 5, 6].map((order) => [
    String(order),
    num(heldOutPerplexity(tokenizer, documents, order), 1),
    num(heldOutPerplexity(tokenizer, moby, order), 1),
  ]);
  log('models: perplexity measured');

  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
  return [
    {
      title: `Reference n-gram model: training on sotu (${num(tokens)} o200k tokens, ${documents.length} speeches)`,
      body: [
        `Baseline: tokenizing the same text takes ${sec(tokenizeCold)} on a first pass (${sec(median(tokenizeTimes))} median of ${runs}; gpt-tokenizer caches pieces). ` +
          `Medians of ${runs} runs; CPU time counts all of the process's threads. Load average after the run: ${load}.`,
        '',
        markdownTable(
          ['order', 'train (wall)', 'train (CPU)', 'tokens/s', 'tokens/s incl. tokenization', 'contexts', 'n-grams', 'in memory', 'file', 'save', 'load'],
          trainRows,
        ),
      ].join('\n'),
    },
    {
      title: 'Reference n-gram model: generation (order 4, plain sampling)',
      body: markdownTable(['sampling', 'tokens per run', 'tokens/s (median)'], genRows),
    },
    {
      title: 'Reference n-gram model: held-out perplexity (every 10th document held out)',
      body: markdownTable(['order', 'sotu', 'moby-dick'], pplRows),
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runsArg = process.argv.indexOf('--runs');
  const sections = await benchModels({ runs: runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3 });
  process.stdout.write(
    [`Machine: ${machineLine()}.`, '', ...sections.flatMap((s) => [`## ${s.title}`, '', s.body, ''])].join('\n'),
  );
}
