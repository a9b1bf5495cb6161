/**
 * `tracemark fingerprint`: compare transcripts of a suspect, a teacher and a reference panel and
 * test whether the suspect is closer to the teacher than the references are (behaviour) and
 * names the teacher's vendor more often than they do (identity).
 */
import {
  analyzeFingerprints,
  type FingerprintAnalysis,
  type MeasureName,
  MEASURES,
  parseTranscript,
  type Transcript,
} from '@tracemark/fingerprint';
import { ExitCode, InputError } from '../errors.ts';
import { formatPValue, renderTable } from '../format.ts';
import { readTextInput } from '../io.ts';
import { note } from '../progress.ts';
import { defineCommand, flag, listOption, option } from '../command.ts';
import { parseAlpha, parseNumber } from '../option-parsers.ts';

export interface FingerprintCommandOptions {
  suspect: string;
  teacher: string;
  references: string[];
  alpha: number;
  measures?: string[];
  test?: 'signed-rank' | 'sign';
  teacherVendor?: string;
  /** Permutations of the suspect-vs-teacher MMD test (0 skips it). */
  permutations?: number;
  minReferences?: number;
  quiet?: boolean;
}

export type FingerprintCommandResult = FingerprintAnalysis;

async function readTranscript(path: string): Promise<Transcript> {
  return parseTranscript(await readTextInput(path), path);
}

export async function fingerprint(o: FingerprintCommandOptions): Promise<FingerprintCommandResult> {
  if (o.references.length === 0) throw new InputError('give at least one --reference transcript (a panel of independent models)');
  const paths = [o.suspect, o.teacher, ...o.references];
  const dup = paths.find((p, i) => paths.indexOf(p) !== i);
  if (dup !== undefined) throw new InputError(`${dup}: the same transcript is given twice (suspect, teacher and references must be different models)`);
  const measures = o.measures?.map((m) => {
    if (!(MEASURES as readonly string[]).includes(m)) throw new InputError(`unknown measure "${m}" (choose from ${MEASURES.join(', ')})`);
    return m as MeasureName;
  });
  const [suspect, teacher, ...references] = await Promise.all(paths.map(readTranscript));
  if (!o.quiet) note(`comparing ${suspect!.header.model} with teacher ${teacher!.header.model} against ${references.length} reference(s)…`);
  // A TranscriptError or FingerprintInputError is an InputError (exit 2) and names the files.
  return analyzeFingerprints(suspect!, teacher!, references, {
    alpha: o.alpha,
    ...(measures ? { measures } : {}),
    ...(o.test ? { test: o.test } : {}),
    ...(o.teacherVendor ? { teacherVendor: o.teacherVendor } : {}),
    ...(o.permutations !== undefined ? { mmdPermutations: o.permutations } : {}),
    ...(o.minReferences !== undefined ? { minReferences: o.minReferences } : {}),
  });
}

/** The JSON printed by `--json`: the analysis as the library returns it. */
export function fingerprintJson(r: FingerprintCommandResult): unknown {
  return r;
}

const VERDICT_WORDS = {
  detected: 'CLOSER TO THE TEACHER than the reference panel (distillation signal)',
  'not-detected': 'not closer to the teacher than the reference panel',
  inconclusive: 'INCONCLUSIVE',
} as const;

export function renderFingerprint(r: FingerprintCommandResult): string {
  const p = (x: { log10PValue: number } | null) => (x === null ? '-' : formatPValue(x.log10PValue));
  const lines = [
    `suite ${r.suite.name}@${r.suite.version} (${r.suite.hash.slice(0, 19)}…), ${r.probes.used} probes` +
      (r.probes.dropped.length ? ` (${r.probes.dropped.length} missing from some transcript, skipped)` : '') +
      `, ${r.test} test, alpha ${r.alpha}`,
    `suspect ${r.models.suspect.label}, teacher ${r.models.teacher.label}, references ${r.models.references.map((m) => m.label).join(', ')}`,
    '',
    renderTable(
      ['measure', 'p (closer than all refs)', 'probes beating all refs', ...r.models.references.map((m) => `wins vs ${m.label}`)],
      r.perMeasure.map((m) => [
        m.measure,
        p(m.pValue),
        m.probesBeatingAllReferences,
        ...r.models.references.map((ref) => {
          const c = r.comparisons.find((x) => x.measure === m.measure && x.reference === ref.label)!;
          return `${c.wins}/${c.n} (r ${c.effectSize.toFixed(2)})`;
        }),
      ]),
    ),
    '',
  ];
  const id = r.identity;
  if (id.teacherVendor)
    lines.push(
      `identity: teacher vendor ${id.teacherVendor} (${id.teacherVendorSource}); suspect names it in ${id.suspect.naming}/${id.suspect.responses} identity answers, ` +
        `panel in ${id.panel.naming}/${id.panel.responses}; p = ${p(id.pValue)}`,
    );
  else lines.push('identity: the teacher names no vendor on the identity probes (give --teacher-vendor to test it)');
  if (r.equality)
    lines.push(`equality (MMD, Gao et al.): suspect vs teacher MMD² ${r.equality.statistic.toExponential(2)}, p = ${p(r.equality.pValue)} (${r.equality.permutations} permutations)`);
  if (r.signal.measure && r.signal.probes.length > 0) {
    lines.push('', `probes carrying the signal (${r.signal.measure}, margin over the closest reference):`);
    lines.push(renderTable(['probe', 'category', 'margin'], r.signal.probes.map((s) => [s.probeId, s.category, s.margin.toFixed(4)])));
  }
  lines.push(
    '',
    `evidence: ${r.evidence.map((e) => `${e.line} p = ${e.testable ? p(e.pValue) : 'untestable'}`).join(', ')}; combined (${r.combined.method}) p = ${p(r.combined.pValue)}`,
    `verdict: ${VERDICT_WORDS[r.verdict]}`,
    ...r.reasons.map((x) => `  - ${x}`),
  );
  return lines.join('\n');
}

/** The paired tests across probes that analyzeFingerprints implements (its `test` option). */
const PAIRED_TESTS = ['signed-rank', 'sign'] as const satisfies readonly NonNullable<FingerprintCommandOptions['test']>[];

export const command = defineCommand({
  name: 'fingerprint',
  description: 'test whether a suspect is closer to a teacher than a reference panel is, from probe transcripts',
  options: {
    suspect: option('--suspect <file>', "the suspect model's transcript").required(),
    teacher: option('--teacher <file>', "the teacher model's transcript").required(),
    references: listOption('--reference <files...>', 'transcripts of independent reference models (at least 2 for the behaviour line)').required(),
    alpha: option('--alpha <α>', 'significance level for the verdict', { parse: parseAlpha }).default(1e-3),
    measures: listOption('--measures <names...>', `measures of the behaviour line: ${MEASURES.join(', ')} (default all)`),
    test: option('--test <test>', 'paired test across probes', { choices: PAIRED_TESTS }).default('signed-rank'),
    teacherVendor: option('--teacher-vendor <id>', "the teacher's vendor for the identity test (openai, anthropic, google, meta, deepseek, alibaba, mistral, …); default: the vendor the teacher names"),
    permutations: option('--permutations <n>', 'permutations of the suspect-vs-teacher MMD test, 0 to skip', { parse: parseNumber('permutations', 0, 1_000_000, true) }).default(999),
    failOnDetect: flag('--fail-on-detect', 'exit 1 when the verdict is "detected"'),
    json: flag('--json', 'print the full analysis as JSON'),
  },
  async run({ json, failOnDetect, ...o }, { emit, setExit }) {
    const r = await fingerprint({ ...o, quiet: json });
    emit(json, fingerprintJson(r), renderFingerprint(r));
    if (failOnDetect && r.verdict === 'detected') setExit(ExitCode.detected);
  },
});
