/**
 * The key-independent half of account attribution: find the distinct scored tuples of a suspect
 * corpus once, group them by their context, and precompute every product that does not involve
 * the key, so that testing one more account key is a tight integer loop over typed arrays
 * (`scoreAccountTuples`). Everything here runs once per corpus, whatever the number of accounts.
 *
 * Which tuples count is decided exactly as the per-account closed-model test decides it:
 * positions at or after the prompt with a complete context, deduplicated on the unkeyed 64-bit
 * `tupleIdentity`, and a tuple whose identity also occurs inside a prompt is never scored (the
 * prompt is teacher-forced text, not the model's choice). Tuples keep their first-occurrence
 * order in `ctxOf`/`cand` (the Gumbel sum is added in that order, as the reference does), and are
 * additionally laid out grouped by context in `grouped*` so a key's context seed is computed once
 * per distinct context rather than once per tuple.
 *
 * Contexts are matched on their tokens, not on a hash alone, so two different contexts never share
 * a seed. Memory: 4·(3n + C·(2h + 1)) bytes for n tuples in C contexts, plus the two dedup sets
 * (8 bytes × capacity ≤ 4n each) and the window index (4 bytes × capacity ≤ 4C) while building —
 * about 60 MB at n = C = 1,000,000, h = 1 (stated in BENCHMARKS.md, measured there).
 */
import { TupleSet, tupleIdentity, windowIdentity } from '@tracemark/watermark';

/** `Math.imul(t + 1, GOLDEN)`, the key-independent product `seedContext` and `tokenHash32` take per token. */
const GOLDEN = 0x9e3779b9;
/** The second per-token product of `tokenUniform53` (Gumbel). */
const MUR = 0xcc9e2d51;

export interface AttributionTuples {
  /** Context width h. */
  readonly h: number;
  /** Distinct scored tuples. */
  readonly n: number;
  /** Distinct contexts among them. */
  readonly contexts: number;
  /** Context c's tokens at [c·h, c·h + h). */
  readonly ctxTokens: Uint32Array;
  /** `imul(t + 1, GOLDEN)` for each context token, same layout. */
  readonly ctxGold: Uint32Array;
  /** Tuples of context c are grouped[ctxStart[c] .. ctxStart[c + 1]). */
  readonly ctxStart: Uint32Array;
  /** `imul(token + 1, GOLDEN)` of each tuple's scored token, grouped by context. */
  readonly groupedGold: Uint32Array;
  /** Each tuple's context, first-occurrence order. */
  readonly ctxOf: Uint32Array;
  /** Each tuple's scored token, first-occurrence order. */
  readonly cand: Uint32Array;
  /** `imul(token + 1, GOLDEN)` and `imul(token + 1, MUR)` of `cand`, same order (Gumbel). */
  readonly candGold: Uint32Array;
  readonly candMur: Uint32Array;
  /** The tuples as the reference lays them out: h + 1 tokens each, first-occurrence order. */
  flat(): Uint32Array;
}

/** A growable Uint32Array, doubled on demand. */
class U32Builder {
  data = new Uint32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  take(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * O(total tokens · h) time. h = 0 (Unigram) gives one empty context holding every tuple.
 */
export function prepareAttributionTuples(
  outputs: readonly { readonly tokens: Uint32Array; readonly prompt?: Uint32Array }[],
  h: number,
): AttributionTuples {
  if (!Number.isInteger(h) || h < 0) throw new RangeError(`context width must be a non-negative integer, got ${h}`);
  const id = new Uint32Array(2);
  const excluded = new TupleSet(1024);
  for (const o of outputs) {
    const p = o.prompt;
    if (p) for (let i = h; i < p.length; i++) (tupleIdentity(p, i, h, id), excluded.add(id[0]!, id[1]!));
  }
  const seen = new TupleSet(8192);
  const ctxOf = new U32Builder();
  const cand = new U32Builder();
  const ctxTokens = new U32Builder();
  // Window index: open addressing over context numbers + 1 (0 = empty), matched on tokens.
  let cap = 1024;
  let slots = new Int32Array(cap);
  let contexts = 0;
  const findOrAdd = (all: Uint32Array, i: number): number => {
    windowIdentity(all, i, h, id);
    let s = id[0]! & (cap - 1);
    for (;;) {
      const v = slots[s]!;
      if (v === 0) break;
      const base = (v - 1) * h;
      let same = true;
      for (let j = 0; j < h; j++) if (ctxTokens.data[base + j] !== all[i - h + j]) (same = false), (j = h);
      if (same) return v - 1;
      s = (s + 1) & (cap - 1);
    }
    slots[s] = ++contexts;
    for (let j = i - h; j < i; j++) ctxTokens.push(all[j]!);
    if (contexts * 2 > cap) {
      // Rehash from the stored tokens.
      cap *= 2;
      slots = new Int32Array(cap);
      const win = ctxTokens.data;
      for (let c = 0; c < contexts; c++) {
        windowIdentity(win.subarray(c * h, c * h + h), h, h, id);
        let t = id[0]! & (cap - 1);
        while (slots[t] !== 0) t = (t + 1) & (cap - 1);
        slots[t] = c + 1;
      }
    }
    return contexts - 1;
  };
  for (const o of outputs) {
    const p = o.prompt ?? new Uint32Array(0);
    const all = new Uint32Array(p.length + o.tokens.length);
    all.set(p);
    all.set(o.tokens, p.length);
    for (let i = Math.max(p.length, h); i < all.length; i++) {
      tupleIdentity(all, i, h, id);
      if (excluded.has(id[0]!, id[1]!) || !seen.add(id[0]!, id[1]!)) continue;
      ctxOf.push(findOrAdd(all, i));
      cand.push(all[i]!);
    }
  }
  const n = ctxOf.length;
  const ctx = ctxOf.take();
  const tok = cand.take();
  const tokens = ctxTokens.take();
  const ctxGold = new Uint32Array(tokens.length);
  for (let j = 0; j < tokens.length; j++) ctxGold[j] = Math.imul(tokens[j]! + 1, GOLDEN);
  const candGold = new Uint32Array(n);
  const candMur = new Uint32Array(n);
  for (let t = 0; t < n; t++) {
    candGold[t] = Math.imul(tok[t]! + 1, GOLDEN);
    candMur[t] = Math.imul(tok[t]! + 1, MUR);
  }
  // Counting sort of the tuples by context.
  const ctxStart = new Uint32Array(contexts + 1);
  for (let t = 0; t < n; t++) ctxStart[ctx[t]! + 1]!++;
  for (let c = 0; c < contexts; c++) ctxStart[c + 1]! += ctxStart[c]!;
  const fill = ctxStart.slice(0, contexts);
  const groupedGold = new Uint32Array(n);
  for (let t = 0; t < n; t++) groupedGold[fill[ctx[t]!]!++] = candGold[t]!;
  return {
    h,
    n,
    contexts,
    ctxTokens: tokens,
    ctxGold,
    ctxStart,
    groupedGold,
    ctxOf: ctx,
    cand: tok,
    candGold,
    candMur,
    flat(): Uint32Array {
      const out = new Uint32Array(n * (h + 1));
      for (let t = 0; t < n; t++) {
        out.set(tokens.subarray(ctx[t]! * h, ctx[t]! * h + h), t * (h + 1));
        out[t * (h + 1) + h] = tok[t]!;
      }
      return out;
    },
  };
}
