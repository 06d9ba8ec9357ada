// The API key never leaks: not in any event, outcome or error message, nor in
// the CLI's output — through successes and every kind of failure, 401 included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAsk } from '../../../src/cli/ask';
import { createRequestManager } from '../../../src/core/requestManager';
import type { ManagerEvent } from '../../../src/core/types';
import { startSimulator } from '../../../src/simulator/index';
import { ASK, OPUS, scenario, testConfig } from './harness';
import { captureIo } from './cliCapture';

const SECRET = 'sk-ant-api03-LEAKCHECK-7f3a9c2e1d-ZZZ';
const SECRET_CORE = 'LEAKCHECK-7f3a9c2e1d';

function assertClean(label: string, text: string): void {
  assert.ok(!text.includes(SECRET), `${label} contains the key`);
  assert.ok(!text.includes(SECRET_CORE), `${label} contains part of the key`);
}

test('no event, outcome or CLI output ever contains the API key', { timeout: 60_000 }, async () => {
  const plans: Array<Parameters<typeof scenario>[0]> = [
    {},
    { [OPUS]: { sequence: ['529', '429', 'ok'], retryAfterS: 0 } },
    { [OPUS]: { sequence: ['401'] } },
    { [OPUS]: { sequence: ['spend'] } },
    { [OPUS]: { sequence: ['midstream', 'reset', 'stall', 'html502', '413'] } },
    { [OPUS]: { unknown: true } },
  ];
  // One simulator expects the secret; a second expects another key, so the secret is refused for real.
  const sim = await startSimulator({ scenario: scenario({}), apiKey: SECRET });
  const strict = await startSimulator({ scenario: scenario({}), apiKey: 'sk-ant-some-other-key-000000' });
  try {
    for (const [url, keyed] of [[sim.url, true], [strict.url, false]] as const) {
      for (const plan of plans) {
        (keyed ? sim : strict).setScenario(scenario(plan));
        const base = testConfig(url);
        const manager = createRequestManager({ ...base, providers: [{ id: 'anthropic', baseURL: url, apiKey: () => SECRET }] });
        const events: ManagerEvent[] = [];
        manager.onEvent((e) => events.push(e));
        const sent = await manager.send(ASK);
        const stream = manager.stream(ASK);
        for await (const delta of stream) void delta;
        const streamed = await stream.outcome;
        manager.dispose();
        assertClean(`events for ${JSON.stringify(plan)}`, JSON.stringify(events));
        assertClean('send outcome', JSON.stringify(sent));
        assertClean('stream outcome', JSON.stringify(streamed));
        if (!keyed) assert.ok(!sent.ok && sent.error.class === 'auth', 'the wrong key is refused');

        for (const args of [['--json'], [], ['--stream']]) {
          const c = captureIo(SECRET);
          await runAsk(['--base-url', url, ...args, 'tell me a secret'], c.io);
          assertClean(`CLI stdout ${args.join(' ')}`, c.out());
          assertClean(`CLI stderr ${args.join(' ')}`, c.err());
        }
      }
    }
  } finally {
    await sim.close();
    await strict.close();
  }
});
