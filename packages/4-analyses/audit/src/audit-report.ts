/**
 * The audit report: everything a third party needs to understand and re-check an audit — input
 * digests, the public key description (never the secret), parameters, every test with its
 * statistic, effect, p-value and verdict, the overall verdict and its rule, plus the material the
 * HTML page draws (the score curve and a token-highlighted sample).
 */
import { type SchemeName, type SchemeParams } from '@tracemark/watermark';
import { type TokenizerIdentity } from '@tracemark/tokenizers';
import { type AttributionResult } from './attribute-accounts.ts';
import { type AuditTest } from './audit-test.ts';
import { type OverallVerdict } from './combine-verdict.ts';
import { type ClusterEvidence } from './cluster-evidence.ts';

export const AUDIT_REPORT_TYPE = 'tracemark.audit-report';

export interface InputDigest {
  /** What the input was: suspect-outputs, suspect-model, collected-outputs, teacher-data, forced-text, prompts, accounts. */
  readonly role: string;
  /** File name (no directory, so reports do not leak local paths). */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** One point of the closed-model statistic as outputs accumulate. */
export interface CurvePoint {
  readonly outputs: number;
  readonly scored: number;
  readonly rate: number;
  readonly log10PValue: number;
}

/** A suspect output split into token strings with each token's score (null: not scored — no full context, duplicate, or prompt tuple). */
export interface HighlightedSample {
  readonly id: string;
  readonly pieces: string[];
  readonly scores: (number | null)[];
}

export interface AuditReport {
  readonly type: typeof AUDIT_REPORT_TYPE;
  readonly version: 1;
  readonly createdAt: string;
  readonly tool: { readonly name: 'tracemark'; readonly version: string };
  readonly key: { keyId: string; scheme: SchemeName; tokenizer: TokenizerIdentity; params: SchemeParams; account?: string };
  readonly suspect: { kind: 'outputs' | 'model' | 'endpoint'; name: string; outputs: number; tokens: number };
  readonly inputs: InputDigest[];
  readonly parameters: Record<string, unknown>;
  readonly tests: AuditTest[];
  readonly skipped: { test: string; reason: string }[];
  readonly accounts?: AttributionResult;
  /** Traffic-scan clusters tested together (pooled test) beside the scan's evidence; absent in audits without --accounts-from-scan. */
  readonly clusters?: ClusterEvidence;
  /** Behavioural fingerprint evidence, when it was collected (see @tracemark/fingerprint). */
  readonly fingerprint?: unknown;
  readonly verdict: OverallVerdict;
  readonly curve: CurvePoint[];
  readonly sample: HighlightedSample | null;
}
