// What the soak runs against: the primary model answers 529 to a tenth of the requests (the fallback
// is healthy), answers are short and fast so tens of thousands of requests take minutes, not hours.
import type { Scenario } from '../../src/simulator/index';

export const SOAK_API_KEY = 'sk-ant-soak-0123456789abcdef';
export const SOAK_CHAIN = ['claude-opus-5-5', 'claude-sonnet-5-5'] as const;

export function soakScenario(): Scenario {
  return {
    name: 'soak',
    seed: 7,
    defaults: { latencyMs: 1, ttftMs: 1, tokensPerSecond: 50_000, outputTokens: 8 },
    models: { [SOAK_CHAIN[0]]: { p529: 0.1 }, [SOAK_CHAIN[1]]: {} },
  } as Scenario;
}
