// `serve` as the user's broker: a window that wants the local endpoint is given serve's own (the
// URL serve printed), not a second one; with no key in serve's environment a token request is
// served with the key the window sent, the window hears that traffic, and the window leaving or
// wishing another port never closes or moves serve's endpoint.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import Anthropic from '@anthropic-ai/sdk';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { EndpointLease } from '../../../src/broker/client/endpointLease';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { RequestCredentials } from '../../../src/broker/client/requestCredentials';
import type { EndpointRequest } from '../../../src/broker/endpoint/endpointServer';
import { toWireConfig } from '../../../src/broker/wireConfig';
import type { RunningSimulator } from '../../../src/simulator/index';
import { testConfig } from '../core/harness';
import { eventually } from '../broker/brokerKit';
import { CLI, OPUS, TEST_KEY, rig, scenario } from './endpointKit';
import type { Rig, Served } from './endpointKit';

let r: Rig | undefined;
let sim: RunningSimulator;
let served: Served;

before(async () => {
  r = await rig(scenario({}));
  ({ sim, served } = r);
});

after(async () => {
  await r?.close();
});

describe('serve as the broker gives windows its own endpoint', { timeout: 90_000 }, () => {
  test("a window is given serve's URL; a token request is served with the window's key and heard by it; leaving keeps it up", async () => {
    const requests: EndpointRequest[] = [];
    const lease = new EndpointLease({
      connect: async () => openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: served.runtimeDir, start: () => undefined }), 'endpoint', 'window'),
      onRequest: (request) => requests.push(request),
      onEvent: () => undefined,
      onLost: () => undefined,
    });
    const config = testConfig(sim.url, { providers: [{ id: 'anthropic', baseURL: sim.url, apiKey: () => TEST_KEY }] });
    const want = async (port: number) => lease.want({ port, config: toWireConfig(config, {}), secrets: await new RequestCredentials({}).resolve(config), upstreamBaseUrl: sim.url, historyFile: null });
    const result = await want(0);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.url, served.url, "serve's own endpoint, not a second one");

    const client = new Anthropic({ baseURL: served.url, apiKey: served.token(), maxRetries: 0 });
    const answer = await client.messages.create({ model: OPUS, max_tokens: 32, messages: [{ role: 'user', content: 'Whose key?' }] });
    assert.equal(answer.model, OPUS);
    assert.equal(sim.stats().requests.at(-1)?.apiKeyOk, true, "served with the window's key");
    assert.ok(await eventually(() => requests.some((r) => r.path === '/v1/messages' && r.status === 200)), 'the window heard the request');

    const elsewhere = await want(served.port === 65_000 ? 65_001 : 65_000);
    assert.ok(elsewhere.ok && elsewhere.url === served.url, 'another wished port is not a second endpoint');
    await lease.release();
    const own = new Anthropic({ baseURL: served.url, apiKey: TEST_KEY, maxRetries: 0 });
    const again = await own.messages.create({ model: OPUS, max_tokens: 32, messages: [{ role: 'user', content: 'Still up?' }] });
    assert.equal(again.model, OPUS, "serve's endpoint stays up after the window left");
    // With the window gone and no key in serve's environment, a token request has no credential.
    await assert.rejects(client.messages.create({ model: OPUS, max_tokens: 32, messages: [{ role: 'user', content: 'Anyone?' }] }), (error: unknown) => error instanceof Anthropic.APIError && error.status === 401);
    assert.ok(!served.stderr().includes(TEST_KEY) && !served.stderr().includes(served.token()), "no credential in serve's log");
  });

  test("serve --help says a token request falls back to a window's key", () => {
    const help = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout.replace(/\s+/g, ' '), /with ANTHROPIC_API_KEY from this command's environment; without one, when serve is the user's broker, with the key a VS Code window that wants the local endpoint sent/);
  });
});
