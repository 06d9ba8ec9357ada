// Inside the real extension host: the API key's SecretStorage round trip and the settings
// validator's wiring (an invalid value reported once and replaced by the default, a valid
// change applied to the next request without a reload), against the simulator on 127.0.0.1.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startSimulator } from '../../../../src/simulator/index';
import type { RunningSimulator } from '../../../../src/simulator/index';
import type { ResilientClaudeTestHooks } from '../../../../src/extension/testHooks';
import type { Outcome } from '../../../../src/core/types';
import { test } from './runner';

const EXTENSION_ID = 'resilient-claude.resilient-claude';
const KEY = 'sk-ant-inhost-3b8e1f6a2c';

async function hooks(): Promise<ResilientClaudeTestHooks> {
  const extension = vscode.extensions.getExtension<ResilientClaudeTestHooks | undefined>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  const exported = await extension.activate();
  assert.ok(exported, 'in test mode the extension hands its parts to its own suite');
  return exported;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('resilientClaude');
}

async function pointAt(parts: ResilientClaudeTestHooks, simulator: RunningSimulator): Promise<void> {
  await config().update('baseUrl', simulator.url, vscode.ConfigurationTarget.Global);
  await until(() => parts.settings.settings.baseUrl === simulator.url, 'the base URL to apply');
}

async function ask(parts: ResilientClaudeTestHooks, question: string): Promise<Outcome> {
  const stream = await parts.client.stream(
    { messages: [{ role: 'user', content: question }], max_tokens: 64 },
    new AbortController().signal,
  );
  for await (const _delta of stream) {
    // The outcome carries the whole text.
  }
  return stream.outcome;
}

test('an API key stored in secret storage authenticates requests; cleared, it is gone', async () => {
  const parts = await hooks();
  const simulator = await startSimulator({ scenario: 'healthy', apiKey: KEY });
  try {
    await pointAt(parts, simulator);
    await parts.keys.set(`  ${KEY}\n`);
    assert.equal(await parts.keys.get(), KEY, 'the key is stored trimmed');
    assert.equal(await parts.client.canSend(), true);
    const outcome = await ask(parts, 'Is my key accepted?');
    assert.equal(outcome.ok, true, JSON.stringify(outcome.ok ? '' : outcome.error));
    const sent = simulator.stats().requests.filter((r) => r.path.startsWith('/v1/messages'));
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.apiKeyOk, true, 'the simulator received exactly the stored key');
    const inspected = JSON.stringify(['model', 'baseUrl', 'headers'].map((k) => config().inspect(k)));
    assert.ok(!inspected.includes(KEY), 'the key is in no setting');

    await parts.keys.clear();
    assert.equal(await parts.keys.get(), undefined);
    assert.equal(await parts.client.canSend(), false, 'without a key (and no rehearsal) nothing is sent');
  } finally {
    await parts.keys.clear();
    await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await simulator.close();
  }
}, { timeout: 30_000 });

test('a new key is the one the next request sends (the key read is kept only until it changes)', async () => {
  const parts = await hooks();
  const other = 'sk-ant-inhost-7c1d9e4b05';
  const simulator = await startSimulator({ scenario: 'healthy', apiKey: KEY });
  try {
    await pointAt(parts, simulator);
    await parts.keys.set(other);
    assert.equal(await parts.keys.get(), other);
    const refused = await ask(parts, 'Is the other key accepted?');
    assert.equal(refused.ok, false, 'the simulator knows only KEY');
    assert.equal(refused.ok ? null : refused.error.class, 'auth');

    await parts.keys.set(KEY);
    assert.equal(await parts.keys.get(), KEY, 'the kept read gave way to the new key');
    const accepted = await ask(parts, 'And now?');
    assert.equal(accepted.ok, true, JSON.stringify(accepted.ok ? '' : accepted.error));
    const sent = simulator.stats().requests.filter((r) => r.path.startsWith('/v1/messages'));
    assert.deepEqual(sent.map((r) => r.apiKeyOk), [false, true], 'the first request sent the other key, the second the new one');

    await parts.keys.clear();
    assert.equal(await parts.keys.get(), undefined);
    assert.equal(await parts.client.canSend(), false);
  } finally {
    await parts.keys.clear();
    await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await simulator.close();
  }
}, { timeout: 30_000 });

test('an invalid setting is reported once with the default used; a valid change applies without reload', async () => {
  const parts = await hooks();
  const simulator = await startSimulator({ scenario: { name: 'all-overloaded', defaults: { p529: 1 } }, apiKey: KEY });
  try {
    await pointAt(parts, simulator);
    await parts.keys.set(KEY);
    parts.client.resetBreakers();

    await config().update('retry.maxAttempts', 0, vscode.ConfigurationTarget.Global);
    await until(
      () => parts.settings.reportedProblems.some((p) => p.setting === 'resilientClaude.retry.maxAttempts'),
      'the invalid value to be reported',
    );
    assert.equal(parts.settings.settings.maxAttempts, 6, 'the default is used instead');
    const reports = parts.settings.reportedProblems.filter((p) => p.setting === 'resilientClaude.retry.maxAttempts');
    assert.equal(reports.length, 1);
    assert.match(reports[0]?.message ?? '', /from 1 to 20/);

    await config().update('retry.maxAttempts', 2, vscode.ConfigurationTarget.Global);
    await until(() => parts.settings.settings.maxAttempts === 2, 'the valid value to apply');
    // Re-reading the same bad value later does not report it a second time.
    await config().update('retry.maxAttempts', 0, vscode.ConfigurationTarget.Global);
    await until(() => parts.settings.settings.maxAttempts === 6, 'the default again');
    assert.equal(parts.settings.reportedProblems.filter((p) => p.setting === 'resilientClaude.retry.maxAttempts').length, 1);
    await config().update('retry.maxAttempts', 2, vscode.ConfigurationTarget.Global);
    await until(() => parts.settings.settings.maxAttempts === 2, 'the valid value to apply again');

    const outcome = await ask(parts, 'Is anyone there?');
    assert.equal(outcome.ok, false);
    assert.equal(outcome.ok ? null : outcome.error.class, 'overloaded');
    const sent = simulator.stats().requests.filter((r) => r.path.startsWith('/v1/messages'));
    assert.equal(sent.length, 2, 'the request stopped after the 2 attempts now configured');
  } finally {
    await config().update('retry.maxAttempts', undefined, vscode.ConfigurationTarget.Global);
    await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await parts.keys.clear();
    parts.client.resetBreakers();
    await simulator.close();
  }
}, { timeout: 45_000 });
