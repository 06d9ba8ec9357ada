// Resolves what a model does right now: built-in defaults, then the scenario's
// defaults and model overrides, then those of the active phase.
import type { EffectiveBehavior, ModelBehavior, Scenario, ScenarioPhase } from './scenario-types';

export const BUILT_IN_BEHAVIOR: EffectiveBehavior = {
  latencyMs: 20,
  ttftMs: 10,
  tokensPerSecond: 2000,
  outputTokens: 12,
  capacity: undefined,
  rateLimit: undefined,
  p529: 0,
  p429: 0,
  retryAfterS: 1,
  p500: 0,
  p502: 0,
  p503: 0,
  p504: 0,
  pSpendLimit: 0,
  pHtml502: 0,
  pReset: 0,
  pStall: 0,
  pMidStreamError: 0,
  midStreamAfterTokens: 3,
  midStreamErrorType: 'overloaded_error',
  unknown: false,
  deprecated: false,
  sequence: undefined,
  ttftPerInputTokenMs: 0,
  ttftMaxMs: undefined,
  pingIntervalMs: 15_000,
  pauseAfterTokens: undefined,
  pauseMs: 0,
  midStreamBlock: 'text',
  useTools: false,
  supportsThinking: undefined,
  thinkingTokens: 16,
  cacheMinTokens: 1024,
  keepOpenAfterStop: false,
  endAfterStopMs: 0,
  recordedStreams: undefined,
  recordedCutAfterEvents: 1,
  echoCredential: false,
  countTokensFails: false,
};

/** Index of the phase active `elapsedMs` after the scenario started, or -1 for none. */
export function activePhaseIndex(scenario: Scenario, elapsedMs: number): number {
  const phases = scenario.phases ?? [];
  let index = -1;
  for (let i = 0; i < phases.length; i++) {
    if (phases[i]!.atMs <= elapsedMs) index = i;
  }
  return index;
}

function overlay(target: EffectiveBehavior, layer: ModelBehavior | undefined): void {
  if (!layer) return;
  for (const [key, value] of Object.entries(layer)) {
    if (value !== undefined) (target as unknown as Record<string, unknown>)[key] = value;
  }
}

export function effectiveBehavior(scenario: Scenario, phase: ScenarioPhase | undefined, model: string): EffectiveBehavior {
  const behavior: EffectiveBehavior = { ...BUILT_IN_BEHAVIOR };
  overlay(behavior, scenario.defaults);
  overlay(behavior, scenario.models?.[model]);
  overlay(behavior, phase?.defaults);
  overlay(behavior, phase?.models?.[model]);
  return behavior;
}
