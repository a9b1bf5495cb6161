/**
 * The distillation loop end to end, audited: a teacher trained on State of the Union addresses
 * generates watermarked text; students are trained on that text mixed with human text (Moby-Dick)
 * at 100% and 10% teacher data; a control is trained on human text only. Each is audited with the
 * closed-model test (its own generations, global dedup, prompts excluded) and the open-model tests
 * (teacher-forcing held-out human text through it). The students are flagged; the control is not.
 */
import { closedModelTest, collectTuples, combineVerdict, openModelTest } from '@tracemark/audit';
import { loadBuiltinCorpus, splitHeldOut } from '@tracemark/corpora';
import { createDetector, createSchemeCore, type WatermarkKey } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoop, fixedKey, type Loop, sampleOutputs, trainStudent } from './fixtures/reference-loop.ts';

let loop: Loop;
let key: WatermarkKey;
let teacherText: Uint32Array[];
let forced: Uint32Array[];

beforeAll(async () => {
  loop = await createLoop();
  key = fixedKey(loop.tokenizer, 42);
  teacherText = sampleOutputs(loop, loop.teacher, 'teacher', 400, 150, key).map((o) => o.tokens);
  // Held-out human text to teacher-force (never seen by teacher or students): 8,000 tokens.
  forced = [];
  let left = 8000;
  for (const d of splitHeldOut(loadBuiltinCorpus('sotu')).heldOut) {
    if (left <= 0) break;
    const t = loop.tokenizer.encode(d.text).subarray(0, left);
    forced.push(t);
    left -= t.length;
  }
});

describe('distillation loop: teacher → watermarked text → student → audit', () => {
  it('the teacher text itself is watermarked', () => {
    expect(createDetector(key).detect(teacherText).aggregate.log10PValue).toBeLessThan(-100);
  });

  for (const [name, fraction] of [['student 100%', 1], ['student 10%', 0.1], ['control 0%', 0]] as const) {
    it(`${name} teacher data: ${fraction > 0 ? 'flagged' : 'not flagged'} by the closed- and open-model tests`, async () => {
      const student = trainStudent(loop, teacherText, fraction, name);
      const outputs = sampleOutputs(loop, student, name, 300, 100);
      const closed = closedModelTest(key, outputs, { alpha: 1e-6 });
      const supervised = closedModelTest(key, outputs, { alpha: 1e-6, teacherData: teacherText });
      const open = await openModelTest(key, (ctx, k) => student.topK(ctx, k), forced, { alpha: 1e-6, topK: 20 });
      // The teacher's own watermarked text, teacher-forced: its tuples are excluded from scoring.
      const openTeacher = await openModelTest(key, (ctx, k) => student.topK(ctx, k), teacherText.slice(0, 60), { alpha: 1e-6, topK: 20 });
      const tests = [closed, supervised, open.reading, open.mass, openTeacher.reading, openTeacher.mass];
      for (const t of tests) console.info(`${name}: ${t.name} scored ${t.scored}, rate ${t.rate.toFixed(4)} (null ${t.expectedRate}), log10 p ${t.log10PValue.toFixed(2)}`);
      const verdict = combineVerdict(tests, 1e-6);
      if (fraction > 0) {
        expect(closed.log10PValue).toBeLessThan(-6);
        expect(open.reading.log10PValue).toBeLessThan(-6);
        expect(open.mass.log10PValue).toBeLessThan(-6);
        // Forcing the teacher's own text is valid but weaker (its tuples are excluded; at 10% it
        // reached only p ≈ 2e-4 here), which is why audits force held-out human text by default.
        if (fraction === 1) expect(openTeacher.reading.log10PValue).toBeLessThan(-6);
        expect(verdict.detected).toBe(true);
        expect(verdict.statement).toMatch(/watermark evidence/);
      } else {
        for (const t of tests) expect(t.pValue, t.name).toBeGreaterThan(1e-3);
        expect(verdict.detected).toBe(false);
        expect(verdict.statement).toMatch(/does not show the suspect was not distilled/);
        expect(closed.verdict).toMatch(/no evidence in this test \(\d+ tuples scored; this test would detect a rate ≥ 0\.\d+/);
        // Why the supervised filter excludes the teacher's tuples: selecting them instead flags this
        // innocent control, because it writes the same natural continuations the teacher chose green.
        const naive = createDetector(key).session({ restrictTo: collectTuples(createSchemeCore(key), teacherText) });
        for (const o of outputs) naive.add({ tokens: o.tokens, prompt: o.prompt });
        console.info(`control: naive tuple-membership filter scored ${naive.aggregate().scored}, log10 p ${naive.aggregate().log10PValue.toFixed(2)}`);
        expect(naive.aggregate().log10PValue).toBeLessThan(-6);
      }
    });
  }
});
