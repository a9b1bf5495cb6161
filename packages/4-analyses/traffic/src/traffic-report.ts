/**
 * The scan report: what was scanned, how every p-value is calibrated, each account's and each
 * cluster's evidence, and in words what a flag means and does not mean. The JSON printed by
 * `tracemark traffic scan --json` and signed by `--sign` is this object.
 */
import { type FieldMapping } from './field-mapping.ts';
import { type LogFormat } from './ingest-log.ts';
import { type SignalName } from './signals.ts';

export const TRAFFIC_REPORT_TYPE = 'tracemark/traffic-scan-report';
export const TRAFFIC_REPORT_VERSION = 1;
/** The in-toto predicate type of a signed scan report. */
export const TRAFFIC_PREDICATE_TYPE = 'https://tracemark.dev/attestation/traffic-scan-report/v1';

/** What a flag means, printed in every report. */
export const FLAG_MEANING =
  'A flagged cluster is a group of accounts whose traffic is both coordinated (they share infrastructure, templates or timing far more than random groups of benign accounts of the same size) and extraction-shaped (their prompts ask for written-out reasoning or harvest-shaped parameters, and sweep templates or differ from benign traffic, more than random groups do). ' +
  'That is evidence of coordinated, extraction-shaped traffic — not proof of intent, and not proof that any model was trained on the answers. A watermark audit of a suspect model with the cluster\'s key ids is the test for that.';

export interface ReportPValue {
  readonly pValue: number;
  readonly log10PValue: number;
}

export interface ReportInput {
  readonly role: 'log' | 'reference';
  readonly path: string;
  readonly bytes: number;
  /** SHA-256 of the whole file (filled in by the caller that signs; the scanner knows the head's). */
  readonly sha256: string;
  readonly exchanges: number;
  readonly badLines: number;
  readonly badLineExamples: readonly { line: number; problem: string }[];
  readonly database: string;
}

export interface AccountSignalResult extends ReportPValue {
  readonly score: number;
}

export interface AccountResult extends ReportPValue {
  readonly account: string;
  readonly flagged: boolean;
  readonly cluster: number | null;
  readonly exchanges: number;
  readonly signals: Readonly<Record<SignalName | 'coordination', AccountSignalResult>>;
  /** The per-account extraction-shape p-value: (sweep or distribution) AND (elicitation or harvest). */
  readonly content: ReportPValue;
}

export interface SharedValue {
  readonly kind: string;
  readonly value: string;
  /** Members holding it. */
  readonly members: number;
  /** Accounts in the population holding it. */
  readonly holders: number;
}

export interface ClusterResult extends ReportPValue {
  readonly id: number;
  readonly accounts: readonly string[];
  readonly flagged: boolean;
  /** Holm-adjusted over all clusters tested (the flag is holm ≤ alpha). */
  readonly holm: ReportPValue;
  /** Benjamini–Hochberg q-value over all clusters tested. */
  readonly qValue: ReportPValue;
  readonly coordination: ReportPValue & { readonly strongest: SharedValue | null; readonly valuesTested: number };
  readonly content: ReportPValue & { readonly level: number; readonly marked: number; readonly populationMarked: number; readonly populationSize: number };
  readonly exchanges: number;
  readonly completionTokens: number;
  readonly keyIds: readonly string[];
  readonly first: string;
  readonly last: string;
}

/** How the logs were read: what a recomputation (`tracemark verify`) needs besides the files. */
export interface IngestParameters {
  readonly mapping: FieldMapping;
  readonly skipBadLines: boolean;
  /** `--format`, or null when each log's format came from its extension. */
  readonly format: LogFormat | null;
}

export interface TrafficReport {
  readonly type: typeof TRAFFIC_REPORT_TYPE;
  readonly version: typeof TRAFFIC_REPORT_VERSION;
  readonly alpha: number;
  /** Absent from reports written before it was recorded; such a report cannot be recomputed. */
  readonly ingest?: IngestParameters;
  readonly correction: 'holm';
  readonly calibration: { readonly mode: 'reference' | 'population'; readonly statement: string };
  readonly meaning: string;
  readonly method: readonly string[];
  readonly signals: readonly { name: string; version: number; description: string }[];
  readonly inputs: readonly ReportInput[];
  readonly exchanges: number;
  readonly accountsTested: number;
  readonly clustersTested: number;
  readonly accounts: readonly AccountResult[];
  readonly clusters: readonly ClusterResult[];
}
