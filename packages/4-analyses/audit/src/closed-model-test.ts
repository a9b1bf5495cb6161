/**
 * Closed-model radioactivity test (Sander et al., "Watermarking Makes Language Models Radioactive",
 * NeurIPS 2024, §4): pool a corpus of suspect outputs, score every distinct (context window, token)
 * tuple once across the whole corpus, never score tuples that occur in the prompts, and optionally
 * score only tuples seen in the teacher's own watermarked data (the supervised filter, which
 * concentrates the test on what the student could have learned). One exact p-value.
 */
import { createSchemeCore, type WatermarkKey } from '@tracemark/watermark';
import { type AuditTest, exactTest } from './audit-test.ts';
import { collectWindows, createTupleSession } from './tuples.ts';

/** One suspect output: its prompt (excluded from scoring) and the response tokens. */
export interface SuspectOutput {
  readonly prompt?: Uint32Array;
  readonly tokens: Uint32Array;
}

export interface ClosedModelOptions {
  readonly alpha: number;
  /** The teacher's watermarked data (token ids); when given, the supervised filter applies. */
  readonly teacherData?: readonly Uint32Array[];
}

export function closedModelTest(key: WatermarkKey, outputs: readonly SuspectOutput[], options: ClosedModelOptions): AuditTest {
  const core = createSchemeCore(key);
  const teacher = options.teacherData;
  const session = createTupleSession(core, options.alpha, teacher ? collectWindows(core.contextWidth, teacher) : undefined);
  if (teacher) for (const doc of teacher) session.exclude(doc);
  for (const o of outputs) if (o.prompt && o.prompt.length > 0) session.exclude(o.prompt);
  for (const o of outputs) session.add({ tokens: o.tokens, ...(o.prompt ? { prompt: o.prompt } : {}) });
  const agg = session.aggregate();
  const supervised = teacher !== undefined;
  return exactTest(
    core,
    supervised ? 'closed-model-supervised' : 'closed-model',
    supervised
      ? "suspect's generated text, scored only at context windows seen in the teacher's watermarked data, excluding the teacher's own tuples"
      : "suspect's generated text, every distinct tuple scored once across the corpus",
    agg.scored,
    agg.score,
    options.alpha,
  );
}
