// Inside the real extension host: with the shared broker turned off (resilientClaude.sharedManager),
// the terminals setting makes this window run the local endpoint itself, as it did before the
// broker hosted it, and says so in its log; a client with its own key is served through it by the
// simulator; turned off, the endpoint is gone. Its port is this window's (remembered in the
// window's storage, not the user's shared port file another window would overwrite): turned on
// again it listens where the terminals point.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { PORT_FILE } from '../../../../src/broker/endpoint/endpointPort';
import { startSimulator } from '../../../../src/simulator/index';
import type { ResilientClaudeTestHooks } from '../../../../src/extension/testHooks';
import { test } from './runner';

const EXTENSION_ID = 'resilient-claude.resilient-claude';
const KEY = 'sk-ant-inhost-endpoint-6c1d9e';
const RUNTIME_ENV = 'RESILIENT_CLAUDE_RUNTIME_DIR';

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('with the shared broker off, the window runs the local endpoint itself and serves a client through it', async () => {
  const extension = vscode.extensions.getExtension<ResilientClaudeTestHooks | undefined>(EXTENSION_ID);
  const parts = await extension?.activate();
  assert.ok(parts, 'in test mode the extension hands its parts to its own suite');
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('resilientClaude');
  const simulator = await startSimulator({ scenario: 'healthy', apiKey: KEY });
  // The endpoint's token goes to a private folder of this test, not the user's.
  const runtimeDir = mkdtempSync(join(tmpdir(), 'rc-inhost-endpoint-'));
  chmodSync(runtimeDir, 0o700);
  const savedRuntimeDir = process.env[RUNTIME_ENV];
  process.env[RUNTIME_ENV] = runtimeDir;
  try {
    await config().update('baseUrl', simulator.url, vscode.ConfigurationTarget.Global);
    await until(() => parts.settings.settings.baseUrl === simulator.url, 'the base URL to apply');
    await config().update('sharedManager', false, vscode.ConfigurationTarget.Global);
    await config().update('endpoint.terminals', true, vscode.ConfigurationTarget.Global);
    await until(() => (parts.endpoint.status()?.url ?? null) !== null, 'the endpoint to listen');
    assert.equal(await parts.endpoint.hostedIn(), 'window', 'no broker: this window runs it');
    const url = parts.endpoint.status()?.url ?? '';
    const answer = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': KEY, 'user-agent': 'curl/8.5.0' },
      body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 32, messages: [{ role: 'user', content: 'Who runs this endpoint?' }] }),
    });
    assert.equal(answer.status, 200, await answer.text());
    assert.ok(simulator.stats().requests.some((r) => r.apiKeyOk), 'served by the simulator with the client\'s own key');

    assert.ok(!existsSync(join(runtimeDir, PORT_FILE)), "the shared endpoint's port file is not this window's to write");

    await config().update('endpoint.terminals', undefined, vscode.ConfigurationTarget.Global);
    await until(() => parts.endpoint.status() === null, 'the endpoint to stop');
    await assert.rejects(fetch(`${url}/v1/models`), 'nothing listens there any more');

    await config().update('endpoint.terminals', true, vscode.ConfigurationTarget.Global);
    await until(() => (parts.endpoint.status()?.url ?? null) !== null, 'the endpoint to listen again');
    assert.equal(parts.endpoint.status()?.url, url, "on the window's own port again");
    assert.ok(!existsSync(join(runtimeDir, PORT_FILE)));
    await config().update('endpoint.terminals', undefined, vscode.ConfigurationTarget.Global);
    await until(() => parts.endpoint.status() === null, 'the endpoint to stop again');
  } finally {
    await config().update('endpoint.terminals', undefined, vscode.ConfigurationTarget.Global);
    await config().update('sharedManager', undefined, vscode.ConfigurationTarget.Global);
    if (savedRuntimeDir === undefined) delete process.env[RUNTIME_ENV];
    else process.env[RUNTIME_ENV] = savedRuntimeDir;
    await simulator.close();
    rmSync(runtimeDir, { recursive: true, force: true });
  }
});
