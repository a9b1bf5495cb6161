/**
 * Attribution kernel, measured: ns per key·tuple of the typed-array kernel (score-account-tuples.ts)
 * beside the keyed hash alone (the floor: two lowbias32 mixes per tuple, nothing else) and the
 * per-tuple reference (`SchemeCore.scoreAt` per key and tuple, audit/testing.ts), all on the same
 * 1,000,000 distinct KGW h=1 tuples in one run; then the 24,000-account wall time, end to end
 * through `attributeAccounts` (key derivation, kernel, Holm) on a measured fraction of the accounts.
 *
 *     pnpm bench attribution
 */
import { attributeAccounts, prepareAttributionTuples, scoreAccountTuples } from '@tracemark/audit';
import { createSchemeCore, deriveAccountKey, deriveSubkey, generateKey, wordsFromBytes } from '@tracemark/watermark';
import { type BenchSection, fmt, markdownTable, measure } from './lib.ts';

const VOCAB = 200_019;

/** Documents of uniformly random tokens: nearly every tuple distinct, contexts ≈ vocabulary-sized. */
function randomOutputs(tuples: number, docLength: number, seed: number): { tokens: Uint32Array }[] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % VOCAB;
  };
  const out: { tokens: Uint32Array }[] = [];
  for (let made = 0; made < tuples; made += docLength - 1) out.push({ tokens: Uint32Array.from({ length: docLength }, next) });
  return out;
}

/** The keyed hash alone over the same tuples: lanes fixed, two mixes and a compare per tuple. */
function hashFloor(gold: Int32Array, a: number, b: number, below: number): number {
  let count = 0;
  for (let t = 0; t < gold.length; t++) {
    let x = a ^ gold[t]!;
    x ^= x >>> 16; x = Math.imul(x, 0x21f0aaad); x ^= x >>> 15; x = Math.imul(x, 0x735a2d97); x ^= x >>> 15;
    x ^= b;
    x ^= x >>> 16; x = Math.imul(x, 0x21f0aaad); x ^= x >>> 15; x = Math.imul(x, 0x735a2d97); x ^= x >>> 15;
    if ((x ^ -2147483648) < below) count++;
  }
  return count;
}

/**
 * Median CPU milliseconds (user + system of this process) per call: the machine is shared, and CPU
 * time is what a per-key·tuple cost means; wall time under contention is reported separately.
 */
function cpuMeasure(fn: () => unknown, runs: number, warmup = 2): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t0);
    times.push((d.user + d.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function benchScaleAttribution(options: { tuples?: number; accounts?: number; fraction?: number } = {}): Promise<BenchSection[]> {
  const target = options.tuples ?? 1_000_000;
  const accountsWanted = options.accounts ?? 24_000;
  // TRACEMARK_BENCH_ATTRIBUTION_FRACTION=1 runs every account (about 4 minutes here) instead of extrapolating.
  const fraction = options.fraction ?? Number(process.env.TRACEMARK_BENCH_ATTRIBUTION_FRACTION ?? 1 / 40);
  const master = generateKey({ scheme: 'kgw', params: { context: 1 }, tokenizer: { name: 'o200k_base', vocabSize: VOCAB, hash: 'bench' }, secret: new Uint8Array(32).fill(3) });
  const outputs = randomOutputs(target, 500, 7);
  const t0 = performance.now();
  const tuples = prepareAttributionTuples(outputs, 1);
  const prepareMs = performance.now() - t0;
  const n = tuples.n;
  const probe = createSchemeCore(master);
  const threshold = probe.nullProbability * 4294967296;
  const scoring = { scheme: 'kgw', threshold } as const;
  const keyWords = Array.from({ length: 16 }, (_, i) => wordsFromBytes(deriveSubkey(deriveAccountKey(master, `bench-${i}`), 'green')));
  let k = 0;
  const kernel = cpuMeasure(() => scoreAccountTuples(tuples, scoring, keyWords[k++ % keyWords.length]!), 15);
  const floor = cpuMeasure(() => hashFloor(new Int32Array(tuples.groupedGold.buffer), keyWords[k % 16]![0]! | 0, keyWords[k++ % 16]![1]! | 0, (threshold - 2147483648) | 0), 15);
  // The reference's per-key loop: createSchemeCore + scoreAt per tuple.
  const flat = tuples.flat();
  const id = new Uint32Array(2);
  const reference = cpuMeasure(() => {
    const core = createSchemeCore(deriveAccountKey(master, `ref-${k++}`));
    let score = 0;
    for (let t = 0; t < n; t++) score += core.scoreAt(flat, 2 * t + 1, id);
    return score;
  }, 5, 1);
  const setup = measure(() => {
    const key = deriveAccountKey(master, `setup-${k++}`);
    return wordsFromBytes(deriveSubkey(key, 'green'));
  }, { runs: 201, warmup: 20 });
  const perKT = (ms: number) => (ms * 1e6) / n;
  // End to end on a fraction of the accounts, extrapolated linearly (every account costs the same).
  const part = Math.max(1, Math.round(accountsWanted * fraction));
  const names = Array.from({ length: part }, (_, i) => `acct-${i}`);
  const c0 = process.cpuUsage();
  const e0 = performance.now();
  const result = attributeAccounts(master, names, outputs, { alpha: 1e-3 });
  const endToEndMs = performance.now() - e0;
  const cpu = process.cpuUsage(c0);
  const endToEndCpuMs = (cpu.user + cpu.system) / 1000;
  const perAccountMs = (endToEndCpuMs - prepareMs) / part;
  const fullS = (prepareMs + perAccountMs * accountsWanted) / 1000;
  const mem = process.memoryUsage();
  const rows = [
    ['keyed hash alone (floor: 2 mixes + compare per tuple)', fmt(perKT(floor)), '1.00×'],
    ['attribution kernel (seed per context + hash per tuple)', fmt(perKT(kernel)), `${(kernel / floor).toFixed(2)}×`],
    ['reference (SchemeCore.scoreAt per key and tuple)', fmt(perKT(reference)), `${(reference / floor).toFixed(2)}×`],
  ];
  const body = [
    `${n.toLocaleString('en-US')} distinct tuples in ${tuples.contexts.toLocaleString('en-US')} contexts (KGW γ=0.25 h=1, uniformly random o200k-range tokens); one core. Key-independent preparation (dedup, grouping): ${fmt(prepareMs)} ms once.`,
    '',
    markdownTable(['per key', 'CPU ns per key·tuple (median)', 'vs keyed hash'], rows),
    '',
    `Kernel vs reference: ${(reference / kernel).toFixed(1)}× faster. Per-account set-up (HKDF account key + key id + HKDF subkey): ${fmt(setup.medianMs * 1000)} µs.`,
    '',
    `End to end (\`attributeAccounts\`, one core): ${part.toLocaleString('en-US')} accounts × ${n.toLocaleString('en-US')} tuples in ${fmt(endToEndCpuMs / 1000)} s CPU (${fmt(endToEndMs / 1000)} s wall on the shared machine; ${result.leaked.length} flagged); ` +
      (part === accountsWanted
        ? `${fmt(perAccountMs)} ms per account: **${accountsWanted.toLocaleString('en-US')} accounts in ${fmt(endToEndMs / 1000)} s wall, ${fmt(endToEndCpuMs / 1000)} s CPU** (every account run, nothing extrapolated). `
        : `${fmt(perAccountMs)} ms per account → **${accountsWanted.toLocaleString('en-US')} accounts: ${fmt(fullS)} s** (extrapolated from ${(fraction * 100).toFixed(1)}% of the accounts; the cost per account is constant). `) +
      `Memory: prepared arrays ${fmt((4 * (3 * n + tuples.contexts * 3 + n)) / 2 ** 20)} MiB; process RSS ${fmt(mem.rss / 2 ** 20)} MiB after the run (constant in the number of accounts, except the result list).`,
  ].join('\n');
  return [{ title: `Attribution kernel: ns per key·tuple and ${accountsWanted.toLocaleString('en-US')} accounts × ${n.toLocaleString('en-US')} tuples`, body }];
}
