// The simulator's public API: an Anthropic-compatible HTTP server driven by
// scenarios (see docs/SCENARIOS.md and notes/SIMULATOR-SPEC).
export { startSimulator } from './server';
export type { SimulatorOptions, RunningSimulator } from './server';
export { loadScenario } from './scenario-loader';
export { validateScenario } from './scenario-validation';
export { ScenarioError } from './scenario-error';
export { canonicalAnswer } from './canonical-answer';
export { catalogLimits } from './model-catalog';
export { attachmentSentence, toolResultSentence } from './answer-plan';
export { SAMPLE_PDF_BASE64, SAMPLE_PNG_BASE64 } from './media';
export { SHIPPED_SCENARIO_NAMES } from './shipped-scenarios';
export type {
  Scenario,
  ScenarioPhase,
  ModelBehavior,
  Outcome,
  RateLimitBehavior,
  StatusPageSpec,
  StatusPageComponent,
  StatusPageIncident,
} from './scenario-types';
export type { SimulatorStats, RequestRecord } from './stats';
export type { BatchBehavior, BatchCreateOutcome } from './batch-types';
