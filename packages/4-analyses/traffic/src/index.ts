/**
 * @tracemark/traffic: extraction-campaign detection in API exchange logs (DESIGN.md, "Campaigns").
 */
export { type ExchangeRecord } from './exchange-record.ts';
export { simulateTraffic, simulateTrafficSync } from './simulate/simulate-traffic.ts';
export { simulationTruth, SIMULATION_TRUTH_TYPE, type SimulationTruth, type TruthAccount, type TruthCampaign } from './simulate/simulation-truth.ts';
export { writeSimulation, type WriteSimulationHooks, type WriteSimulationResult } from './simulate/write-simulation.ts';
export { planPopulation, syntheticKeyId, LOOKALIKE_CLASSES, type BenignClass, type Population, type PlannedAccount, type PlannedCampaign } from './simulate/plan-population.ts';
export { resolveSimulationOptions, SimulationOptionError, CAMPAIGN_STRATEGIES, DEFAULT_SIMULATION_OPTIONS, type CampaignStrategy, type SimulationOptions, type ResolvedSimulationOptions } from './simulate/simulation-options.ts';
