// Inside the real extension host, with the shared broker on but not answering (its socket taken by
// a program that hangs up on every connection): the terminals setting makes this window run the
// local endpoint itself. Once that program is gone, the window hands the endpoint back: a broker
// starts and listens on the very port the terminals hold, the window's own endpoint is closed (the
// broker process holds the only listener on that port), and a client there is served.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { brokerSocketPath } from '../../../../src/broker/runtimeDir';
import { startSimulator } from '../../../../src/simulator/index';
import type { ResilientClaudeTestHooks } from '../../../../src/extension/testHooks';
import { test } from './runner';
import { brokerPid, kill, served, until } from './endpointProbe';

const EXTENSION_ID = 'resilient-claude.resilient-claude';
const KEY = 'sk-ant-inhost-handback-8e3b1c';
const RUNTIME_ENV = 'RESILIENT_CLAUDE_RUNTIME_DIR';

/** The socket inodes listening on 127.0.0.1:`port` (from /proc/net/tcp). */
function listeners(port: number): string[] {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1] === local && fields[3] === '0A')
    .map((fields) => fields[9] ?? '');
}

/** Whether process `pid` holds the socket `inode`. */
function holds(pid: number, inode: string): boolean {
  const fds = `/proc/${pid}/fd`;
  return readdirSync(fds).some((fd) => {
    try {
      return readlinkSync(join(fds, fd)) === `socket:[${inode}]`;
    } catch {
      return false;
    }
  });
}

test('a window running the endpoint while the broker did not answer hands it back on the same port once a broker does', async () => {
  const extension = vscode.extensions.getExtension<ResilientClaudeTestHooks | undefined>(EXTENSION_ID);
  const parts = await extension?.activate();
  assert.ok(parts, 'in test mode the extension hands its parts to its own suite');
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('resilientClaude');
  const simulator = await startSimulator({ scenario: 'healthy', apiKey: KEY });
  const runtimeDir = mkdtempSync(join(tmpdir(), 'rc-inhost-handback-'));
  chmodSync(runtimeDir, 0o700);
  const savedRuntimeDir = process.env[RUNTIME_ENV];
  process.env[RUNTIME_ENV] = runtimeDir;
  // Something holds the broker's socket and hangs up on every connection: no broker can be used.
  let hangUp: Server | null = createServer((socket) => socket.destroy());
  const blocking = hangUp;
  await new Promise<void>((resolve) => blocking.listen(brokerSocketPath(runtimeDir), resolve));
  try {
    await config().update('baseUrl', simulator.url, vscode.ConfigurationTarget.Global);
    await until(() => parts.settings.settings.baseUrl === simulator.url, 'the base URL to apply');
    await config().update('endpoint.terminals', true, vscode.ConfigurationTarget.Global);
    await until(() => (parts.endpoint.status()?.url ?? null) !== null, 'the endpoint to listen');
    assert.equal(await parts.endpoint.hostedIn(), 'window', 'no broker answers: this window runs it');
    const url = parts.endpoint.status()?.url ?? '';
    const port = Number(new URL(url).port);
    assert.equal(parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL'), url);
    assert.ok(await served(url, KEY), 'served by the window meanwhile');
    const [windowListener] = listeners(port);
    assert.ok(windowListener !== undefined && holds(process.pid, windowListener), 'the extension host listens there');

    await new Promise<void>((resolve) => blocking.close(() => resolve()));
    rmSync(brokerSocketPath(runtimeDir), { force: true });
    hangUp = null;
    await until(async () => (await parts.endpoint.hostedIn()) === 'broker', 'the endpoint handed back to a broker', 60_000);
    assert.equal(parts.endpoint.status()?.url, url, 'the same URL: the broker listens on the port the terminals hold');
    assert.equal(parts.endpoint.terminalVariable('ANTHROPIC_BASE_URL'), url, "the terminals' variable is still right");
    assert.ok(await served(url, KEY), 'a client there is served');
    const pid = brokerPid(runtimeDir);
    assert.ok(pid !== null, 'a broker runs');
    const after = listeners(port);
    assert.equal(after.length, 1, 'one endpoint listens on that port');
    assert.ok(holds(pid, after[0] ?? ''), 'the broker process holds it');
    assert.ok(!holds(process.pid, after[0] ?? ''), "the window's own endpoint is closed");
  } finally {
    await config().update('endpoint.terminals', undefined, vscode.ConfigurationTarget.Global);
    await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    const open = hangUp;
    if (open !== null) await new Promise<void>((resolve) => open.close(() => resolve()));
    const last = brokerPid(runtimeDir);
    if (last !== null) kill(last);
    if (savedRuntimeDir === undefined) delete process.env[RUNTIME_ENV];
    else process.env[RUNTIME_ENV] = savedRuntimeDir;
    await simulator.close();
    rmSync(runtimeDir, { recursive: true, force: true });
  }
}, { timeout: 150_000 });
