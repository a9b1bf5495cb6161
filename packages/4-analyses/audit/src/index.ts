export { type AuditTest, type AuditTestName, exactTest, MDE_POWER, verdictText } from './audit-test.ts';
export { closedModelTest, type ClosedModelOptions, type SuspectOutput } from './closed-model-test.ts';
export { chernoffUpperTail, type NullDistribution } from './chernoff-tail.ts';
export { type NextTokenPredictor, openModelTest, type OpenModelOptions, type OpenModelResult } from './open-model-test.ts';
export { type AccountResult, attributeAccounts, type AttributionResult } from './attribute-accounts.ts';
export { type BehaviourEvidence, type BehaviourLine, combineVerdict, type OverallVerdict } from './combine-verdict.ts';
export { collectTuples, collectWindows } from './tuples.ts';
export { AUDIT_REPORT_TYPE, type AuditReport, type CurvePoint, type HighlightedSample, type InputDigest } from './audit-report.ts';
export { highlightSample, scoreCurve } from './report-material.ts';
