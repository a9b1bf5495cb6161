import { describe, expect, it } from 'vitest';
import { createRng } from '@tracemark/stats';
import { analyzeFingerprints, FingerprintInputError } from './analyze-fingerprints.ts';
import { type Transcript, type TranscriptRecord } from './transcript.ts';

const COMMON = 'the of and to a in is that for it with as was on be by this are at from'.split(' ');

/**
 * A synthetic model: answers mix common words with the model's own phrases; a "student" also uses
 * the teacher's phrases with probability `copy`; identity answers name `vendor`.
 */
function model(name: string, seed: number, o: { copyFrom?: string[]; copy?: number; vendor?: string; probes?: number; samples?: number; suite?: string } = {}): Transcript & { phrases: string[] } {
  const random = createRng(seed);
  const own = Array.from({ length: 60 }, (_, i) => `${name}${i} ${['x', 'y', 'z'][i % 3]}${name}`);
  const records: TranscriptRecord[] = [];
  const probes = o.probes ?? 60;
  for (let p = 0; p < probes; p++) {
    const identity = p < 10;
    for (let s = 0; s < (o.samples ?? 2); s++) {
      const words: string[] = [];
      if (identity && o.vendor && random() < 0.7) words.push(`I am a model made by ${o.vendor}.`);
      for (let w = 0; w < 12; w++) {
        const r = random();
        if (o.copyFrom && r < (o.copy ?? 0)) words.push(o.copyFrom[Math.floor(random() * o.copyFrom.length)]!);
        else if (r < 0.6) words.push(COMMON[Math.floor(random() * COMMON.length)]!);
        else words.push(own[Math.floor(random() * own.length)]!);
      }
      records.push({
        type: 'response',
        probeId: `p${String(p).padStart(3, '0')}`,
        category: identity ? 'identity' : 'style',
        sample: s,
        text: words.join(' '),
        finishReason: 'length',
        request: {},
        response: { id: null, requestId: null, model: name, systemFingerprint: null, usage: null, logprobs: null },
        timing: { startedAt: '', latencyMs: 0, attempts: 1 },
      });
    }
  }
  return {
    source: `${name}.jsonl`,
    phrases: own,
    header: {
      type: 'header',
      format: 'tracemark.transcript',
      formatVersion: 1,
      suite: { name: 'default', version: o.suite ?? '1.0.0', hash: `sha256:${o.suite ?? 'abc'}`, probes },
      endpoint: 'http://x/v1',
      model: name,
      params: { samples: o.samples ?? 2, temperature: 1, seed: 1, logprobs: null, maxTokens: 16 },
      capabilities: { logprobs: null, topLogprobs: null, seed: 'unknown' },
      createdAt: '',
      tool: { name: 'tracemark', version: '0' },
    },
    records,
  };
}

const teacher = model('teach', 1, { vendor: 'OpenAI' });
const refs = [model('ra', 2, { vendor: 'Anthropic' }), model('rb', 3, { vendor: 'Google' }), model('rc', 4, { vendor: 'Mistral' })];

describe('analyzeFingerprints', () => {
  it('detects a student that copies the teacher, with both lines of evidence and the probes carrying it', () => {
    const student = model('stud', 5, { copyFrom: teacher.phrases, copy: 0.3, vendor: 'OpenAI' });
    const r = analyzeFingerprints(student, teacher, refs, { mmdPermutations: 99 });
    expect(r.verdict).toBe('detected');
    expect(r.evidence.map((e) => e.line)).toEqual(['behaviour', 'identity']);
    expect(r.evidence[0]!.pValue!.log10PValue).toBeLessThan(-5);
    expect(r.identity.teacherVendor).toBe('openai');
    expect(r.identity.pValue!.log10PValue).toBeLessThan(-5);
    expect(r.perMeasure.find((m) => m.measure === 'phrases')!.closerThanAllReferences).toBe(true);
    expect(r.signal.probes.length).toBeGreaterThan(0);
    expect(r.combined.pValue!.log10PValue).toBeCloseTo(Math.min(r.evidence[0]!.pValue!.log10PValue, r.evidence[1]!.pValue!.log10PValue) + Math.log10(2), 9);
    // Holm-adjusted p-values are never below the raw ones.
    for (const c of r.comparisons) expect(c.adjustedPValue.log10PValue).toBeGreaterThanOrEqual(c.pValue.log10PValue - 1e-12);
  });

  it('does not flag an independent model, and swapping it with a reference swaps the differences', () => {
    const independent = model('indep', 6, { vendor: 'Meta' });
    const r = analyzeFingerprints(independent, teacher, refs, { mmdPermutations: 0 });
    expect(r.verdict).toBe('not-detected');
    const swapped = analyzeFingerprints(refs[0]!, teacher, [independent, refs[1]!, refs[2]!], { mmdPermutations: 0 });
    const a = r.comparisons.find((c) => c.reference === 'ra' && c.measure === 'phrases')!;
    const b = swapped.comparisons.find((c) => c.reference === 'indep' && c.measure === 'phrases')!;
    expect([a.wins, a.losses]).toEqual([b.losses, b.wins]);
    expect(a.meanDifference).toBeCloseTo(-b.meanDifference, 12);
  });

  it('is inconclusive with too few probes, and says how many are needed', () => {
    const few = (t: Transcript & { phrases: string[] }, seed: number) => model(t.header.model, seed, { probes: 6, vendor: undefined });
    const student = model('stud', 5, { copyFrom: teacher.phrases, copy: 0.5, probes: 6 });
    const r = analyzeFingerprints(student, few(teacher, 1), refs.map((x, i) => few(x, 2 + i)), { mmdPermutations: 0 });
    expect(r.verdict).toBe('inconclusive');
    expect(r.needed?.probes).toBe(Math.ceil(Math.log2((3 * 6) / 1e-3)));
    expect(r.reasons.join(' ')).toMatch(/too few probes/);
    expect(r.evidence[1]!.testable).toBe(false);
  });

  it('is inconclusive with a single reference', () => {
    const student = model('stud', 5, { copyFrom: teacher.phrases, copy: 0.3 });
    const r = analyzeFingerprints(student, model('teach', 1), [refs[0]!], { mmdPermutations: 0 });
    expect(r.verdict).toBe('inconclusive');
    expect(r.needed?.references).toBe(2);
    expect(r.evidence[0]!.testable).toBe(false);
  });

  it('refuses transcripts of different suite versions, naming the files', () => {
    const other = model('rb', 3, { suite: '0.9.0' });
    expect(() => analyzeFingerprints(refs[0]!, teacher, [other, refs[2]!])).toThrow(FingerprintInputError);
    expect(() => analyzeFingerprints(refs[0]!, teacher, [other, refs[2]!])).toThrow(/rb\.jsonl \(suite default@0\.9\.0/);
  });

  it('validates options', () => {
    expect(() => analyzeFingerprints(refs[0]!, teacher, refs.slice(1), { alpha: 2 })).toThrow(/alpha/);
    expect(() => analyzeFingerprints(refs[0]!, teacher, refs.slice(1), { measures: ['nope' as 'edit'] })).toThrow(/unknown measure/);
    expect(() => analyzeFingerprints(refs[0]!, teacher, refs.slice(1), { teacherVendor: 'acme' })).toThrow(/unknown vendor/);
  });
});
