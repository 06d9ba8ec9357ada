// The endpoint's remembered port: read only when it is a port in a private file, tried first when
// any port is asked for (after the port a window's terminals hold, when it hands the endpoint
// back), passed over (and said so) when another program holds it, and replaced by the port then
// used. Windows that run endpoints of their own remember in memories of their own, never the
// shared file. Real listeners on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PORT_FILE, listenRemembering, portFile, rememberEndpointPort, rememberedEndpointPort } from '../../../src/broker/endpoint/endpointPort';
import { ensurePrivateRuntimeDir } from '../../../src/broker/runtimeDir';
import type { RuntimeDir } from '../../../src/broker/runtimeDir';
import type { PortMemory } from '../../../src/broker/endpoint/endpointPort';

function withDir(run: (dir: RuntimeDir) => Promise<void>): Promise<void> {
  const base = mkdtempSync(path.join(tmpdir(), 'rc-port-'));
  const where = path.join(base, 'run');
  return run(ensurePrivateRuntimeDir(where, { RESILIENT_CLAUDE_RUNTIME_DIR: where })).finally(() => rmSync(base, { recursive: true, force: true }));
}

interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

async function listen(port: number): Promise<Listening> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('only a port in the private file is remembered', () =>
  withDir(async (dir) => {
    assert.equal(rememberedEndpointPort(dir), null);
    for (const bad of ['', 'abc', '0', '70000', '-5', '12 34']) {
      writeFileSync(path.join(dir.path, PORT_FILE), bad, { mode: 0o600 });
      assert.equal(rememberedEndpointPort(dir), null, JSON.stringify(bad));
    }
    rememberEndpointPort(dir, 41_234);
    assert.equal(rememberedEndpointPort(dir), 41_234);
  }));

test('asked for any port it listens where it last did; a port asked for is used and remembered', () =>
  withDir(async (dir) => {
    const taken: number[] = [];
    const first = await listenRemembering(portFile(dir), 0, listen, (port) => taken.push(port));
    assert.equal(rememberedEndpointPort(dir), first.port);
    await first.close();
    const again = await listenRemembering(portFile(dir), 0, listen, (port) => taken.push(port));
    assert.equal(again.port, first.port);
    await again.close();
    const probe = await listen(0);
    await probe.close();
    const asked = await listenRemembering(portFile(dir), probe.port, listen, (port) => taken.push(port));
    assert.equal(asked.port, probe.port);
    assert.equal(rememberedEndpointPort(dir), probe.port);
    await asked.close();
    assert.deepEqual(taken, []);
  }));

test('the remembered port held by another program: a free one, said so and remembered', () =>
  withDir(async (dir) => {
    const other = await listen(0);
    rememberEndpointPort(dir, other.port);
    const taken: number[] = [];
    try {
      const moved = await listenRemembering(portFile(dir), 0, listen, (port) => taken.push(port));
      assert.notEqual(moved.port, other.port);
      assert.deepEqual(taken, [other.port]);
      assert.equal(rememberedEndpointPort(dir), moved.port);
      await moved.close();
    } finally {
      await other.close();
    }
  }));

test('a port asked for that is taken is an error, as before (no silent move)', () =>
  withDir(async (dir) => {
    const other = await listen(0);
    try {
      await assert.rejects(listenRemembering(portFile(dir), other.port, listen, () => undefined), (error: NodeJS.ErrnoException) => error.code === 'EADDRINUSE');
    } finally {
      await other.close();
    }
  }));

/** A window's own memory (its workspace storage in the editor). */
function ownMemory(): PortMemory & { readonly writes: number[] } {
  const writes: number[] = [];
  return { writes, recall: () => writes.at(-1) ?? null, remember: (port) => void writes.push(port) };
}

test('two windows running endpoints of their own each come back where they were; the shared file is not touched', () =>
  withDir(async (dir) => {
    const shared = await listen(0);
    await shared.close();
    rememberEndpointPort(dir, shared.port);
    const [a, b] = [ownMemory(), ownMemory()];
    const taken: number[] = [];
    let endpointA = await listenRemembering(a, 0, listen, (port) => taken.push(port));
    let endpointB = await listenRemembering(b, 0, listen, (port) => taken.push(port));
    assert.notEqual(endpointA.port, endpointB.port);
    assert.deepEqual([a.writes, b.writes], [[endpointA.port], [endpointB.port]]);
    const [portA, portB] = [endpointA.port, endpointB.port];
    // Both reload, in the other order: each listens where its terminals point.
    await Promise.all([endpointA.close(), endpointB.close()]);
    endpointB = await listenRemembering(b, 0, listen, (port) => taken.push(port));
    endpointA = await listenRemembering(a, 0, listen, (port) => taken.push(port));
    assert.deepEqual([endpointA.port, endpointB.port], [portA, portB]);
    assert.deepEqual(taken, [], 'neither found its port taken by the other');
    assert.equal(rememberedEndpointPort(dir), shared.port, "the shared endpoint's address is left alone");
    await Promise.all([endpointA.close(), endpointB.close()]);
  }));

test('handed back, the port the window held is tried before the remembered one; taken, the remembered one', () =>
  withDir(async (dir) => {
    const [held, remembered] = [await listen(0), await listen(0)];
    await Promise.all([held.close(), remembered.close()]);
    rememberEndpointPort(dir, remembered.port);
    const taken: number[] = [];
    const back = await listenRemembering(portFile(dir), 0, listen, (port) => taken.push(port), held.port);
    assert.equal(back.port, held.port);
    assert.equal(rememberedEndpointPort(dir), held.port, 'from now on the address of the shared endpoint');
    const blocker = back;
    rememberEndpointPort(dir, remembered.port);
    const beside = await listenRemembering(portFile(dir), 0, listen, (port) => taken.push(port), held.port);
    assert.equal(beside.port, remembered.port);
    assert.deepEqual(taken, [held.port]);
    await Promise.all([blocker.close(), beside.close()]);
  }));
