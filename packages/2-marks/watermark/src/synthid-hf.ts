/**
 * SynthID Text as Hugging Face transformers implements it (`SynthIDTextWatermarkingConfig`,
 * `SynthIDTextWatermarkLogitsProcessor` in src/transformers/generation/logits_process.py, after
 * Dathathri et al., "Scalable watermarking for identifying large language model outputs", Nature
 * 634, 2024), reproduced from the published algorithm so a team that watermarks with
 * transformers gets exact p-values from tracemark with the same configuration.
 *
 * The published algorithm, restated (no code copied):
 * - `accumulate_hash(h, x₁…xₖ)`: for each x, h ← (h + x)·6364136223846793005 + 1 in signed 64-bit
 *   wrap-around arithmetic (torch int64).
 * - g-value of the n-gram (c₁…c_{n−1}, t) under key kₗ: h = accumulate_hash(1, c₁…c_{n−1}, t),
 *   then accumulate_hash(h, kₗ), read from the sampling table at h mod S (Python/torch `%`, so
 *   non-negative).
 * - sampling table: S bits from `torch.randint(0, 2, (S,))` on a CPU generator seeded with
 *   `sampling_table_seed`: one MT19937 word per entry, reduced mod 2 (see mt19937.ts). A table
 *   built on a CUDA generator (Philox) differs; transformers builds it on the model's device, so
 *   only configurations used with CPU tables are reproduced.
 * - generation: probabilities are updated once per key, q ← q·(1 + gₗ − Σ q·gₗ) (the two-way
 *   tournament in closed form); not at steps whose context hash occurred among the last
 *   `context_history_size` contexts (context repetition masking).
 *
 * Why only power-of-two table sizes (transformers' default is 2¹⁶): the low b bits of a sum or
 * product modulo 2⁶⁴ depend only on the low b bits of its operands, so for S = 2^b every g-value
 * of a position is a function of the n-gram hash mod S alone. Two n-grams with equal hash mod S
 * read identical g-values; detection therefore counts each hash mod S once (the tuple identity),
 * which keeps the scored g-values independent Bernoulli(ones/S) draws under the null hypothesis.
 * It also makes the 32-bit arithmetic below exact (measured: no BigInt in the hot loop).
 */
import { drawIndex, prepareCandidates } from './sampling.ts';
import { type SchemeCore } from './scheme-core.ts';
import { mt19937 } from './mt19937.ts';
import { type SampleOptions, type SynthIdHfParams, type WatermarkKey } from './types.ts';

/** 6364136223846793005 (Knuth's MMIX LCG multiplier), the multiplier of transformers' accumulate_hash. */
export const SYNTHID_HF_MULTIPLIER = 6364136223846793005n;
const MUL_LO = Number(SYNTHID_HF_MULTIPLIER & 0xffffffffn);
const U64 = (1n << 64n) - 1n;

/** The sampling table of `torch.randint(0, 2, (size,), generator=manual_seed(seed))` on CPU. */
export function synthidHfSamplingTable(size: number, seed: number | bigint): Uint8Array {
  const next = mt19937(seed);
  const table = new Uint8Array(size);
  for (let i = 0; i < size; i++) table[i] = next() & 1;
  return table;
}

/** accumulate_hash in full signed 64-bit arithmetic (reference form; returns a signed bigint). */
export function synthidHfAccumulateHash(start: bigint, data: readonly (number | bigint)[]): bigint {
  let h = BigInt.asUintN(64, start);
  for (const x of data) h = ((((h + BigInt.asUintN(64, BigInt(x))) & U64) * SYNTHID_HF_MULTIPLIER + 1n) & U64);
  return BigInt.asIntN(64, h);
}

/** One step of accumulate_hash on the low 32 bits (exact for everything read mod 2^b, b ≤ 32). */
function step32(h: number, x: number): number {
  return (Math.imul((h + x) >>> 0, MUL_LO) + 1) >>> 0;
}

/**
 * The g-values of every complete n-gram of `ids`, as transformers' `compute_g_values` returns
 * them: row r (r = 0 … ids.length − n) holds the `keys.length` bits of the n-gram ending at
 * ids[r + n − 1], layer-major within the row.
 */
export function synthidHfGValues(ids: Uint32Array, params: Pick<SynthIdHfParams, 'ngramLen'>, keys: readonly bigint[], table: Uint8Array): Uint8Array {
  const n = params.ngramLen;
  const rows = Math.max(0, ids.length - n + 1);
  const out = new Uint8Array(rows * keys.length);
  const mask = table.length - 1;
  const keyLo = keys.map((k) => Number(BigInt.asUintN(32, k)));
  for (let r = 0; r < rows; r++) {
    let h = 1;
    for (let j = 0; j < n; j++) h = step32(h, ids[r + j]!);
    for (let l = 0; l < keys.length; l++) out[r * keys.length + l] = table[step32(h, keyLo[l]!) & mask]!;
  }
  return out;
}

/**
 * transformers' `compute_context_repetition_mask`: for each complete n-gram of `ids`, 1 when its
 * context (the n − 1 tokens before the last) has a 64-bit hash not among the previous
 * `contextHistorySize` context hashes (a history that starts as zeros), else 0.
 */
export function synthidHfContextMask(ids: Uint32Array, params: Pick<SynthIdHfParams, 'ngramLen' | 'contextHistorySize'>): Uint8Array {
  const w = params.ngramLen - 1;
  const rows = Math.max(0, ids.length - w);
  const history: bigint[] = new Array<bigint>(params.contextHistorySize).fill(0n);
  const out = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const h = synthidHfAccumulateHash(1n, Array.from(ids.subarray(r, r + w)));
    out[r] = history.includes(h) ? 0 : 1;
    history.unshift(h);
    history.pop();
  }
  return out;
}

export function createSynthIdHfCore(key: WatermarkKey): SchemeCore {
  const p = key.params as SynthIdHfParams;
  const keys = key.synthidKeys;
  if (keys === undefined || keys.length !== p.layers) throw new RangeError(`key ${key.keyId}: synthid-hf needs ${p.layers} keys`);
  const h = p.ngramLen - 1;
  const table = synthidHfSamplingTable(p.samplingTableSize, p.samplingTableSeed);
  const mask = table.length - 1;
  let ones = 0;
  for (const b of table) ones += b;
  const keyLo = Uint32Array.from(keys, (k) => Number(BigInt.asUintN(32, k)));
  const m = keyLo.length;

  const ngramHash = (tokens: Uint32Array, end: number): number => {
    let s = 1;
    for (let j = end - h; j <= end; j++) s = step32(s, tokens[j]!);
    return s;
  };
  const contextRepeated = (context: Uint32Array): boolean => {
    // transformers compares the new context's hash with the previous contexts' hashes of this
    // generation, at most context_history_size of them; token equality is the same test without
    // the (2⁻⁶⁴) chance of a hash collision.
    const n = context.length;
    const oldest = Math.max(h, n - p.contextHistorySize);
    for (let end = n - 1; end >= oldest; end--) {
      let j = 0;
      while (j < h && context[end - 1 - j] === context[n - 1 - j]) j++;
      if (j === h) return true;
    }
    return false;
  };

  const choose = (ids: Uint32Array | null, logits: Float32Array, context: Uint32Array, options: SampleOptions): number => {
    const c = prepareCandidates(ids, logits, options);
    const n = c.ids.length;
    if (n > 1 && context.length >= h && !contextRepeated(context)) {
      let hc = 1;
      for (let j = context.length - h; j < context.length; j++) hc = step32(hc, context[j]!);
      const ht = new Uint32Array(n);
      for (let j = 0; j < n; j++) ht[j] = step32(hc, c.ids[j]!);
      const q = c.probs;
      for (let l = 0; l < m; l++) {
        let mass = 0;
        for (let j = 0; j < n; j++) mass += table[step32(ht[j]!, keyLo[l]!) & mask]! * q[j]!;
        for (let j = 0; j < n; j++) q[j]! *= 1 + table[step32(ht[j]!, keyLo[l]!) & mask]! - mass;
      }
    }
    return c.ids[drawIndex(c.probs, options.random())]!;
  };

  return {
    keyId: key.keyId,
    scheme: 'synthid-hf',
    contextWidth: h,
    statistic: 'binomial',
    trialsPerTuple: m,
    nullProbability: ones / table.length,
    biasLogits(): void {},
    biasCandidates(): void {},
    sample: (logits, context, options) => choose(null, logits, context, options),
    sampleCandidates: (ids, logits, context, options) => choose(ids, logits, context, options),
    scoreAt(tokens: Uint32Array, i: number, keyOut: Uint32Array): number {
      const s = ngramHash(tokens, i);
      // Identity = what the g-values depend on (see the file comment): hash mod S.
      keyOut[0] = s & mask;
      keyOut[1] = 0x5f1d4f00;
      let g = 0;
      for (let l = 0; l < m; l++) g += table[step32(s, keyLo[l]!) & mask]!;
      return g;
    },
  };
}
