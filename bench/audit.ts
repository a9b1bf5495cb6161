/**
 * Radioactivity on the reference loop, measured: students distilled with 100%, 25%, 10% and 5%
 * teacher data (the rest Moby-Dick) and a control on human text only, each audited closed-model
 * (its own generations) and open-model (teacher-forcing held-out human text). Reports p-values,
 * tuples scored, and how much suspect data each test needed to reach p < 1e-6. Also audit
 * throughput (closed-model scoring, tuples per second) against tokenization alone.
 *
 *     pnpm bench audit
 */
import { closedModelTest, openModelTest, scoreCurve } from '@tracemark/audit';
import { builtinPrompts, loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { generate, type NgramModel, trainNgram, type TrainingSource } from '@tracemark/models';
import { getTokenizer } from '@tracemark/tokenizers';
import { createWatermarker, generateKey } from '@tracemark/watermark';
import { formatPValue } from '@tracemark/stats';
import { type BenchSection, fmt, markdownTable, measure } from './lib.ts';

const FRACTIONS = [1, 0.25, 0.1, 0.05, 0];
const OUTPUTS = 600;
const FORCED_BUDGETS = [1000, 2000, 4000, 8000, 16000];

/** A p-value for the tables, written as everywhere else (`formatPValue` of `@tracemark/stats`). */
function p(log10: number): string {
  return formatPValue(log10, 'e');
}

export async function benchAudit(): Promise<BenchSection[]> {
  const tokenizer = await getTokenizer('o200k_base');
  const secret = new Uint8Array(32).fill(9);
  const key = generateKey({ scheme: 'kgw', tokenizer: tokenizer.identity(), params: { context: 1 }, secret });
  const sotu = splitHeldOut(loadBuiltinCorpus('sotu'));
  const teacher = trainNgram({ tokenizer, order: 3, sources: [{ name: 'sotu', documents: sotu.train.map((d) => tokenizer.encode(d.text)) }] });
  const wm = createWatermarker(key);
  // Disjoint prompt sets: the teacher answers the first 800, the suspects the next 600.
  const allPrompts = builtinPrompts('sotu', 1400);
  const teacherText = allPrompts.slice(0, 800).map((q, i) => generate(teacher, { prompt: tokenizer.encode(q.prompt), maxTokens: 150, seed: `t/${i}`, watermarker: wm }).tokens);
  const human = loadBuiltinCorpus('moby-dick').map((d) => tokenizer.encode(d.text));
  const forcedAll: Uint32Array[] = [];
  let left = FORCED_BUDGETS[FORCED_BUDGETS.length - 1]!;
  for (const d of sotu.heldOut) {
    if (left <= 0) break;
    const t = tokenizer.encode(d.text).subarray(0, left);
    forcedAll.push(t);
    left -= t.length;
  }
  const budget = (n: number) => {
    const out: Uint32Array[] = [];
    let rest = n;
    for (const t of forcedAll) {
      if (rest <= 0) break;
      out.push(t.subarray(0, rest));
      rest -= t.length;
    }
    return out;
  };
  const prompts = allPrompts.slice(800, 800 + OUTPUTS).map((q) => tokenizer.encode(q.prompt));
  const rows: (string | number)[][] = [];
  for (const fraction of FRACTIONS) {
    const sources: TrainingSource[] =
      fraction === 1
        ? [{ name: 'teacher', documents: teacherText }]
        : fraction === 0
          ? [{ name: 'moby-dick', documents: human }]
          : [
              { name: 'teacher', documents: teacherText, fraction },
              { name: 'moby-dick', documents: human, fraction: 1 - fraction },
            ];
    const student: NgramModel = trainNgram({ tokenizer, order: 3, sources });
    const outputs = prompts.map((prompt, i) => ({ prompt, tokens: generate(student, { prompt, maxTokens: 100, seed: `s/${i}` }).tokens }));
    const closed = closedModelTest(key, outputs, { alpha: 1e-6 });
    const curve = scoreCurve(key, outputs, OUTPUTS);
    const needed = curve.find((c) => c.log10PValue < -6);
    const open = await openModelTest(key, (ctx, k) => student.topK(ctx, k), forcedAll, { alpha: 1e-6, topK: 20 });
    let forcedNeeded: number | null = null;
    for (const b of FORCED_BUDGETS) {
      const r = await openModelTest(key, (ctx, k) => student.topK(ctx, k), budget(b), { alpha: 1e-6, topK: 20 });
      if (r.reading.log10PValue < -6) {
        forcedNeeded = b;
        break;
      }
    }
    rows.push([
      fraction === 0 ? 'control (human only)' : `${fraction * 100}% teacher`,
      `${p(closed.log10PValue)} (${fmt(closed.scored)} tuples, rate ${closed.rate.toFixed(3)})`,
      needed ? `${needed.outputs} outputs (${fmt(needed.scored)} tuples)` : `not reached in ${OUTPUTS}`,
      `${p(open.reading.log10PValue)} (${fmt(open.reading.scored)})`,
      `${p(open.mass.log10PValue)}`,
      forcedNeeded ? `${fmt(forcedNeeded)} tokens` : `not reached in ${fmt(FORCED_BUDGETS[FORCED_BUDGETS.length - 1]!)}`,
    ]);
  }

  // Throughput: closed-model scoring of a large corpus of outputs, against tokenization alone.
  const text = loadBuiltinCorpus('sotu').slice(-40).map((d) => d.text);
  const docs = text.map((t) => tokenizer.encode(t));
  const tokens = docs.reduce((a, d) => a + d.length, 0);
  const tok = measure(() => text.forEach((t) => tokenizer.encode(t)), { runs: 5, warmup: 1 });
  const score = measure(() => closedModelTest(key, docs.map((d) => ({ tokens: d })), { alpha: 1e-3 }), { runs: 5, warmup: 1 });
  return [
    {
      title: `Radioactivity on the reference loop (KGW γ=0.25 δ=2 h=1; teacher: 800 watermarked answers × 150 tokens; ${OUTPUTS} suspect outputs × 100 tokens on prompts disjoint from the teacher's; open-model tests force up to ${fmt(FORCED_BUDGETS[FORCED_BUDGETS.length - 1]!)} held-out human tokens)`,
      body: markdownTable(
        ['suspect', 'closed-model p (scored)', 'outputs needed for p < 1e-6', 'open-model reading p (scored)', 'open-model mass p', 'forced tokens needed (reading) for p < 1e-6'],
        rows,
      ),
    },
    {
      title: 'Audit throughput (closed-model test, global dedup)',
      body: markdownTable(
        ['operation', 'tokens/s (median)', '× tokenization'],
        [
          ['tokenization alone (o200k_base), baseline', fmt(tokens / (tok.medianMs / 1000)), '1.00'],
          ['closed-model audit of token ids', fmt(tokens / (score.medianMs / 1000)), fmt(tok.medianMs / score.medianMs)],
        ],
      ),
    },
  ];
}
