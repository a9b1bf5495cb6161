/**
 * Behavioural fingerprints end to end, through HTTP, on the reference n-gram loop.
 *
 * A teacher (an n-gram model with an "OpenAI/ChatGPT" persona) generates text; students are trained
 * on a mix of that text and human text at 10%, 25% and 50% teacher fractions; independent models
 * are trained on disjoint human text (State of the Union + Moby-Dick chunks, dealt out at random),
 * each with its own vendor persona, plus two trained on one corpus only (Moby-Dick, State of the
 * Union). All are served by an OpenAI-compatible test server; `tracemark probe` collects their
 * transcripts over HTTP and `tracemark fingerprint` compares them.
 *
 * (a) TPR/FPR over random reference panels: students flagged, independents not.
 * (b) Calibration: with an independent model as the suspect — and every independent in turn as
 *     the "teacher" — the evidence p-values hold their level: FPR within the binomial bound.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '@tracemark/cli/commands/fingerprint';
import { probe } from '@tracemark/cli/commands/probe';
import { chunkTokens, loadBuiltinCorpus } from '@tracemark/corpora';
import { analyzeFingerprints, parseTranscript, type Transcript } from '@tracemark/fingerprint';
import { trainNgram } from '@tracemark/models';
import {
  INDEPENDENT_PERSONAS,
  ngramResponder,
  personaDocuments,
  startOpenAiTestServer,
  type TestServer,
  trainDistillationPanel,
} from '@tracemark/probe/testing';
import { binomialUpperCritical } from '@tracemark/stats';
import { getTokenizer } from '@tracemark/tokenizers';

const ALPHA = 1e-3;
const TOKENS_PER_MODEL = 60_000;
const FRACTIONS = [0.1, 0.25, 0.5];
const INDEPENDENTS = 6;
const SAMPLES = 2;
const MAX_TOKENS = 64;

let dir: string;
let server: TestServer;
const transcripts = new Map<string, Transcript>();
const paths = new Map<string, string>();
let independents: string[] = [];
let students: string[] = [];

function* combinations<T>(items: readonly T[], k: number, start = 0, prefix: T[] = []): Generator<T[]> {
  if (prefix.length === k) return yield [...prefix];
  for (let i = start; i < items.length; i++) yield* combinations(items, k, i + 1, [...prefix, items[i]!]);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tracemark-distill-'));
  const tokenizer = await getTokenizer('o200k_base');
  const sotu = loadBuiltinCorpus('sotu').filter((_, i) => i % 2 === 0).slice(0, 80);
  const moby = loadBuiltinCorpus('moby-dick');
  const chunks = (docs: readonly { text: string }[]) => docs.flatMap((d) => chunkTokens(tokenizer.encode(d.text), 256));
  const sotuChunks = chunks(sotu);
  const mobyChunks = chunks(moby);
  // The shared pool is dealt out at random; the single-corpus models get the other halves.
  const pool = [...sotuChunks.filter((_, i) => i % 4 !== 3), ...mobyChunks.filter((_, i) => i % 4 !== 3)];
  const panel = trainDistillationPanel({ tokenizer, human: pool, seed: 1, tokensPerModel: TOKENS_PER_MODEL, fractions: FRACTIONS, independents: INDEPENDENTS });
  const models: Record<string, unknown> = { ...panel.models };
  const single = (name: string, docs: Uint32Array[], persona: number) => {
    const limited: Uint32Array[] = [];
    let n = 0;
    for (const d of docs) if ((n += d.length) <= TOKENS_PER_MODEL) limited.push(d);
    const personaIds = personaDocuments(INDEPENDENT_PERSONAS[persona]!).map((t) => tokenizer.encode(t));
    return trainNgram({ tokenizer, order: 3, name, sources: [{ name, documents: [...limited, ...Array.from({ length: 40 }, () => personaIds).flat()] }] });
  };
  models['moby-only'] = single('moby-only', mobyChunks.filter((_, i) => i % 4 === 3), 6);
  models['sotu-only'] = single('sotu-only', sotuChunks.filter((_, i) => i % 4 === 3), 7);
  server = await startOpenAiTestServer({ responder: ngramResponder({ tokenizer, models: models as never }) });
  students = panel.students.map((s) => s.name);
  independents = panel.independents.map((s) => s.name);
  for (const name of Object.keys(models)) {
    const out = join(dir, `${name}.jsonl`);
    const r = await probe({ endpoint: server.url, model: name, samples: SAMPLES, temperature: 1, seed: 7, maxTokens: MAX_TOKENS, concurrency: 4, out, quiet: true });
    if (r.mode !== 'probe' || !r.complete) throw new Error(`probing ${name} did not complete`);
    paths.set(name, out);
    transcripts.set(name, parseTranscript(await readFile(out, 'utf8'), out));
  }
});

afterAll(async () => {
  await server?.close();
});

describe('fingerprints of distilled n-gram models, probed over HTTP', () => {
  it('collected a complete transcript per model, with capabilities recorded', () => {
    for (const [name, t] of transcripts) {
      expect(t.records, name).toHaveLength(123 * SAMPLES);
      expect(t.header.capabilities.seed, name).toBe('deterministic');
      expect(t.header.model).toBe(name);
    }
  });

  it('`tracemark fingerprint` flags a 25% student and clears an independent model', async () => {
    const refs = independents.slice(0, 3).map((n) => paths.get(n)!);
    const student = await fingerprint({ suspect: paths.get('student-25')!, teacher: paths.get('teacher')!, references: refs, alpha: ALPHA, permutations: 199, quiet: true });
    expect(student.verdict).toBe('detected');
    expect(student.evidence.every((e) => e.testable)).toBe(true);
    expect(student.identity.suspect.naming).toBeGreaterThan(student.identity.panel.naming);
    const innocent = await fingerprint({ suspect: paths.get(independents[4]!)!, teacher: paths.get('teacher')!, references: refs, alpha: ALPHA, permutations: 199, quiet: true });
    expect(innocent.verdict).toBe('not-detected');
  });

  it('(a) TPR and FPR over random reference panels', () => {
    const rows: string[] = [];
    const rate = { tp: new Map<string, number>(), fp: 0, fpTrials: 0, trials: 0 };
    const panels = [...combinations(independents, 3)];
    for (const refs of panels) {
      const panel = refs.map((r) => transcripts.get(r)!);
      rate.trials++;
      for (const s of students) {
        const a = analyzeFingerprints(transcripts.get(s)!, transcripts.get('teacher')!, panel, { alpha: ALPHA, mmdPermutations: 0 });
        if (a.verdict === 'detected') rate.tp.set(s, (rate.tp.get(s) ?? 0) + 1);
      }
      for (const s of [...independents.filter((x) => !refs.includes(x)), 'moby-only', 'sotu-only']) {
        const a = analyzeFingerprints(transcripts.get(s)!, transcripts.get('teacher')!, panel, { alpha: ALPHA, mmdPermutations: 0 });
        rate.fpTrials++;
        if (a.verdict === 'detected') rate.fp++;
      }
    }
    for (const s of students) rows.push(`${s}: TPR ${(rate.tp.get(s) ?? 0)}/${panels.length}`);
    rows.push(`independents: FPR ${rate.fp}/${rate.fpTrials}`);
    console.log(`fingerprint TPR/FPR at alpha ${ALPHA} over ${panels.length} reference panels:\n  ${rows.join('\n  ')}`);
    expect(rate.tp.get('student-50') ?? 0).toBe(panels.length);
    expect(rate.tp.get('student-25') ?? 0).toBe(panels.length);
    // A 10% student is the hard case: measured 10/20 panels at α = 1e-3 with 123 probes × 2 samples × 64 tokens.
    expect(rate.tp.get('student-10') ?? 0).toBeGreaterThanOrEqual(panels.length * 0.25);
    expect(rate.fp).toBeLessThanOrEqual(binomialUpperCritical(rate.fpTrials, ALPHA, 0.01));
  });

  it('(b) calibration: an independent suspect against any teacher keeps the level', () => {
    const levels = [0.05, 0.01, 1e-3];
    const rejections = levels.map(() => 0);
    const raw = levels.map(() => 0);
    let rawTrials = 0;
    let trials = 0;
    for (const teacher of independents)
      for (const suspect of independents) {
        if (suspect === teacher) continue;
        const rest = independents.filter((x) => x !== teacher && x !== suspect);
        for (const refs of combinations(rest, 3)) {
          const a = analyzeFingerprints(transcripts.get(suspect)!, transcripts.get(teacher)!, refs.map((r) => transcripts.get(r)!), { alpha: 0.05, mmdPermutations: 0 });
          trials++;
          levels.forEach((level, i) => {
            if (a.combined.pValue!.pValue <= level) rejections[i]!++;
          });
          // Per-comparison p-values (one reference, one measure) are conditional on the models and
          // over-dispersed across panels; reported, not asserted — the verdict never rests on one.
          for (const c of a.comparisons)
            if (c.n >= 20) {
              rawTrials++;
              levels.forEach((level, i) => {
                if (c.pValue.pValue <= level) raw[i]!++;
              });
            }
        }
      }
    console.log(
      `calibration over ${trials} (teacher, suspect, panel) splits: combined ${levels.map((l, i) => `P(p ≤ ${l}) = ${rejections[i]}/${trials}`).join(', ')}; ` +
        `single comparisons ${levels.map((l, i) => `P(p ≤ ${l}) = ${raw[i]}/${rawTrials}`).join(', ')}`,
    );
    levels.forEach((level, i) => expect(rejections[i], `level ${level}`).toBeLessThanOrEqual(binomialUpperCritical(trials, level, 0.01)));
  });
});
