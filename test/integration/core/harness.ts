// Shared setup for the core integration tests: a simulator on loopback and a
// manager pointed at it with small timeouts and backoff, so faults play out fast.
import type { ManagerConfig } from '../../../src/core/contract';
import type { ManagerEvent } from '../../../src/core/types';
import type { RelayManager } from '../../../src/core/contract';
import { defaultManagerConfig } from '../../../src/core/defaults';
import { createRequestManager } from '../../../src/core/requestManager';
import type { RunningSimulator, Scenario } from '../../../src/simulator/index';
import { startSimulator } from '../../../src/simulator/index';

export const TEST_KEY = 'sk-ant-test-integration-key-0123456789';
export const OPUS = 'claude-opus-5-5';
export const SONNET = 'claude-sonnet-5-5';
export const HAIKU = 'claude-haiku-5-5';

export const FAST_DEFAULTS = { latencyMs: 2, ttftMs: 1, tokensPerSecond: 50_000, outputTokens: 12 };

export function scenario(models: Scenario['models'], defaults: Scenario['defaults'] = {}): Scenario {
  return { name: 'core-integration', seed: 1, defaults: { ...FAST_DEFAULTS, ...defaults }, models } as Scenario;
}

export interface Rig {
  readonly sim: RunningSimulator;
  readonly manager: RelayManager;
  readonly events: ManagerEvent[];
  close(): Promise<void>;
}

export function testConfig(url: string, overrides: Partial<ManagerConfig> = {}): ManagerConfig {
  const defaults = defaultManagerConfig();
  return {
    ...defaults,
    providers: [{ id: 'anthropic', baseURL: url, apiKey: () => TEST_KEY }],
    retry: { ...defaults.retry, baseDelayMs: 5, maxDelayMs: 20, deadlineMs: 20_000, ...overrides.retry },
    breaker: { ...defaults.breaker, ...overrides.breaker },
    headersTimeoutMs: 2_000,
    idleTimeoutMs: 300,
    ...Object.fromEntries(Object.entries(overrides).filter(([k]) => k !== 'retry' && k !== 'breaker')),
  };
}

export async function rig(s: Scenario, overrides: Partial<ManagerConfig> = {}): Promise<Rig> {
  // The manager loads the SDK on first use; load it before the clock of a short deadline starts.
  await import('@anthropic-ai/sdk');
  const sim = await startSimulator({ scenario: s, apiKey: TEST_KEY });
  const manager = createRequestManager(testConfig(sim.url, overrides));
  const events: ManagerEvent[] = [];
  manager.onEvent((e) => events.push(e));
  return {
    sim,
    manager,
    events,
    close: async () => {
      manager.dispose();
      await sim.close();
    },
  };
}

export const ASK = { messages: [{ role: 'user' as const, content: 'Why do breakers open?' }], max_tokens: 256 };

/** The ids the simulator issued, in order (what support would need). */
export function simRequestIds(sim: RunningSimulator): string[] {
  return sim.stats().requests.map((r) => r.requestId);
}

export function modelCount(sim: RunningSimulator, model: string): number {
  return sim.stats().byModel[model]?.total ?? 0;
}
