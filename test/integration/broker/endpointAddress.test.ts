// The local endpoint keeps its address across brokers: the broker hosting it is killed, a window
// asks again (for any port, as the setting's default does), a new broker process starts and
// serves at the same URL — the URL a terminal's ANTHROPIC_BASE_URL and an open `claude` session
// hold — with the same token. When another program took that port meanwhile, the new endpoint
// takes a free one, remembers it, and the window is given the new URL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import * as path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
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
import { OPUS, TEST_KEY, scenario, testConfig } from '../core/harness';
import { REPO, brokerEnv, brokerPids, cleanUp, eventually, pidFile, requireBuild, runtimeDir } from './brokerKit';

let sim: RunningSimulator;
const dir = runtimeDir();
const credentials = new RequestCredentials({});
/** Every hold a test took, released at the end whatever happened. */
const leases: EndpointLease[] = [];

interface Window {
  readonly lease: EndpointLease;
  readonly lost: string[];
  want(): Promise<string>;
}

/** A window holding the endpoint through its own channel to the broker (started as a process when none runs). */
function window(name: string): Window {
  const lost: string[] = [];
  const lease = new EndpointLease({
    connect: async () =>
      openJsonRpcChannel(
        await connectOrStartBroker({ runtimeDir: dir, start: () => spawnBroker({ script: path.join(REPO, 'dist', 'broker.js'), runtimeDir: dir, env: brokerEnv(dir) }) }),
        'endpoint',
        name,
      ),
    onRequest: () => undefined,
    onEvent: () => undefined,
    onLost: (reason) => lost.push(reason),
  });
  leases.push(lease);
  return {
    lease,
    lost,
    want: async () => {
      const config = testConfig(sim.url, { providers: [{ id: 'anthropic', baseURL: sim.url, apiKey: () => TEST_KEY }] });
      const result: EndpointWantResult = await lease.want({ port: 0, config: toWireConfig(config, {}), secrets: await credentials.resolve(config), upstreamBaseUrl: sim.url, historyFile: null });
      assert.ok(result.ok, JSON.stringify(result));
      return result.url;
    },
  };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

function token(): string {
  return readFileSync(path.join(dir, 'endpoint-token'), 'utf8').trim();
}

/** A client holding the URL and token from before, as a terminal's `claude` does. */
async function askAt(url: string): Promise<string> {
  const client = new Anthropic({ baseURL: url, apiKey: token(), maxRetries: 0 });
  return (await client.messages.create({ model: OPUS, max_tokens: 32, messages: [{ role: 'user', content: 'Still here?' }] })).model;
}

async function killBroker(holder: Window): Promise<void> {
  const pid = pidFile(dir);
  assert.ok(pid !== null && pid > 0, 'the broker wrote its pid');
  process.kill(pid, 'SIGKILL');
  assert.ok(await eventually(() => brokerPids(dir).length === 0, 15_000), 'the broker is gone');
  assert.ok(await eventually(() => holder.lost.length > 0, 15_000), 'the window heard its endpoint was lost');
}

before(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
});

after(async () => {
  await Promise.all(leases.map((lease) => lease.release().catch(() => undefined)));
  await sim?.close();
  await cleanUp(dir);
});

describe('the local endpoint keeps its address when its broker is replaced', { timeout: 120_000 }, () => {
  let first = '';

  test('the broker is killed, a window asks again for any port: a new broker serves at the same URL', async () => {
    const holder = window('window-before');
    first = await holder.want();
    const deadPid = pidFile(dir);
    assert.equal(await askAt(first), OPUS);
    assert.equal(readFileSync(path.join(dir, PORT_FILE), 'utf8').trim(), String(portOf(first)), 'the port is remembered');
    assert.equal(statSync(path.join(dir, PORT_FILE)).mode & 0o777, 0o600, 'in a private file');

    await killBroker(holder);
    await assert.rejects(fetch(`${first}/v1/models`), 'nothing listens there while no broker runs');

    const again = window('window-after');
    assert.equal(await again.want(), first, 'the same URL as before');
    assert.notEqual(pidFile(dir), deadPid, 'served by a new broker');
    assert.equal(await askAt(first), OPUS, 'a client holding the old URL and token is served');
    await killBroker(again);
  });

  test('the remembered port taken by another program: a free port, remembered, and the window is given it', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(portOf(first), '127.0.0.1', resolve));
    try {
      assert.equal((blocker.address() as AddressInfo).port, portOf(first));
      const asking = window('window-blocked');
      const moved = await asking.want();
      assert.notEqual(moved, first, 'a new address');
      assert.match(moved, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(await askAt(moved), OPUS);
      assert.equal(readFileSync(path.join(dir, PORT_FILE), 'utf8').trim(), String(portOf(moved)), 'the new port is remembered');
      await killBroker(asking);
      const later = window('window-later');
      assert.equal(await later.want(), moved, 'the next broker keeps the new address');
      await later.lease.release();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
