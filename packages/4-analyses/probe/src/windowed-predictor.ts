/**
 * The bookkeeping under every HTTP predictor: which window of a text answers which position, which
 * answers are already in the cache, asking the rest `concurrency` windows at a time, and looking a
 * teacher-forced prefix up again. How one window is asked (one vLLM request, or one llama.cpp
 * request per position, or nothing at all when recomputing from a cache) is the caller's `ask`.
 *
 * Windows: a text of n ≤ `window` tokens is one window; a longer one is cut into windows starting
 * every `window / 2` tokens, each answering the positions from `window / 2` into it (the first from
 * position 1), so every position is predicted with at least `window / 2` tokens of context, and
 * which window answers a position depends on the position alone — a rerun, a single query and a
 * recomputation from the cache all see the same context.
 */
import { sha256Hex } from '@tracemark/encoding';
import { type Candidates, NO_CANDIDATES } from './_top-candidates.ts';
import { type PredictionRecord } from './prediction-cache.ts';

export interface Segment {
  /** First token of the context sent. */
  readonly start: number;
  /** Positions [from, to) are answered by this window. */
  readonly from: number;
  readonly to: number;
}

export interface PreparedText {
  readonly doc: Uint32Array;
  readonly hash: string;
  readonly answers: (Candidates | undefined)[];
}

/** The predictor shape `@tracemark/audit`'s open-model test takes, with its batch hook. */
export interface BatchedPredictor {
  (context: Uint32Array, k: number): Promise<Candidates>;
  /** Ask for every position of `texts` now, in windows and in parallel. */
  prepare(texts: readonly Uint32Array[], k: number): Promise<void>;
}

/** Ask for positions [seg.from, seg.to) of `p.doc` (context from `seg.start`), passing each answered stretch to `record`. */
export type AskWindow = (p: PreparedText, seg: Segment, record: (from: number, got: Candidates[]) => Promise<void>) => Promise<void>;

export interface WindowedPredictorOptions {
  readonly topK: number;
  readonly window: number;
  readonly concurrency: number;
  /** Answers from an earlier run (the cache). */
  readonly records: readonly PredictionRecord[];
  /** Persist a new answer (the cache's append). */
  readonly append?: (record: PredictionRecord) => Promise<void>;
  readonly ask: AskWindow;
  readonly onProgress?: (done: number, total: number) => void;
}

/** The windows of a text of `n` tokens (see the file comment). */
export function segmentsOf(n: number, window: number): Segment[] {
  if (n <= 1) return [];
  if (n <= window) return [{ start: 0, from: 1, to: n }];
  const stride = Math.floor(window / 2);
  const out: Segment[] = [];
  for (let s = 0; ; s += stride) {
    const to = Math.min(s + window, n);
    out.push({ start: s, from: s === 0 ? 1 : s + window - stride, to });
    if (to === n) return out;
  }
}

/** SHA-256 (hex) of token ids as little-endian uint32 whatever the platform, so a cache moves between machines. */
export function hashTokens(doc: Uint32Array): string {
  const le = new Uint8Array(doc.length * 4);
  const view = new DataView(le.buffer);
  for (let i = 0; i < doc.length; i++) view.setUint32(i * 4, doc[i]!, true);
  return sha256Hex(le);
}

function isPrefixOf(ctx: Uint32Array, doc: Uint32Array): boolean {
  if (ctx.length > doc.length) return false;
  // Teacher forcing passes `doc.subarray(0, i)`: the same memory is the same prefix.
  if (ctx.buffer === doc.buffer && ctx.byteOffset === doc.byteOffset) return true;
  for (let i = 0; i < ctx.length; i++) if (ctx[i] !== doc[i]) return false;
  return true;
}

export function createWindowedPredictor(o: WindowedPredictorOptions): { predictor: BatchedPredictor; cachedPositions: () => number } {
  const { topK, window } = o;
  const cached = new Map<string, PredictionRecord[]>();
  for (const r of o.records) (cached.get(r.doc) ?? cached.set(r.doc, []).get(r.doc)!).push(r);
  const prepared: PreparedText[] = [];
  let last = -1;
  let cachedPositions = 0;
  const checkK = (k: number) => {
    if (k !== topK) throw new RangeError(`the predictor was opened for top-${topK}, asked for top-${k}`);
  };

  const fill = (p: PreparedText, seg: Segment): Promise<void> =>
    o.ask(p, seg, async (from, got) => {
      got.forEach((c, j) => (p.answers[from + j] = c));
      await o.append?.({ type: 'predictions', doc: p.hash, segment: seg.start, from, ids: got.map((c) => Array.from(c.ids)), logprobs: got.map((c) => Array.from(c.logProbs)) });
    });

  const register = (doc: Uint32Array): PreparedText => {
    const hash = hashTokens(doc);
    // The same text twice (a repeated document) is asked once.
    const known = prepared.find((q) => q.hash === hash);
    if (known) return known;
    // Dense (not `new Array(n)`): `some` and `filter` skip the holes of a sparse array.
    const answers: (Candidates | undefined)[] = Array.from({ length: doc.length }, () => undefined);
    answers[0] = NO_CANDIDATES;
    const segs = segmentsOf(doc.length, window);
    for (const r of cached.get(hash) ?? []) {
      // Only answers asked with the context this run would use count.
      if (!segs.some((s) => s.start === r.segment && r.from >= s.from && r.from + r.ids.length <= s.to)) continue;
      r.ids.forEach((ids, j) => {
        if (answers[r.from + j]) return;
        answers[r.from + j] = { ids: Uint32Array.from(ids), logProbs: Float64Array.from(r.logprobs[j]!) };
        cachedPositions++;
      });
    }
    const p = { doc, hash, answers };
    prepared.push(p);
    return p;
  };

  const prepare = async (texts: readonly Uint32Array[], k: number): Promise<void> => {
    checkK(k);
    const docs = [...new Set(texts.map((t) => register(t)))];
    const total = docs.reduce((a, p) => a + Math.max(0, p.doc.length - 1), 0);
    let done = docs.reduce((a, p) => a + p.answers.filter((x, i) => i > 0 && x).length, 0);
    o.onProgress?.(done, total);
    const tasks: { p: PreparedText; seg: Segment }[] = [];
    for (const p of docs) for (const seg of segmentsOf(p.doc.length, window)) if (p.answers.slice(seg.from, seg.to).some((x) => !x)) tasks.push({ p, seg });
    let next = 0;
    let failure: unknown = null;
    const worker = async () => {
      while (failure === null && next < tasks.length) {
        const { p, seg } = tasks[next++]!;
        const before = p.answers.slice(seg.from, seg.to).filter(Boolean).length;
        try {
          await fill(p, seg);
        } catch (e) {
          failure ??= e;
          return;
        }
        done += seg.to - seg.from - before;
        o.onProgress?.(done, total);
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, Math.max(1, tasks.length)) }, worker));
    if (failure !== null) throw failure;
  };

  const predictor = (async (context: Uint32Array, k: number): Promise<Candidates> => {
    checkK(k);
    const pos = context.length;
    if (pos === 0) return NO_CANDIDATES;
    let p = last >= 0 && pos < prepared[last]!.doc.length && isPrefixOf(context, prepared[last]!.doc) ? prepared[last] : undefined;
    if (!p) {
      const i = prepared.findIndex((q) => pos < q.doc.length && isPrefixOf(context, q.doc));
      if (i >= 0) (last = i), (p = prepared[i]);
    }
    if (p?.answers[pos]) return p.answers[pos];
    // Not prepared: the distribution after `context` is the prompt log-probability at the last
    // position of `context` plus any token (0 here; its own log-probability is not used).
    const doc = new Uint32Array(pos + 1);
    doc.set(context);
    const q = register(doc);
    const seg = segmentsOf(doc.length, window).find((s) => pos >= s.from && pos < s.to)!;
    if (!q.answers[pos]) await fill(q, { start: seg.start, from: pos, to: pos + 1 });
    return q.answers[pos]!;
  }) as BatchedPredictor;
  predictor.prepare = prepare;
  return { predictor, cachedPositions: () => cachedPositions };
}
