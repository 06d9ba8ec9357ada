// One client cannot slow or swell the broker for the others: a broker process (dist/broker.js)
// under a raw-socket client that sends an endless header, or declares a 2 GB message, cuts that
// client off after a few kilobytes, spends little CPU on it, keeps its memory, and meanwhile
// other clients connect, prove the broker and are served; a connection that never says hello is
// closed, so it cannot keep the broker from its idle exit. Bounds are generous for a loaded
// machine (CPU time, not wall time, for the cost of the attack).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { startBroker } from '../../../src/broker/brokerServer';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { spawnBroker } from '../../../src/broker/client/spawnBroker';
import { brokerSocketPath, ensurePrivateRuntimeDir } from '../../../src/broker/runtimeDir';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { TEST_KEY, scenario } from '../core/harness';
import { REPO, ask, brokerEnv, cleanUp, eventually, json, pidFile, requireBuild, runtimeDir } from './brokerKit';

const MB = 1024 * 1024;
let dir: string;
let pid: number;
let sim: RunningSimulator;

/** The broker's CPU time so far (user + system), in ms. */
function cpuMs(): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** The broker's resident memory, in bytes. */
function rss(): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
}

interface Flood {
  /** Bytes the broker's side accepted before it closed the connection. */
  readonly accepted: number;
  readonly closedAfterMs: number;
}

/** Connects a raw client, sends `head`, then `fill` bytes of `byte` in 64 KB writes; resolves when the broker closes it (or all was sent). */
function flood(head: string, fill: number, byte: number): Promise<Flood & { readonly cut: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(brokerSocketPath(ensurePrivateRuntimeDir(dir)));
    const started = Date.now();
    const chunk = Buffer.alloc(64 * 1024, byte);
    let accepted = 0;
    let done = false;
    const finish = (cut: boolean): void => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ accepted, closedAfterMs: Date.now() - started, cut });
    };
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', async () => {
      socket.write(head);
      while (!done && accepted < fill) {
        const more = socket.write(chunk);
        accepted += chunk.length;
        if (!more) await new Promise<void>((r) => (socket.once('drain', r), socket.once('close', r)));
      }
      if (!done) setTimeout(() => finish(false), 10_000);
    });
  });
}

/** A well-behaved client's handshake (with the broker's proof), in ms. */
async function handshakeMs(): Promise<number> {
  const started = Date.now();
  const channel = await openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start: () => undefined, timeoutMs: 5_000 }), 'cli', 'framing-test');
  const ms = Date.now() - started;
  assert.equal(channel.info.pid, pid);
  await channel.leave();
  return ms;
}

before(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  dir = runtimeDir();
  spawnBroker({ script: path.join(REPO, 'dist', 'broker.js'), runtimeDir: dir, env: brokerEnv(dir) });
  assert.ok(await eventually(() => (pidFile(dir) ?? 0) > 0, 20_000), 'the broker started');
  pid = pidFile(dir)!;
  await handshakeMs(); // Warm: the broker has loaded what a handshake needs.
});

after(async () => {
  await cleanUp(dir);
  await sim.close();
});

describe('framing limits on the broker socket', { timeout: 120_000 }, () => {
  test('a 16 MB endless header is cut off after a few KB; other clients connect meanwhile', async (t) => {
    const cpuBefore = cpuMs();
    const attack = flood('Content-Length: 10\r\nX-Endless: ', 16 * MB, 0x61);
    const handshakes: number[] = [];
    for (let i = 0; i < 3; i++) handshakes.push(await handshakeMs());
    const result = await attack;
    const cpu = cpuMs() - cpuBefore;
    t.diagnostic(`cut after ${result.closedAfterMs} ms, ${(result.accepted / MB).toFixed(2)} MB accepted; broker CPU ${cpu} ms; handshakes ${handshakes.join(', ')} ms`);
    assert.ok(result.cut, 'the broker closed the connection');
    assert.ok(result.accepted < 8 * MB, `the broker cut it off early (${result.accepted} bytes accepted)`);
    assert.ok(cpu < 1_500, `the attack cost the broker ${cpu} ms of CPU`);
  });

  test('a 2 GB Content-Length is refused and closed without buffering what follows', async (t) => {
    const rssBefore = rss();
    const result = await flood('Content-Length: 2147483648\r\n\r\n', 96 * MB, 0x20);
    const grown = rss() - rssBefore;
    t.diagnostic(`closed after ${result.closedAfterMs} ms, ${(result.accepted / MB).toFixed(2)} MB accepted; broker RSS grew ${(grown / MB).toFixed(1)} MB`);
    assert.ok(result.cut, 'the broker closed the connection');
    assert.ok(result.accepted < 32 * MB, `closed early (${result.accepted} bytes accepted)`);
    assert.ok(grown < 48 * MB, `the broker's memory grew ${grown} bytes`);
  });

  test('after both, the same broker serves a request', async () => {
    const result = json(await ask(['--broker', '--json', '--base-url', sim.url, 'still there'], brokerEnv(dir)));
    assert.equal(result.ok, true);
    assert.equal(result.broker?.mode, 'shared');
    assert.equal(result.broker?.pid, pid);
  });

  test('a connection that never completes its handshake is closed, and the broker still exits when idle', async () => {
    const quiet = runtimeDir();
    const broker = await startBroker({ runtimeDir: quiet, idleExitMs: 1_000, helloTimeoutMs: 500, log: () => undefined });
    assert.ok(broker);
    const socket = net.connect(brokerSocketPath(ensurePrivateRuntimeDir(quiet)));
    socket.on('error', () => undefined);
    socket.on('connect', () => socket.write('Content-Length: 40\r\n'));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const within = (ms: number): Promise<'late'> => new Promise((resolve) => setTimeout(() => resolve('late'), ms).unref());
    assert.notEqual(await Promise.race([closed, within(20_000)]), 'late', 'the silent connection was closed');
    assert.notEqual(await Promise.race([broker.stopped, within(20_000)]), 'late', 'the broker exited when idle');
    await cleanUp(quiet);
  });
});
