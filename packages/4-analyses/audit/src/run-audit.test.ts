import { createRng } from '@tracemark/stats';
import { getTokenizer, type Tokenizer } from '@tracemark/tokenizers';
import { createSchemeCore, generateKey, type WatermarkKey } from '@tracemark/watermark';
import { beforeAll, describe, expect, it } from 'vitest';
import { closedModelTest } from './closed-model-test.ts';
import { compareRecomputed } from './compare-recomputed.ts';
import { openModelTest } from './open-model-test.ts';
import { powerShortfall } from './power-shortfall.ts';
import { type AuditInputs, type IdentifiedOutput, runAudit } from './run-audit.ts';
import { collectTuples } from './tuples.ts';

let tokenizer: Tokenizer;
let key: WatermarkKey;
let outputs: IdentifiedOutput[];

/** Deterministic token ids (seeded draws), so the audit sees the same outputs on every run. */
function tokens(seed: number, n: number, vocab: number): Uint32Array {
  const random = createRng(seed);
  return Uint32Array.from({ length: n }, () => Math.floor(random() * vocab));
}

/** A toy next-token predictor: k candidates that depend on the last context token only. */
function predictor(context: Uint32Array, k: number): { ids: Uint32Array; logProbs: Float64Array } {
  const last = context.length > 0 ? context[context.length - 1]! : 0;
  const ids = tokens(last + 1, k, 5000);
  const logProbs = new Float64Array(k).fill(-Math.log(k));
  return { ids, logProbs };
}

beforeAll(async () => {
  tokenizer = await getTokenizer('o200k_base');
  const secret = new Uint8Array(32).fill(7);
  key = generateKey({ scheme: 'kgw', tokenizer: tokenizer.identity(), params: { context: 1 }, secret, createdAt: new Date(0) });
  outputs = Array.from({ length: 20 }, (_, i) => ({ id: `p${i}`, prompt: tokens(1000 + i, 8, 5000), tokens: tokens(i, 60, 5000) }));
});

const base = (): AuditInputs => ({
  key,
  tokenizer,
  suspect: { kind: 'outputs', name: 'outputs.jsonl' },
  outputs,
  digests: [{ role: 'suspect-outputs', path: 'outputs.jsonl', sha256: 'a'.repeat(64), bytes: 123 }],
  alpha: 1e-3,
  topK: 20,
  collection: { prompts: null, count: null, maxTokens: null, seed: 0 },
  createdAt: new Date(0),
});

describe('runAudit', () => {
  it('runs the closed-model test the component gives and records what was not run and why', async () => {
    const report = await runAudit(base());
    expect(report.tests).toEqual([closedModelTest(key, outputs, { alpha: 1e-3 })]);
    expect(report.skipped.map((s) => s.test)).toEqual(['open-model', 'fingerprint']);
    expect(report.skipped[0]!.reason).toMatch(/no next-token probabilities/);
    expect(report.suspect).toEqual({ kind: 'outputs', name: 'outputs.jsonl', outputs: 20, tokens: 1200 });
    expect(report.inputs).toEqual(base().digests);
    expect(report.parameters).toMatchObject({ alpha: 1e-3, topK: 20, prompts: null, forcedTokens: null, supervisedFilter: false, targetEffect: null });
    expect(report.createdAt).toBe('1970-01-01T00:00:00.000Z');
    expect(report.sample?.id).toBe('p0');
    expect(report.curve.length).toBeGreaterThan(0);
    expect(report.verdict.detected).toBe(report.tests[0]!.detected);
  });

  it('teacher-forces only the first forcedTokens tokens and never scores the prompts', async () => {
    const forced = [tokens(5, 300, 5000), tokens(6, 300, 5000)];
    const stages = new Set<string>();
    const report = await runAudit({
      ...base(),
      suspect: { kind: 'model', name: 'student' },
      openModel: { predictor, forced, forcedTokens: 400, forcedText: 'builtin' },
      onProgress: (stage) => stages.add(stage),
    });
    const exclude = collectTuples(createSchemeCore(key), outputs.map((o) => o.prompt!));
    const expected = await openModelTest(key, predictor, [forced[0]!, forced[1]!.subarray(0, 100)], { alpha: 1e-3, topK: 20, exclude });
    expect(report.tests.map((t) => t.name)).toEqual(['closed-model', 'open-model-reading', 'open-model-mass']);
    expect(report.tests.slice(1)).toEqual([expected.reading, expected.mass]);
    expect(report.parameters).toMatchObject({ forcedTokens: 400, forcedText: 'builtin' });
    expect(stages.has('teacher-forcing')).toBe(true);
  });

  it('says why an endpoint suspect has no open-model tests, and skips the supervised filter unless asked', async () => {
    const report = await runAudit({ ...base(), suspect: { kind: 'endpoint', name: 'm' }, teacherData: [tokens(9, 50, 5000)] });
    expect(report.skipped.map((s) => s.test)).toEqual(['closed-model-supervised', 'open-model', 'fingerprint']);
    expect(report.skipped[1]!.reason).toMatch(/cannot teacher-force/);
    const supervised = await runAudit({ ...base(), teacherData: [tokens(9, 50, 5000)], supervisedFilter: true });
    expect(supervised.tests.map((t) => t.name)).toEqual(['closed-model', 'closed-model-supervised']);
  });
});

describe('powerShortfall', () => {
  it('names the test that cannot detect the target effect, and nothing when none was asked', async () => {
    const report = await runAudit({ ...base(), targetEffect: 1e-6 });
    expect(report.verdict.detected).toBe(false);
    expect(powerShortfall(report, 1e-6)?.name).toBe('closed-model');
    expect(powerShortfall(report, undefined)).toBeUndefined();
    expect(powerShortfall(report, 10)).toBeUndefined();
  });
});

describe('compareRecomputed', () => {
  it('passes an identical recomputation and fails a changed p-value or scored count, naming the test', async () => {
    const report = await runAudit(base());
    expect(compareRecomputed(report, report).every((c) => c.ok)).toBe(true);
    const t = report.tests[0]!;
    const changed = { ...report, tests: [{ ...t, log10PValue: t.log10PValue - 1e-6 * Math.max(1, Math.abs(t.log10PValue)) }] };
    expect(compareRecomputed(changed, report)).toEqual([expect.objectContaining({ check: 'recompute closed-model', ok: false })]);
    const fewer = { ...report, tests: [{ ...t, scored: t.scored - 1 }] };
    expect(compareRecomputed(fewer, report)[0]!.ok).toBe(false);
    expect(compareRecomputed(report, { ...report, tests: [] })[0]).toMatchObject({ ok: false, detail: 'the test could not be recomputed from these inputs' });
  });
});
