// Inside the real extension host: with the shared broker turned off (resilientClaude.sharedManager),
// the terminals setting makes this window run the local endpoint itself, as it did before the
// broker hosted it, and says so in its log; a client with its own key is served through it by the
// simulator; turned off, the endpoint is gone. Its port is this window's (remembered in the
// window's storage, not the user's shared port file another window would overwrite): turned on
// again it listens where the terminals point.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PORT_FILE } from '../../../../src/broker/endpoint/endpointPort';
import { test } from './runner';
import { until } from './endpointProbe';
import { openEndpointRig } from './endpointRig';

const KEY = 'sk-ant-inhost-endpoint-6c1d9e';
const WAIT_MS = 20_000;

test('with the shared broker off, the window runs the local endpoint itself and serves a client through it', async () => {
  const rig = await openEndpointRig('endpoint', KEY);
  const { parts, simulator, runtimeDir } = rig;
  try {
    const url = await rig.startEndpoint({ sharedManager: false });
    assert.equal(await parts.endpoint.hostedIn(), 'window', 'no broker: this window runs it');
    const answer = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': KEY, 'user-agent': 'curl/8.5.0' },
      body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 32, messages: [{ role: 'user', content: 'Who runs this endpoint?' }] }),
    });
    assert.equal(answer.status, 200, await answer.text());
    assert.ok(simulator.stats().requests.some((r) => r.apiKeyOk), 'served by the simulator with the client\'s own key');

    assert.ok(!existsSync(join(runtimeDir, PORT_FILE)), "the shared endpoint's port file is not this window's to write");

    await rig.set('endpoint.terminals', undefined);
    await until(() => parts.endpoint.status() === null, 'the endpoint to stop', WAIT_MS);
    await assert.rejects(fetch(`${url}/v1/models`), 'nothing listens there any more');

    await rig.set('endpoint.terminals', true);
    await until(() => (parts.endpoint.status()?.url ?? null) !== null, 'the endpoint to listen again', WAIT_MS);
    assert.equal(parts.endpoint.status()?.url, url, "on the window's own port again");
    assert.ok(!existsSync(join(runtimeDir, PORT_FILE)));
    await rig.set('endpoint.terminals', undefined);
    await until(() => parts.endpoint.status() === null, 'the endpoint to stop again', WAIT_MS);
  } finally {
    await rig.close();
  }
});
