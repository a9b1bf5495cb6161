/**
 * Load test of the gateway on loopback: the gateway runs as its own process (`main.ts`, as
 * `pnpm gateway` starts it) and this process runs `clients` concurrent HTTP clients (default 50)
 * for `seconds` (default 30) per configuration, sending non-streaming chat completions of 64
 * tokens. Ten accounts share the load; one of them ("greedy") has a low request limit, so its
 * 429s show the limits at work — every other outcome but a 200 counts as an error.
 *
 * Configurations, each measured in the same run on the same model and prompts:
 * - watermark on (the product), receipts with group commit;
 * - watermark off (the baseline for the watermark's share of latency);
 * - watermark on, one fsync per receipt (the baseline for group commit).
 *
 *     pnpm tsx bench/gateway.ts [--seconds 30] [--clients 50] [--rounds 3]
 *
 * The configurations run as separate processes at once but are loaded in turn, in interleaved
 * rounds, so drifts in the machine's load reach all of them alike. Bounded: each round stops
 * after `seconds / rounds` or 1,000,000 requests, whichever is first. A last table times the
 * model alone (no HTTP), with and without the watermarker, for the watermark's share at the source.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtinPrompts } from '@tracemark/corpora';
import { generate, loadModel } from '@tracemark/models';
import { createRng } from '@tracemark/stats';
import { createWatermarker, deriveAccountKey, samplePlain } from '@tracemark/watermark';
import { DEFAULT_LIMITS, renderChat } from '@tracemark/gateway';
import { createTestSetup } from '@tracemark/gateway/testing';
import { type BenchSection, fmt, machineLine, markdownTable, measure } from './lib.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAX_REQUESTS = 1_000_000;
const MAX_TOKENS = 64;
const ACCOUNTS = 10;
/** The greedy account's limit (requests per minute): low enough that its 5 clients hit it. */
const GREEDY_RPM = 120;

interface RunResult {
  readonly label: string;
  requests: number;
  ok: number;
  limited: number;
  errors: number;
  readonly errorSamples: string[];
  seconds: number;
  tokens: number;
  readonly latencies: number[];
  /** Median latency of each round, for the paired comparison. */
  readonly roundMedians: number[];
  receipts: number;
  fsyncs: number;
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const median = (xs: readonly number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);

interface GatewayProcess {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

async function startGatewayProcess(configPath: string): Promise<GatewayProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/gateway/src/main.ts', '--config', configPath, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line) resolve(JSON.parse(line).url);
    });
    void exited.then((code) => reject(new Error(`gateway exited with ${code}: ${err}`)));
  });
  return { proc, url, stderr: () => err, exited };
}

/** One request; records its outcome in `r` when `record`. */
async function call(gw: GatewayProcess, r: RunResult, client: number, i: number, prompts: readonly string[], record: boolean, latencies: number[]): Promise<void> {
  const account = client % ACCOUNTS;
  const t0 = performance.now();
  try {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer sk-bench-account-${account}-0123456789`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'teacher', messages: [{ role: 'user', content: prompts[i % prompts.length] }], max_tokens: MAX_TOKENS, seed: i }),
    });
    const body = (await res.json()) as { usage?: { completion_tokens: number } };
    if (!record) return;
    r.requests++;
    if (res.status === 200) {
      r.ok++;
      r.tokens += body.usage!.completion_tokens;
      latencies.push(performance.now() - t0);
    } else if (res.status === 429) {
      r.limited++;
      // A well-behaved client waits as told (the round's deadline still bounds the loop).
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000));
    } else {
      r.errors++;
      if (r.errorSamples.length < 3) r.errorSamples.push(`${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    }
  } catch (e) {
    if (!record) throw e;
    r.requests++;
    r.errors++;
    if (r.errorSamples.length < 3) r.errorSamples.push(String((e as Error).cause ?? e));
  }
}

/** `clients` clients against `gw` for `seconds`; outcomes added to `r`. */
async function round(gw: GatewayProcess, r: RunResult, seconds: number, clients: number, prompts: readonly string[], offset: number): Promise<void> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (performance.now() < deadline && next < MAX_REQUESTS) await call(gw, r, c, offset + next++, prompts, true, latencies);
    }),
  );
  r.seconds += (performance.now() - start) / 1000;
  r.latencies.push(...latencies);
  r.roundMedians.push(median(latencies));
}

/**
 * The watermark's cost at the source, in this process without HTTP: the same 64-token
 * generations from the same model (a) with the account's watermarker and (b) without, and (c) a
 * replay of (a)'s text with the plain sampler — the model's work on the watermarked text without
 * the watermark's own computation. (a) − (c) is what the watermark computes; (c) − (b) is the
 * model working on different text (the watermark steers it to other contexts). Passes of the
 * three are interleaved so drifts in the machine's load hit them alike; medians of 9.
 */
async function modelOnly(setup: Awaited<ReturnType<typeof createTestSetup>>, prompts: readonly string[]): Promise<{ on: number; off: number; replay: number }> {
  const model = await loadModel(setup.modelPath);
  const wm = createWatermarker(deriveAccountKey(setup.master, 'account-0'));
  const encoded = prompts.slice(0, 100).map((p) => model.tokenizer.encode(renderChat([{ role: 'user', content: p }], 'transcript')));
  const marked = encoded.map((prompt, i) => generate(model, { prompt, maxTokens: MAX_TOKENS, seed: i, watermarker: wm }).tokens);
  const pass = (watermarked: boolean) => () => {
    for (const [i, prompt] of encoded.entries()) generate(model, { prompt, maxTokens: MAX_TOKENS, seed: i, ...(watermarked ? { watermarker: wm } : {}) });
  };
  const logits = new Float32Array(50);
  const replay = () => {
    for (const [i, prompt] of encoded.entries()) {
      const all = new Uint32Array(prompt.length + MAX_TOKENS);
      all.set(prompt);
      all.set(marked[i]!, prompt.length);
      const random = createRng(i);
      for (let s = 0; s < marked[i]!.length; s++) {
        const c = model.topK(all.subarray(0, prompt.length + s), 50);
        for (let j = 0; j < c.ids.length; j++) logits[j] = c.logProbs[j]!;
        samplePlain(c.ids, logits.subarray(0, c.ids.length), { temperature: 1, topP: 1, random });
      }
    }
  };
  const times = { on: [] as number[], off: [] as number[], replay: [] as number[] };
  for (let r = 0; r < 9; r++) {
    const warmup = r === 0 ? 1 : 0;
    times.on.push(measure(pass(true), { runs: 1, warmup }).medianMs);
    times.off.push(measure(pass(false), { runs: 1, warmup }).medianMs);
    times.replay.push(measure(replay, { runs: 1, warmup }).medianMs);
  }
  return { on: median(times.on) / encoded.length, off: median(times.off) / encoded.length, replay: median(times.replay) / encoded.length };
}

export async function benchGateway(options: { seconds?: number; clients?: number; rounds?: number } = {}): Promise<BenchSection[]> {
  const seconds = options.seconds ?? 30;
  const clients = options.clients ?? 50;
  const rounds = options.rounds ?? 3;
  const setup = await createTestSetup();
  const accounts = Array.from({ length: ACCOUNTS }, (_, a) => ({
    name: a === ACCOUNTS - 1 ? 'greedy' : `account-${a}`,
    apiKeys: [`sk-bench-account-${a}-0123456789`],
    ...(a === ACCOUNTS - 1 ? { rateLimit: { requestsPerMinute: GREEDY_RPM, burstRequests: 10 } } : {}),
  }));
  const base = JSON.parse(await readFile(setup.configPath, 'utf8')) as Record<string, unknown>;
  const write = async (name: string, patch: Record<string, unknown>) => {
    const path = `${setup.dir}/${name}.json`;
    const limits = { maxTokens: 512, maxQueue: 1024, rateLimit: { requestsPerMinute: 1_000_000, tokensPerMinute: 1e9 } };
    // Receipts signed at checkpoints (every 1000 lines, the default) with the lab's signer, as a lab runs them.
    await writeFile(path, JSON.stringify({ ...base, accounts, receipts: { path: `${name}.receipts.jsonl`, signer: 'signer.json' }, limits, ...patch }));
    return path;
  };
  const prompts = builtinPrompts('sotu', 500).map((p) => p.prompt);
  const load = loadavg()[0]!;
  const configs = [
    ['watermark on, group commit', 'on', {}],
    ['watermark off, group commit', 'off', { watermark: false }],
    ['watermark on, fsync per receipt', 'sync1', { receipts: { path: 'sync1.receipts.jsonl', signer: 'signer.json', groupCommit: false } }],
  ] as const;
  const gateways: GatewayProcess[] = [];
  const runs: RunResult[] = [];
  for (const [label, name, patch] of configs) {
    const gw = await startGatewayProcess(await write(name, patch));
    // Warm-up outside the measurement: JIT and the model's first-query index.
    const scratch: RunResult = { label, requests: 0, ok: 0, limited: 0, errors: 0, errorSamples: [], seconds: 0, tokens: 0, latencies: [], roundMedians: [], receipts: 0, fsyncs: 0 };
    for (let i = 0; i < 40; i++) await call(gw, scratch, i % (ACCOUNTS - 1), 1_000_000 + i, prompts, false, []);
    gateways.push(gw);
    runs.push({ ...scratch });
  }
  // Rounds interleave the configurations, so a change in the machine's load hits all of them.
  for (let k = 0; k < rounds; k++) {
    for (const [c, gw] of gateways.entries()) {
      process.stderr.write(`bench gateway: round ${k + 1}/${rounds}, ${configs[c]![0]} (${clients} clients, ${(seconds / rounds).toFixed(0)} s)…\n`);
      await round(gw, runs[c]!, seconds / rounds, clients, prompts, k * MAX_REQUESTS);
    }
  }
  for (const [c, gw] of gateways.entries()) {
    gw.proc.kill('SIGTERM');
    const code = await gw.exited;
    if (code !== 0) throw new Error(`gateway exited with ${code}: ${gw.stderr()}`);
    const m = /(\d+) receipt\(s\) in (\d+) fsync\(s\)/.exec(gw.stderr());
    runs[c]!.receipts = m ? Number(m[1]) : Number.NaN;
    runs[c]!.fsyncs = m ? Number(m[2]) : Number.NaN;
  }
  process.stderr.write('bench gateway: model alone, watermark on/off…\n');
  const source = await modelOnly(setup, prompts);
  await rm(setup.dir, { recursive: true, force: true });

  const count = (x: number) => x.toLocaleString('en-US');
  const rows = runs.map((r) => {
    const sorted = [...r.latencies].sort((a, b) => a - b);
    return [r.label, count(r.requests), count(r.ok), count(r.limited), count(r.errors), fmt(r.ok / r.seconds), fmt(r.tokens / r.seconds), fmt(percentile(sorted, 0.5)), fmt(percentile(sorted, 0.99)), fmt(r.receipts / r.fsyncs)];
  });
  const [on, off, single] = runs as [RunResult, RunResult, RunResult];
  const med = (r: RunResult) => median(r.latencies);
  const ratios = on.roundMedians.map((m, k) => (m - off.roundMedians[k]!) / m);
  const body = [
    `${clients} concurrent clients, ${seconds} s per configuration in ${rounds} interleaved rounds, against the gateway in its own process on 127.0.0.1: non-streaming chat completions of ${MAX_TOKENS} tokens from the order-3 test model (o200k_base, top-k 50), KGW γ = 0.25 δ = 2, every response receipted (fdatasync before it is sent; a signed checkpoint every 1000 lines). ${ACCOUNTS} accounts; one ("greedy") is limited to ${GREEDY_RPM} requests/min, so its clients get 429s and wait the Retry-After they are given; any other non-200 is an error. Latency is per successful request, client side, queueing included (the gateway runs ${DEFAULT_LIMITS.maxConcurrent} generations at once and queues the rest). Load average when the run started: ${load.toFixed(1)} (2 cores, shared with other work: absolute numbers move with it; the interleaved rounds keep the comparisons fair).`,
    '',
    markdownTable(['configuration', 'requests', '200', '429', 'other errors', 'responses/s', 'tokens/s', 'median ms', 'p99 ms', 'receipts per fsync'], rows),
    '',
    `Watermark's share of latency: ${(100 * (med(on) - med(off)) / med(on)).toFixed(1)}% of the median (${fmt(med(on))} ms with, ${fmt(med(off))} ms without; per-round shares ${ratios.map((x) => `${(100 * x).toFixed(1)}%`).join(', ')}).`,
    '',
    markdownTable(
      ['model alone, 64 tokens (no HTTP)', 'ms per generation', 'share of the watermarked time'],
      [
        ['(a) watermarked', fmt(source.on), '100%'],
        ['(b) plain', fmt(source.off), `${((100 * source.off) / source.on).toFixed(1)}%`],
        ['(c) (a)\'s text, plain sampler', fmt(source.replay), `${((100 * source.replay) / source.on).toFixed(1)}%`],
        ['watermark computation, (a) − (c)', fmt(source.on - source.replay), `${((100 * (source.on - source.replay)) / source.on).toFixed(1)}%`],
      ],
    ),
    '',
    `Receipts: group commit shares each fdatasync among ${fmt(on.receipts / on.fsyncs)} receipts at this load (${fmt(on.ok / on.seconds)} responses/s), against ${fmt(single.ok / single.seconds)} responses/s with one fdatasync per receipt.`,
    ...runs.filter((r) => r.errors > 0).map((r) => `\nErrors in "${r.label}": ${r.errorSamples.join('; ')}`),
  ].join('\n');
  return [{ title: 'Gateway under load (loopback)', body }];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const sections = await benchGateway({ seconds: arg('seconds'), clients: arg('clients'), rounds: arg('rounds') });
  process.stdout.write([`Machine: ${machineLine()}.`, '', ...sections.flatMap((s) => [`## ${s.title}`, '', s.body, ''])].join('\n'));
}
