// Property test over real HTTP: whatever mix of faults the simulator scripts,
// the number of attempts it sees never exceeds the bounds, each model gets at
// most maxAttemptsPerRoute, every wait stays within its cap, and the outcome
// reports exactly the ids it issued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRequestManager } from '../../../src/core/requestManager';
import { startSimulator } from '../../../src/simulator/index';
import type { Scenario } from '../../../src/simulator/index';
import { ASK, HAIKU, OPUS, SONNET, TEST_KEY, scenario, testConfig } from './harness';

const FAULTS = ['ok', '529', '429', '500', '502', '503', '504', 'html502', 'reset', 'midstream', 'stall'] as const;
type Fault = (typeof FAULTS)[number];

test('property: attempts stay within bounds and waits within caps for any fault mix', { timeout: 120_000 }, async () => {
  const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Fault>(...FAULTS), { minLength: 0, maxLength: 4 }),
        fc.array(fc.constantFrom<Fault>(...FAULTS), { minLength: 0, maxLength: 4 }),
        fc.array(fc.constantFrom<Fault>(...FAULTS), { minLength: 0, maxLength: 4 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 3 }),
        async (opus, sonnet, haiku, maxAttempts, maxAttemptsPerRoute) => {
          const models: Scenario['models'] = {
            [OPUS]: { sequence: [...opus, 'ok'], retryAfterS: 0 },
            [SONNET]: { sequence: [...sonnet, 'ok'], retryAfterS: 0 },
            [HAIKU]: { sequence: [...haiku, 'ok'], retryAfterS: 0 },
          };
          sim.setScenario(scenario(models));
          sim.reset();
          const manager = createRequestManager({
            ...testConfig(sim.url, { retry: { maxAttempts, maxAttemptsPerRoute } as never }),
            idleTimeoutMs: 100,
            breaker: { failureThreshold: 100, openMs: 1000, maxOpenMs: 1000 },
          });
          const waits: number[] = [];
          manager.onEvent((e) => {
            if (e.type === 'wait') waits.push(e.delayMs);
          });
          try {
            const outcome = await manager.send(ASK);
            const config = testConfig(sim.url);
            for (const delay of waits) assert.ok(delay >= 0 && delay <= Math.max(config.retry.maxDelayMs, config.retry.retryAfterCapMs), `waited ${delay} ms`);
            const stats = sim.stats();
            assert.ok(stats.total <= maxAttempts, `${stats.total} > ${maxAttempts}`);
            for (const model of [OPUS, SONNET, HAIKU]) assert.ok((stats.byModel[model]?.total ?? 0) <= maxAttemptsPerRoute);
            assert.equal(outcome.attempts.length, stats.total);
            const seen = outcome.attempts.map((a) => a.requestId).filter((id) => id !== null);
            const issued = stats.requests.filter((r) => r.outcome !== 'reset').map((r) => r.requestId);
            assert.deepEqual(seen, issued);
            if (!outcome.ok) assert.deepEqual(outcome.error.requestIds, issued);
          } finally {
            manager.dispose();
          }
        },
      ),
      { numRuns: 25 },
    );
  } finally {
    await sim.close();
  }
});
