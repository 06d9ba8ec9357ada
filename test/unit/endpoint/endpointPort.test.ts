// The endpoint's remembered port: read only when it is a port in a private file, tried first when
// any port is asked for, passed over (and said so) when another program holds it, and replaced by
// the port then used. Real listeners on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PORT_FILE, listenRemembering, rememberEndpointPort, rememberedEndpointPort } from '../../../src/broker/endpoint/endpointPort';
import { ensurePrivateRuntimeDir } from '../../../src/broker/runtimeDir';
import type { RuntimeDir } from '../../../src/broker/runtimeDir';

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
    const first = await listenRemembering(dir, 0, listen, (port) => taken.push(port));
    assert.equal(rememberedEndpointPort(dir), first.port);
    await first.close();
    const again = await listenRemembering(dir, 0, listen, (port) => taken.push(port));
    assert.equal(again.port, first.port);
    await again.close();
    const probe = await listen(0);
    await probe.close();
    const asked = await listenRemembering(dir, probe.port, listen, (port) => taken.push(port));
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
      const moved = await listenRemembering(dir, 0, listen, (port) => taken.push(port));
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
      await assert.rejects(listenRemembering(dir, other.port, listen, () => undefined), (error: NodeJS.ErrnoException) => error.code === 'EADDRINUSE');
    } finally {
      await other.close();
    }
  }));
