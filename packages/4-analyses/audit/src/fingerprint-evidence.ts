/**
 * The behavioural line of evidence an audit takes from a fingerprint analysis (see
 * @tracemark/fingerprint): the testable lines' p-values, the verdict and its reasons for
 * `combineVerdict`, and the analysis as the report records it — with input files named by file name
 * only, so a report does not leak the auditor's directory layout.
 */
import { basename } from 'node:path';
import { type FingerprintAnalysis } from '@tracemark/fingerprint';
import { type BehaviourEvidence } from './combine-verdict.ts';

export interface FingerprintEvidence {
  readonly evidence: BehaviourEvidence;
  readonly reported: FingerprintAnalysis;
}

export function fingerprintEvidence(analysis: FingerprintAnalysis): FingerprintEvidence {
  const strip = <M extends { source: string }>(m: M): M => ({ ...m, source: basename(m.source) });
  const { models } = analysis;
  return {
    evidence: {
      lines: analysis.evidence.filter((l) => l.testable && l.pValue).map((l) => ({ name: l.line, pValue: l.pValue!.pValue, log10PValue: l.pValue!.log10PValue })),
      verdict: analysis.verdict,
      reasons: analysis.reasons,
    },
    reported: { ...analysis, models: { suspect: strip(models.suspect), teacher: strip(models.teacher), references: models.references.map(strip) } },
  };
}
