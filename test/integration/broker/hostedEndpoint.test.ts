// The local endpoint hosted by the broker, one per user: two windows (broker clients over the
// real socket) that want it get the same URL; a client presenting the endpoint's token, through
// the official SDK over real HTTP, is answered with the credentials a window sent (the simulator
// checks the key), and its traffic and events reach both windows; the first window leaving keeps
// the endpoint up for the second, new credentials replace the old, the last leaving closes it.
// With no window providing a credential a token request gets a clear 401 — never the broker's own
// environment's key — and nothing goes upstream. No credential reaches the broker's log or events.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { startBroker } from '../../../src/broker/brokerServer';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { EndpointLease } from '../../../src/broker/client/endpointLease';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { RequestCredentials } from '../../../src/broker/client/requestCredentials';
import type { EndpointRequest } from '../../../src/broker/endpoint/endpointServer';
import type { EndpointWantParams, EndpointWantResult } from '../../../src/broker/protocol';
import { toWireConfig } from '../../../src/broker/wireConfig';
import type { ManagerConfig } from '../../../src/core/contract';
import type { ManagerEvent } from '../../../src/core/types';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { OPUS, TEST_KEY, scenario, testConfig } from '../core/harness';
import { cleanUp, eventually, runtimeDir } from './brokerKit';

const WRONG_KEY = 'sk-ant-wrong-window-key-0000000000000';

interface Window {
  readonly lease: EndpointLease;
  readonly requests: EndpointRequest[];
  readonly events: ManagerEvent[];
  readonly lost: string[];
  want(port?: number, apiKey?: string | null): Promise<EndpointWantResult>;
}

let sim: RunningSimulator;
let broker: RunningBroker;
const dir = runtimeDir();
const logs: string[] = [];
const credentials = new RequestCredentials({});
const savedKey = process.env['ANTHROPIC_API_KEY'];
/** Every endpoint event any window heard. */
const heard: ManagerEvent[] = [];
/** The windows' history file, written by the broker alone. */
const historyFile = join(dir, 'history.json');

function window(name: string): Window {
  const requests: EndpointRequest[] = [];
  const events: ManagerEvent[] = [];
  const lost: string[] = [];
  const lease = new EndpointLease({
    connect: async () => openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start: () => undefined }), 'endpoint', name),
    onRequest: (request) => requests.push(request),
    onEvent: (event) => {
      events.push(event);
      heard.push(event);
    },
    onLost: (reason) => lost.push(reason),
  });
  return {
    lease,
    requests,
    events,
    lost,
    want: async (port = 0, apiKey = TEST_KEY) => {
      const config: ManagerConfig = testConfig(sim.url, { providers: [{ id: 'anthropic', baseURL: sim.url, apiKey: () => apiKey ?? undefined }] });
      const params: EndpointWantParams = { port, config: toWireConfig(config, {}), secrets: await credentials.resolve(config), upstreamBaseUrl: sim.url, historyFile };
      return lease.want(params);
    },
  };
}

async function freePort(): Promise<number> {
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function urlOf(result: EndpointWantResult): string {
  assert.ok(result.ok, JSON.stringify(result));
  return result.url;
}

async function askWithToken(url: string, token: string): Promise<Anthropic.Message> {
  const client = new Anthropic({ baseURL: url, apiKey: token, maxRetries: 0 });
  return client.messages.create({ model: OPUS, max_tokens: 64, messages: [{ role: 'user', content: 'Which window answers?' }] });
}

async function tokenOf(result: EndpointWantResult): Promise<string> {
  assert.ok(result.ok);
  return readFileSync(result.tokenFile, 'utf8').trim();
}

before(async () => {
  // The broker's own environment has a key: it must never serve a token request with it.
  process.env['ANTHROPIC_API_KEY'] = TEST_KEY;
  sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const started = await startBroker({ runtimeDir: dir, idleExitMs: 60_000, log: (line) => logs.push(line) });
  if (!started) throw new Error('the test broker did not start');
  broker = started;
});

after(async () => {
  if (savedKey === undefined) delete process.env['ANTHROPIC_API_KEY'];
  else process.env['ANTHROPIC_API_KEY'] = savedKey;
  await broker?.stop('test over');
  await sim?.close();
  await cleanUp(dir);
});

describe('the broker hosts one local endpoint for every window', { timeout: 90_000 }, () => {
  test('two windows get one URL; a token request is served with the credentials a window sent, its traffic reaches both; the endpoint lives until the last window leaves', async () => {
    const first = window('window-1');
    const second = window('window-2');
    const url = urlOf(await first.want());
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(urlOf(await second.want()), url, 'the second window gets the same endpoint');
    const token = await tokenOf(await second.want());

    const answer = await askWithToken(url, token);
    assert.equal(answer.model, OPUS);
    const upstream = sim.stats().requests.at(-1);
    assert.equal(upstream?.apiKeyOk, true, "the simulator saw the window's key");
    for (const each of [first, second]) {
      assert.ok(await eventually(() => each.requests.some((r) => r.path === '/v1/messages' && r.status === 200)), 'the request reached every window');
      assert.ok(await eventually(() => each.events.some((e) => e.type === 'request' && e.ok)), 'its events reached every window');
    }
    assert.match(first.requests.find((r) => r.path === '/v1/messages')?.client ?? '', /Anthropic TypeScript SDK/);
    assert.ok(await eventually(() => existsSync(historyFile) && readFileSync(historyFile, 'utf8').includes(OPUS)), "the broker recorded the endpoint's traffic in the windows' history file");
    // Each attempt names its client too, so the windows' failure log and report can say whose it was.
    const attempts = first.events.filter((e) => e.type === 'attempt');
    assert.ok(attempts.length > 0 && attempts.every((e) => e.type === 'attempt' && /^Anthropic TypeScript SDK \d/.test(e.client ?? '')), JSON.stringify(attempts));

    // New credentials replace the old: a wrong key is refused upstream, the right one serves again.
    await second.want(0, WRONG_KEY);
    await assert.rejects(askWithToken(url, token), (error: unknown) => error instanceof Anthropic.APIError && error.status === 401);
    await second.want(0, TEST_KEY);

    await first.lease.release();
    assert.equal((await askWithToken(url, token)).model, OPUS, 'the endpoint stays up for the second window');
    assert.equal(broker.endpointUrl(), url);

    await second.lease.release();
    assert.ok(await eventually(() => broker.endpointUrl() === null), 'the last window leaving closes it');
    await assert.rejects(fetch(`${url}/v1/models`), 'nothing listens there any more');
  });

  test("with no credential from any window a token request gets a clear 401 and nothing goes upstream — never the broker's own key", async () => {
    const keyless = window('keyless');
    const result = await keyless.want(0, null);
    const url = urlOf(result);
    const token = await tokenOf(result);
    const before = sim.stats().total;
    const response = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': token, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: OPUS, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(response.status, 401);
    assert.match(await response.text(), /no stored credential[\s\S]*VS Code/);
    assert.equal(sim.stats().total, before, 'nothing was sent upstream');
    // A client's own key is still served as it is.
    const own = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: OPUS, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(own.status, 200, await own.text());
    await keyless.lease.release();
    assert.ok(await eventually(() => broker.endpointUrl() === null));
  });

  test('a wished port that is taken is said so; a free one is used as asked', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      const asking = window('port-window');
      const refused = await asking.want(taken);
      assert.equal(refused.ok, false);
      assert.match(refused.ok ? '' : refused.message, new RegExp(`port ${taken} .*taken`));
      assert.equal(broker.endpointUrl(), null);
      await asking.lease.release();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    const again = window('port-window-2');
    assert.equal(urlOf(await again.want(taken)), `http://127.0.0.1:${taken}`);
    await again.lease.release();
  });

  test('a later window wishing another port joins the running endpoint; the one window using it can move it', async () => {
    const mover = window('mover');
    const first = urlOf(await mover.want());
    const wished = await freePort();
    const moved = urlOf(await mover.want(wished));
    assert.equal(moved, `http://127.0.0.1:${wished}`, 'the only window using it moved it');
    await assert.rejects(fetch(`${first}/v1/models`), 'the old port is closed');
    const joiner = window('joiner');
    assert.equal(urlOf(await joiner.want(await freePort())), moved, 'one endpoint: the second window joins it');
    await mover.lease.release();
    await joiner.lease.release();
    assert.ok(await eventually(() => broker.endpointUrl() === null));
  });

  test('a window hears when the broker hosting its endpoint stops; no credential reached the log or an event', async () => {
    const holder = window('holder');
    urlOf(await holder.want());
    const events = JSON.stringify(heard);
    assert.ok(heard.length > 0);
    await broker.stop('the test stops it');
    assert.ok(await eventually(() => holder.lost.length > 0), 'the window was told');
    for (const secret of [TEST_KEY, WRONG_KEY]) {
      assert.ok(!logs.join('\n').includes(secret), 'the broker log carries no key');
      assert.ok(!events.includes(secret), 'no event carries a key');
    }
    assert.ok(!logs.join('\n').includes('rc-endpoint-'), 'the broker log carries no token');
  });
});
