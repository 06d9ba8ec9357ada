// Inside the real extension host, with the user's broker hosting the local endpoint: the broker is
// killed, the window asks again and a new broker serves at the same URL, so the terminals'
// ANTHROPIC_BASE_URL stays right; killed again while another program takes that port, the new
// endpoint listens elsewhere and the window gives its terminals the new URL.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { test } from './runner';
import { brokerPid, kill, served, until } from './endpointProbe';
import { openEndpointRig } from './endpointRig';

const KEY = 'sk-ant-inhost-address-4f2a7b';

async function occupy(port: number): Promise<Server> {
  for (let tries = 0; tries < 100; tries++) {
    const server = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return server;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`port ${port} never came free`);
}

test("a killed broker's successor keeps the endpoint's URL; the port taken meanwhile → the terminals get the new one", async () => {
  const rig = await openEndpointRig('address', KEY);
  const { parts, runtimeDir } = rig;
  let blocker: Server | null = null;
  rig.onClose(async () => {
    const open = blocker;
    if (open !== null) await new Promise<void>((resolve) => open.close(() => resolve()));
  });
  try {
    const first = await rig.startEndpoint();
    assert.equal(await parts.endpoint.hostedIn(), 'broker');
    assert.equal(parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL'), first);
    assert.ok(await served(first, KEY));

    const killed = brokerPid(runtimeDir);
    assert.ok(killed !== null, 'the broker wrote its pid');
    kill(killed);
    await until(async () => brokerPid(runtimeDir) !== killed && (await parts.endpoint.hostedIn()) === 'broker' && (await served(first, KEY)), 'a new broker serving at the same URL');
    assert.equal(parts.endpoint.status()?.url, first);
    assert.equal(parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL'), first, "the terminals' URL is still right");

    const second = brokerPid(runtimeDir);
    assert.ok(second !== null && second !== killed);
    kill(second);
    blocker = await occupy(Number(new URL(first).port));
    await until(() => brokerPid(runtimeDir) !== second && ![null, first].includes(parts.endpoint.status()?.url ?? null), 'the endpoint on a new port');
    const moved = parts.endpoint.status()?.url ?? '';
    assert.equal(await parts.endpoint.hostedIn(), 'broker');
    assert.ok(await served(moved, KEY));
    assert.equal(parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL'), moved, 'new terminals get the new URL');
  } finally {
    await rig.close();
  }
}, { timeout: 120_000 });
