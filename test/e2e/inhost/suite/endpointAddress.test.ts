// Inside the real extension host, with the user's broker hosting the local endpoint: the broker is
// killed, the window asks again and a new broker serves at the same URL, so the terminals'
// ANTHROPIC_BASE_URL stays right; killed again while another program takes that port, the new
// endpoint listens elsewhere and the window gives its terminals the new URL.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startSimulator } from '../../../../src/simulator/index';
import type { ResilientClaudeTestHooks } from '../../../../src/extension/testHooks';
import { test } from './runner';
import { brokerPid, kill, served, until } from './endpointProbe';

const EXTENSION_ID = 'resilient-claude.resilient-claude';
const KEY = 'sk-ant-inhost-address-4f2a7b';
const RUNTIME_ENV = 'RESILIENT_CLAUDE_RUNTIME_DIR';

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
  const extension = vscode.extensions.getExtension<ResilientClaudeTestHooks | undefined>(EXTENSION_ID);
  const parts = await extension?.activate();
  assert.ok(parts, 'in test mode the extension hands its parts to its own suite');
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('resilientClaude');
  const simulator = await startSimulator({ scenario: 'healthy', apiKey: KEY });
  const runtimeDir = mkdtempSync(join(tmpdir(), 'rc-inhost-address-'));
  chmodSync(runtimeDir, 0o700);
  const savedRuntimeDir = process.env[RUNTIME_ENV];
  process.env[RUNTIME_ENV] = runtimeDir;
  let blocker: Server | null = null;
  try {
    await config().update('baseUrl', simulator.url, vscode.ConfigurationTarget.Global);
    await until(() => parts.settings.settings.baseUrl === simulator.url, 'the base URL to apply');
    await config().update('endpoint.terminals', true, vscode.ConfigurationTarget.Global);
    await until(() => (parts.endpoint.status()?.url ?? null) !== null, 'the endpoint to listen');
    assert.equal(await parts.endpoint.hostedIn(), 'broker');
    const first = parts.endpoint.status()?.url ?? '';
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
    await config().update('endpoint.terminals', undefined, vscode.ConfigurationTarget.Global);
    await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    const last = brokerPid(runtimeDir);
    if (last !== null) kill(last);
    if (savedRuntimeDir === undefined) delete process.env[RUNTIME_ENV];
    else process.env[RUNTIME_ENV] = savedRuntimeDir;
    const open = blocker;
    if (open !== null) await new Promise<void>((resolve) => open.close(() => resolve()));
    await simulator.close();
    rmSync(runtimeDir, { recursive: true, force: true });
  }
}, { timeout: 120_000 });
