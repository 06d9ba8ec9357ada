// Inside the real extension host, with the shared broker on but not answering (its socket taken by
// a program that hangs up on every connection): the terminals setting makes this window run the
// local endpoint itself. Once that program is gone, the window hands the endpoint back: a broker
// starts and listens on the very port the terminals hold, the window's own endpoint is closed (the
// broker process holds the only listener on that port), and a client there is served. When the
// broker that answers already runs the endpoint elsewhere (`serve` as the broker, here started the
// way serve starts it), the window closes its own and gives the terminals that URL.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { startBroker } from '../../../../src/broker/brokerServer';
import { brokerSocketPath } from '../../../../src/broker/runtimeDir';
import { defaultManagerConfig } from '../../../../src/core/defaults';
import type { RunningSimulator } from '../../../../src/simulator/index';
import type { ResilientClaudeTestHooks } from '../../../../src/extension/testHooks';
import { startServesEndpoint } from '../../../support/servesEndpoint';
import { test } from './runner';
import { brokerPid, holds, listeners, served, until } from './endpointProbe';
import { openEndpointRig } from './endpointRig';

const KEY = 'sk-ant-inhost-handback-8e3b1c';

interface StandIn {
  readonly parts: ResilientClaudeTestHooks;
  readonly simulator: RunningSimulator;
  readonly runtimeDir: string;
  /** Where the window runs the endpoint in the broker's stead. */
  readonly url: string;
  /** The program holding the broker's socket goes away. */
  unblock(): Promise<void>;
  /** Sets a resilientClaude.* user setting (removed again afterwards). */
  set(setting: string, value: unknown): Promise<void>;
}

/** The window running the endpoint while no broker answers; everything undone after `run`. */
async function withStandIn(run: (standIn: StandIn) => Promise<void>): Promise<void> {
  const rig = await openEndpointRig('handback', KEY);
  const { parts, simulator, runtimeDir } = rig;
  // Something holds the broker's socket and hangs up on every connection: no broker can be used.
  let hangUp: Server | null = createServer((socket) => socket.destroy());
  const blocking = hangUp;
  await new Promise<void>((resolve) => blocking.listen(brokerSocketPath(runtimeDir), resolve));
  const unblock = async (): Promise<void> => {
    hangUp = null;
    await new Promise<void>((resolve) => blocking.close(() => resolve()));
    rmSync(brokerSocketPath(runtimeDir), { force: true });
  };
  rig.onClose(async () => {
    if (hangUp !== null) await unblock();
  });
  try {
    const url = await rig.startEndpoint();
    assert.equal(await parts.endpoint.hostedIn(), 'window', 'no broker answers: this window runs it');
    assert.equal(parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL'), url);
    assert.ok(await served(url, KEY), 'served by the window meanwhile');
    const [windowListener] = listeners(Number(new URL(url).port));
    assert.ok(windowListener !== undefined && holds(process.pid, windowListener), 'the extension host listens there');
    await run({ parts, simulator, runtimeDir, url, unblock, set: rig.set });
  } finally {
    await rig.close();
  }
}

test('a window running the endpoint while the broker did not answer hands it back on the same port once a broker does', () =>
  withStandIn(async ({ parts, runtimeDir, url, unblock }) => {
    await unblock();
    await until(async () => (await parts.endpoint.hostedIn()) === 'broker', 'the endpoint handed back to a broker', 60_000);
    assert.equal(parts.endpoint.status()?.url, url, 'the same URL: the broker listens on the port the terminals hold');
    assert.equal(parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL'), url, "the terminals' variable is still right");
    assert.ok(await served(url, KEY), 'a client there is served');
    const pid = brokerPid(runtimeDir);
    assert.ok(pid !== null, 'a broker runs');
    const after = listeners(Number(new URL(url).port));
    assert.equal(after.length, 1, 'one endpoint listens on that port');
    assert.ok(holds(pid, after[0] ?? ''), 'the broker process holds it');
    assert.ok(!holds(process.pid, after[0] ?? ''), "the window's own endpoint is closed");
  }), { timeout: 150_000 });

test("handing back to a broker whose endpoint runs elsewhere, the window's terminals get that URL", () =>
  withStandIn(async ({ parts, simulator, runtimeDir, url, unblock }) => {
    await unblock();
    // As serve starts: the broker (windows asking wait for its endpoint), its endpoint, adopt.
    const broker = await startBroker({ runtimeDir, idleExitMs: 60_000, log: () => undefined, ownEndpoint: true });
    assert.ok(broker, 'no other broker claimed the socket first');
    const config = { ...defaultManagerConfig(), models: ['claude-opus-5-5'] };
    const elsewhere = await startServesEndpoint(broker, { runtimeDir, config, upstream: simulator.url });
    try {
      assert.notEqual(elsewhere.url, url);
      await broker.endpoint.adopt(elsewhere);
      await until(async () => (await parts.endpoint.hostedIn()) === 'broker', 'the endpoint handed back to the broker', 60_000);
      assert.equal(parts.endpoint.status()?.url, elsewhere.url, "the broker's endpoint");
      await until(() => parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL') === elsewhere.url, "the terminals' variable to follow");
      assert.ok(await served(elsewhere.url, KEY), 'a client there is served');
      assert.deepEqual(listeners(Number(new URL(url).port)), [], "the window's own endpoint is closed");
    } finally {
      await broker.stop('test over');
      await elsewhere.close();
    }
  }), { timeout: 150_000 });

test("turning sharing off while standing in for the broker: the endpoint stays the window's own, at the same URL when it starts again", () =>
  withStandIn(async ({ parts, url, set }) => {
    await set('sharedManager', false);
    await set('endpoint.terminals', false);
    await until(async () => (await parts.endpoint.hostedIn()) === null, 'the endpoint to stop');
    // As after a reload: a window with sharing off starts its own endpoint where it last listened.
    await set('endpoint.terminals', true);
    await until(() => (parts.endpoint.status()?.url ?? null) !== null, 'the endpoint to listen again');
    assert.equal(await parts.endpoint.hostedIn(), 'window');
    assert.equal(parts.endpoint.status()?.url, url, 'where the terminals point');
    assert.equal(parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL'), url);
    assert.ok(await served(url, KEY), 'served by the window');
  }), { timeout: 150_000 });
