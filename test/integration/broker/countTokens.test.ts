// Token counting through the shared broker: a broker client (the editor's endpoint and windows use
// one) counts on the broker's manager, with its breakers and retries — a 529 from count_tokens is
// retried there and the count arrives — and the body and the anthropic-beta / anthropic-version
// reach the API unchanged, as in process. Simulator behind a recording proxy, over loopback HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import type { RequestEvent } from '../../../src/core/types';
import { recordingProxy } from '../../support/recordingProxy';
import type { RecordingProxy } from '../../support/recordingProxy';
import { OPUS, TEST_KEY, scenario, testConfig } from '../core/harness';
import { inProcessBroker, sharedClient } from './brokerKit';

const BODY = { model: OPUS, messages: [{ role: 'user', content: 'How many tokens is this?' }], a_field_the_sdk_has_not_met: { kept: true } };
const HEADERS = { 'anthropic-beta': 'token-counting-2024-11-01,context-management-2025-06-27', 'anthropic-version': '2023-06-01' };

let sim: RunningSimulator;
let proxy: RecordingProxy;
let broker: RunningBroker;
let dir: string;

before(async () => {
  await import('@anthropic-ai/sdk');
  sim = await startSimulator({ scenario: scenario({ [OPUS]: { countTokensFails: true, sequence: ['529', 'ok'] } }), apiKey: TEST_KEY });
  proxy = await recordingProxy(sim.url);
  ({ dir, broker } = await inProcessBroker());
});

after(async () => {
  await broker.stop('test over');
  await proxy.close();
  await sim.close();
});

test('countTokens on a broker client: the 529 is retried on the broker\'s manager and the count arrives; body and headers unchanged', { timeout: 60_000 }, async () => {
  const manager = sharedClient(dir, testConfig(proxy.url), 'count-test');
  try {
    await manager.whenReady();
    assert.equal(manager.sharing.mode, 'shared');
    const events: RequestEvent[] = [];
    const outcome = await manager.countTokens(BODY, { headers: HEADERS, onEvent: (event) => events.push(event) });
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
    assert.ok(outcome.ok && typeof outcome.answer['input_tokens'] === 'number' && outcome.answer['input_tokens'] > 0);
    assert.deepEqual(outcome.attempts.map((a) => a.status), [529, 200]);
    assert.deepEqual(events.filter((e) => e.type === 'attempt').length, 2, 'the caller heard its own attempts');
    const sent = proxy.seen.filter((s) => s.path.startsWith('/v1/messages/count_tokens'));
    assert.equal(sent.length, 2);
    for (const attempt of sent) {
      assert.deepEqual(attempt.body, BODY);
      assert.equal(attempt.headers['anthropic-beta'], HEADERS['anthropic-beta']);
      assert.equal(attempt.headers['anthropic-version'], HEADERS['anthropic-version']);
    }
  } finally {
    manager.dispose();
  }
});
