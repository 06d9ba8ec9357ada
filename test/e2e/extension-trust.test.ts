// An untrusted workspace cannot redirect Claude traffic: its .vscode/settings.json points the
// base URL at a decoy server, yet requests go where the user's own (machine) settings say.
// Workspace trust is on here, so this test starts code-server itself, without the
// --disable-workspace-trust flag the shared harness passes. It also covers the one-time offer
// to import ANTHROPIC_API_KEY from the environment into secret storage.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  clickNotificationAction,
  codeServerEnv,
  fillInputBox,
  freePort,
  installVsix,
  launchChromium,
  newWorkbenchPage,
  notification,
  openWorkbench,
  packagedVsix,
  provisionedPaths,
  runCommand,
  sleep,
  spawnGroup,
  statusBarItem,
  waitForNotification,
  writeUserSettings,
} from './harness';
import type { GroupProcess } from './harness';
import { startSimulator } from '../../src/simulator/index';
import type { RunningSimulator } from '../../src/simulator/index';

const ENV_KEY = 'sk-ant-e2e-env-5d2a9c7f3e';
const SUITE_TIMEOUT_MS = 5 * 60_000;

async function startTrustingCodeServer(userDataDir: string, extensionsDir: string, sandbox: string): Promise<{ url: string; server: GroupProcess }> {
  const paths = await provisionedPaths();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawnGroup(
    paths.codeServer,
    [
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--reconnection-grace-time', '5',
    ],
    { env: await codeServerEnv(join(sandbox, 'server-home'), { ANTHROPIC_API_KEY: ENV_KEY }), cwd: sandbox },
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return { url, server };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  const output = server.output();
  await server.stop();
  throw new Error(`code-server did not become healthy:\n${output.slice(-3000)}`);
}

describe('Resilient Claude in an untrusted workspace', { timeout: SUITE_TIMEOUT_MS }, () => {
  let userSimulator: RunningSimulator;
  let decoy: RunningSimulator;
  let server: GroupProcess | undefined;
  let serverUrl: string;
  let browser: Browser;
  let page: Page;
  let sandbox: string;

  before(async () => {
    sandbox = mkdtempSync(join(tmpdir(), 'rc-e2e-trust-'));
    const userDataDir = join(sandbox, 'user-data');
    const extensionsDir = join(sandbox, 'extensions');
    const workspace = join(sandbox, 'workspace');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, 'notes.md'), '# Notes\n');
    userSimulator = await startSimulator({ scenario: 'healthy', apiKey: ENV_KEY });
    decoy = await startSimulator({ scenario: 'healthy' });
    // The workspace tries to send traffic (and the key) to the decoy, and picks a model.
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'resilientClaude.baseUrl': decoy.url, 'resilientClaude.headers': { 'X-Decoy': 'yes' }, 'resilientClaude.model': 'claude-haiku-5-5' }),
    );
    mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
    writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify({ 'resilientClaude.baseUrl': userSimulator.url }));
    writeUserSettings(userDataDir, {
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.emptyWindow': false,
      // A mistake in the user's settings: reported once, the default used.
      'resilientClaude.retry.maxAttempts': 0,
    });
    await installVsix({ userDataDir, extensionsDir, vsix: packagedVsix() });
    const started = await startTrustingCodeServer(userDataDir, extensionsDir, sandbox);
    server = started.server;
    serverUrl = started.url;
    browser = await launchChromium();
    page = await newWorkbenchPage(browser, serverUrl);
    await openWorkbench(page, serverUrl, workspace);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await userSimulator?.close();
    await decoy?.close();
    if (sandbox) rmSync(sandbox, { recursive: true, force: true });
  });

  test('the window is in Restricted Mode and the extension is running', async () => {
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await statusBarItem(page, 'resilient-claude.status').waitFor({ state: 'visible', timeout: 30_000 });
  });

  test('ANTHROPIC_API_KEY from the environment is offered once and imported into secret storage', async () => {
    await clickNotificationAction(page, /found ANTHROPIC_API_KEY in the environment/, 'Import Key', 30_000);
    await waitForNotification(page, /API key imported into secret storage/);
  });

  test('an invalid setting is reported once, by name, and the default is used', async () => {
    const warning = /the setting "resilientClaude\.retry\.maxAttempts" must be a whole number from 1 to 20; using 6/;
    await waitForNotification(page, warning, 30_000);
    assert.equal(await notification(page, warning).count(), 1);
  });

  test("the workspace's base URL and headers are ignored; its model choice is not a traffic setting and applies", async () => {
    await runCommand(page, 'Resilient Claude: Ask Claude…');
    await fillInputBox(page, 'Where does this request go?');
    const lines = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    const deadline = Date.now() + 30_000;
    let text = '';
    while (Date.now() < deadline && !/Answered by|Failed/.test(text)) {
      text = (await lines.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
      await sleep(200);
    }
    assert.match(text, /Answered by claude-haiku-5-5/);
    const sent = userSimulator.stats().requests.filter((r) => r.path.startsWith('/v1/messages'));
    assert.equal(sent.length, 1, 'the request went to the base URL of the user settings');
    assert.equal(sent[0]?.apiKeyOk, true);
    assert.equal(decoy.stats().total, 0, 'nothing, and no key, reached the decoy');
  });
});
