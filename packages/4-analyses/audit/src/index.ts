export { type AuditTest, type AuditTestName, exactTest, MDE_POWER, verdictText } from './audit-test.ts';
export { closedModelTest, type ClosedModelOptions, type SuspectOutput } from './closed-model-test.ts';
export { chernoffUpperTail, type NullDistribution } from './chernoff-tail.ts';
export { type NextTokenPredictor, openModelTest, type OpenModelOptions, type OpenModelResult } from './open-model-test.ts';
export { type AccountResult, attributeAccounts, type AttributionResult } from './attribute-accounts.ts';
export { scoreAccounts } from './score-accounts.ts';
export { prepareAccountScoring } from './prepare-account-scoring.ts';
export { rankAccounts, type RawAccountScore } from './rank-accounts.ts';
export { type BehaviourEvidence, type BehaviourLine, combineVerdict, type OverallVerdict } from './combine-verdict.ts';
export { collectTuples, collectWindows } from './tuples.ts';
export { AUDIT_REPORT_TYPE, type AuditReport, type CurvePoint, type HighlightedSample, type InputDigest } from './audit-report.ts';
export { highlightSample, scoreCurve } from './report-material.ts';
export { type AttributionTuples, prepareAttributionTuples } from './prepare-attribution-tuples.ts';
export { scoreAccountTuples, type TupleScoring } from './score-account-tuples.ts';
export { type AccountScorer, type AuditInputs, type AuditStage, AUDIT_TOOL, type CollectionParameters, type IdentifiedOutput, type OpenModelAccess, runAudit } from './run-audit.ts';
export { type FingerprintEvidence, fingerprintEvidence } from './fingerprint-evidence.ts';
export { powerShortfall } from './power-shortfall.ts';
export { compareRecomputed, type RecomputeCheck, SAME } from './compare-recomputed.ts';
export { type AccountCluster, attributeClusters, type ClusterAttribution, type PooledClusterResult } from './attribute-cluster.ts';
export {
  CLUSTER_EVIDENCE_MEANING,
  type ClusterEvidence,
  clusterEvidence,
  type ClusterEvidenceRow,
  type TrafficCluster,
  type TrafficScanSource,
} from './cluster-evidence.ts';
