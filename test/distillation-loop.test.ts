/**
 * The distillation loop end to end, on real text and the reference n-gram model: a teacher trained
 * on State of the Union addresses generates watermarked text; students are trained on that text
 * mixed with human text (Moby-Dick) at 100% and 10% teacher data; a control is trained on human
 * text only. The students' own generations carry the watermark (global dedup, prompts excluded,
 * exact p-value); the control's do not.
 */
import { builtinPrompts, loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { generate, type NgramModel, trainNgram } from '@tracemark/models';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { createDetector, createWatermarker, generateKey, type WatermarkKey } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';

let tokenizer: Tokenizer;
let key: WatermarkKey;
let teacherText: Uint32Array[];
let human: Uint32Array[];

const PROMPTS = 400;
const TEACHER_TOKENS = 150;

function sampleOutputs(model: NgramModel, seed: string, count: number, maxTokens: number, watermark?: WatermarkKey) {
  const prompts = builtinPrompts('sotu', count);
  const watermarker = watermark ? createWatermarker(watermark) : undefined;
  return prompts.map((p, i) => {
    const prompt = tokenizer.encode(p.prompt);
    const { tokens } = generate(model, { prompt, maxTokens, seed: `${seed}/${i}`, ...(watermarker ? { watermarker } : {}) });
    return { prompt, tokens };
  });
}

function auditOutputs(outputs: { prompt: Uint32Array; tokens: Uint32Array }[]) {
  const session = createDetector(key).session({ alpha: 1e-6 });
  for (const o of outputs) session.add({ tokens: o.tokens, prompt: o.prompt });
  return session.aggregate();
}

beforeAll(async () => {
  tokenizer = await getTokenizer('o200k_base');
  const secret = new Uint8Array(32).fill(42);
  key = generateKey({ scheme: 'kgw', tokenizer: tokenizer.identity(), params: { gamma: 0.25, delta: 2, context: 1 }, secret, createdAt: new Date(0) });
  const sotu = splitHeldOut(loadBuiltinCorpus('sotu')).train.map((d) => tokenizer.encode(d.text));
  const teacher = trainNgram({ tokenizer, order: 3, sources: [{ name: 'sotu', documents: sotu }], name: 'teacher' });
  teacherText = sampleOutputs(teacher, 'teacher', PROMPTS, TEACHER_TOKENS, key).map((o) => o.tokens);
  human = loadBuiltinCorpus('moby-dick').map((d) => tokenizer.encode(d.text));
});

describe('distillation loop: teacher → watermarked text → student', () => {
  const results: Record<string, { scored: number; log10PValue: number; rate: number }> = {};

  it('the teacher text itself is watermarked', () => {
    const res = createDetector(key).detect(teacherText).aggregate;
    expect(res.log10PValue).toBeLessThan(-100);
  });

  for (const [name, fraction] of [['student 100%', 1], ['student 10%', 0.1], ['control 0%', 0]] as const) {
    it(`${name} teacher data: ${fraction > 0 ? 'carries' : 'does not carry'} the watermark in its own generations`, () => {
      const sources =
        fraction === 1
          ? [{ name: 'teacher', documents: teacherText }]
          : fraction === 0
            ? [{ name: 'moby-dick', documents: human }]
            : [
                { name: 'teacher', documents: teacherText, fraction },
                { name: 'moby-dick', documents: human, fraction: 1 - fraction },
              ];
      const student = trainNgram({ tokenizer, order: 3, sources, name });
      const res = auditOutputs(sampleOutputs(student, name, 300, 100));
      results[name] = { scored: res.scored, log10PValue: res.log10PValue, rate: res.rate };
      console.info(`${name}: ${res.scored} tuples scored, green rate ${res.rate.toFixed(4)}, log10 p ${res.log10PValue.toFixed(2)}`);
      if (fraction > 0) expect(res.log10PValue).toBeLessThan(-6);
      else expect(res.pValue).toBeGreaterThan(1e-3);
    });
  }
});
