// The endpoint sweeps the managers it made for clients' own credentials (endpointManagers.ts),
// over real HTTP to the simulator, on a manual clock: a client's manager unused for 30 minutes is
// disposed when the next request comes, and the same client is then served again, with its own
// key; another client's wrong key is not served by a key seen before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RelayManager } from '../../../src/core/contract';
import { createRequestManager } from '../../../src/core/requestManager';
import { UNUSED_ENDPOINT_MANAGER_MS } from '../../../src/broker/endpoint/endpointManagers';
import { startSimulator } from '../../../src/simulator/index';
import { ASK, OPUS, SONNET, TEST_KEY, ownKeyEndpoint, scenario } from './endpointKit';

test('a client\'s manager unused for 30 minutes is disposed, and the client is served again with its own key', { timeout: 120_000 }, async () => {
  await import('@anthropic-ai/sdk');
  const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const clock = { now: Date.now() };
  const made: { models: string; disposed: boolean }[] = [];
  const endpoint = await ownKeyEndpoint(sim.url, {
    now: () => clock.now,
    createManager: (config) => {
      const manager = createRequestManager(config);
      const record = { models: config.models.join(), disposed: false };
      made.push(record);
      const counted: RelayManager = {
        send: (request, options) => manager.send(request, options),
        stream: (request, options) => manager.stream(request, options),
        countTokens: (body, options) => manager.countTokens(body, options),
        onEvent: (listener) => manager.onEvent(listener),
        breakers: () => manager.breakers(),
        resetBreakers: (route) => manager.resetBreakers(route),
        updateConfig: (next) => manager.updateConfig(next),
        dispose: () => {
          record.disposed = true;
          manager.dispose();
        },
      };
      return counted;
    },
  });
  const ask = async (key: string, model: string): Promise<{ status: number; text: string }> => {
    const response = await fetch(`${endpoint.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model, ...ASK }),
    });
    return { status: response.status, text: await response.text() };
  };
  try {
    assert.equal((await ask(TEST_KEY, OPUS)).status, 200);
    assert.equal(made.length, 1);

    clock.now += UNUSED_ENDPOINT_MANAGER_MS + 60_000;
    assert.equal((await ask(TEST_KEY, SONNET)).status, 200);
    assert.equal(made[0]!.disposed, true, 'the manager unused for 31 minutes is gone');

    const again = await ask(TEST_KEY, OPUS);
    assert.equal(again.status, 200, again.text);
    assert.equal(made.length, 3, 'a new manager for the client\'s model');
    assert.equal((JSON.parse(again.text) as { type: string }).type, 'message');

    const stranger = await ask('sk-ant-not-the-simulators-key', OPUS);
    assert.equal(stranger.status, 401, 'another client\'s key is its own, not one seen before');
    assert.ok(!stranger.text.includes(TEST_KEY));
    assert.ok(made.slice(1).every((m) => !m.disposed), 'managers in use stay');
  } finally {
    await endpoint.close();
    await sim.close();
  }
});
