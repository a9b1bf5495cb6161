/**
 * @tracemark/traffic: extraction-campaign detection in API exchange logs (DESIGN.md, "Campaigns").
 * Ingest a log into DuckDB (`ingestLog`), then test every account and every cluster of linked
 * accounts against benign traffic (`scanTraffic`); `scanLogs` does both.
 */
export { type ExchangeRecord } from './exchange-record.ts';
export { CANONICAL_FIELDS, type CanonicalField, type FieldMapping, parseFieldMapping } from './field-mapping.ts';
export { TrafficInputError, TrafficIoError } from './traffic-errors.ts';
export { detectFormat, type IngestedLog, ingestLog, type IngestOptions, type LogFormat } from './ingest-log.ts';
export { type BadLine, findBadLines, MAX_LINE_BYTES } from './find-bad-lines.ts';
export { exchangeLineProblem } from './exchange-line-problem.ts';
export { ELICITATION_PATTERN, FEATURES_VERSION } from './exchange-sql.ts';
export { type AccountFeatures, SIGNAL_NAMES, type SignalName, SIGNALS } from './signals.ts';
export { conformalPValues } from './conformal-p-values.ts';
export { CONTENT_LEVELS, contentTest, coordinationTest, extractionShape } from './cluster-tests.ts';
export { type CoordinationEdge, findClusters } from './find-clusters.ts';
export { type ScanOptions, scanTraffic } from './scan-traffic.ts';
export { scanLogs, type ScanLogsOptions } from './scan-logs.ts';
export { compareScanReports, type RescanCheck, rescanReport } from './rescan-report.ts';
export {
  type AccountResult,
  type ClusterResult,
  FLAG_MEANING,
  type IngestParameters,
  type ReportInput,
  type ReportPValue,
  TRAFFIC_PREDICATE_TYPE,
  TRAFFIC_REPORT_TYPE,
  TRAFFIC_REPORT_VERSION,
  type TrafficReport,
} from './traffic-report.ts';
export { simulateTraffic, simulateTrafficSync } from './simulate/simulate-traffic.ts';
export { simulationTruth, SIMULATION_TRUTH_TYPE, type SimulationTruth, type TruthAccount, type TruthCampaign } from './simulate/simulation-truth.ts';
export { writeSimulation, type WriteSimulationHooks, type WriteSimulationResult } from './simulate/write-simulation.ts';
export { planPopulation, syntheticKeyId, LOOKALIKE_CLASSES, type BenignClass, type Population, type PlannedAccount, type PlannedCampaign } from './simulate/plan-population.ts';
export { resolveSimulationOptions, SimulationOptionError, CAMPAIGN_STRATEGIES, DEFAULT_SIMULATION_OPTIONS, type CampaignStrategy, type SimulationOptions, type ResolvedSimulationOptions } from './simulate/simulation-options.ts';
