// `serve` as the user's broker, at its two edges. Starting: a window that asks for the endpoint
// before serve's own listens waits for it and is given it — not an endpoint the broker starts and
// then closes under the window when serve's arrives (the window was never told: its terminals kept
// a dead URL). Stopping: a window holding serve's endpoint is told at once, and the broker it
// starts next serves at serve's URL (the port serve listened on is remembered), so the terminals'
// ANTHROPIC_BASE_URL stays right.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { startBroker } from '../../../src/broker/brokerServer';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { EndpointLease } from '../../../src/broker/client/endpointLease';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { RequestCredentials } from '../../../src/broker/client/requestCredentials';
import { spawnBroker } from '../../../src/broker/client/spawnBroker';
import { PORT_FILE } from '../../../src/broker/endpoint/endpointPort';
import type { EndpointWantResult } from '../../../src/broker/protocol';
import { toWireConfig } from '../../../src/broker/wireConfig';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { startServesEndpoint } from '../../support/servesEndpoint';
import { testConfig } from '../core/harness';
import { REPO, brokerEnv, cleanUp, eventually, runtimeDir } from '../broker/brokerKit';
import { OPUS, TEST_KEY, requireBuild, scenario, serve } from './endpointKit';

let sim: RunningSimulator;
const dirs: string[] = [];
const leases: EndpointLease[] = [];

/** A window's hold on the endpoint of the broker in `dir` (`spawn`: it starts a broker process when none runs). */
function window(dir: string, name: string, spawn: boolean): { readonly lease: EndpointLease; readonly lost: string[]; want(): Promise<EndpointWantResult> } {
  const lost: string[] = [];
  const start = spawn ? () => spawnBroker({ script: path.join(REPO, 'dist', 'broker.js'), runtimeDir: dir, env: brokerEnv(dir) }) : () => undefined;
  const lease = new EndpointLease({
    connect: async () => openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start }), 'endpoint', name),
    onRequest: () => undefined,
    onEvent: () => undefined,
    onLost: (reason) => lost.push(reason),
  });
  leases.push(lease);
  const config = testConfig(sim.url, { providers: [{ id: 'anthropic', baseURL: sim.url, apiKey: () => TEST_KEY }] });
  return {
    lease,
    lost,
    want: async () => lease.want({ port: 0, config: toWireConfig(config, {}), secrets: await new RequestCredentials({}).resolve(config), upstreamBaseUrl: sim.url, historyFile: null }),
  };
}

async function ask(url: string, token: string): Promise<string> {
  const client = new Anthropic({ baseURL: url, apiKey: token, maxRetries: 0 });
  return (await client.messages.create({ model: OPUS, max_tokens: 16, messages: [{ role: 'user', content: 'Who serves?' }] })).model;
}

before(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
});

after(async () => {
  await Promise.all(leases.map((lease) => lease.release().catch(() => undefined)));
  for (const dir of dirs) await cleanUp(dir);
  await sim?.close();
});

describe('serve as the broker: starting and stopping', { timeout: 90_000 }, () => {
  test("a window asking while serve's endpoint starts waits for it and is given it", async () => {
    const dir = runtimeDir();
    dirs.push(dir);
    const logs: string[] = [];
    // As serve starts: the broker first, then its own endpoint, then adopt.
    const broker = await startBroker({ runtimeDir: dir, idleExitMs: 60_000, log: (line) => logs.push(line), ownEndpoint: true });
    assert.ok(broker, 'the broker started');
    const early = window(dir, 'early-window', false);
    let answered = false;
    const wanting = early.want().finally(() => (answered = true));
    assert.equal(await eventually(() => answered || broker.endpointUrl() !== null, 1_500), false, "the window's request waits for serve's endpoint");

    const endpoint = await startServesEndpoint(broker, { runtimeDir: dir, config: testConfig(sim.url), upstream: sim.url, log: (line) => logs.push(line) });
    try {
      await broker.endpoint.adopt(endpoint);
      const result = await wanting;
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.url, endpoint.url, "serve's endpoint, the only one");
      assert.ok(!logs.some((line) => line.startsWith('Endpoint listening on')), 'the broker started no endpoint of its own');
      const token = readFileSync(path.join(dir, 'endpoint-token'), 'utf8').trim();
      assert.equal(await ask(result.url, token), OPUS, "a token request at the window's URL is served (with the window's key)");
      assert.equal(readFileSync(path.join(dir, PORT_FILE), 'utf8').trim(), String(endpoint.port), "serve's port is remembered");
    } finally {
      await early.lease.release();
      await endpoint.close();
      await broker.stop('test over');
    }
  });

  test("serve stopping while a window holds its endpoint: the window is told, and the next broker serves at serve's URL", async () => {
    const served = await serve(sim.url);
    dirs.push(served.runtimeDir);
    const holder = window(served.runtimeDir, 'holder', true);
    const held = await holder.want();
    assert.ok(held.ok && held.url === served.url, JSON.stringify(held));

    served.child.kill('SIGTERM');
    assert.ok(await eventually(() => served.child.exitCode !== null && holder.lost.length > 0, 15_000), 'serve exited and the window heard its endpoint was lost');

    // The window asks again, as it does after a loss: a broker process starts and hosts the endpoint.
    const again = window(served.runtimeDir, 'after-serve', true);
    const result = await again.want();
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.url, served.url, 'the same URL as serve printed');
    assert.equal(await ask(served.url, served.token()), OPUS, 'a client holding that URL and the token is served by the new broker');
    await again.lease.release();
  });
});
