// The batch lane in a real VS Code (code-server) driven through Chromium, against the simulator
// on 127.0.0.1: no key, a refused key and a key without batch access each end in a clear message
// with the batch kept; then three files selected in the explorer go out as one batch, the status
// bar shows its progress, the window is reloaded mid-batch and the results still arrive and open;
// the diagnostics panel's Batches tab lists every batch, and a kept batch is sent again from it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import {
  clearNotifications,
  clickNotificationAction,
  ensureTestResultsDir,
  fillInputBox,
  openSession,
  pickQuickPickItem,
  runCommand,
  runContextMenuItem,
  selectExplorerFiles,
  sleep,
  statusBarItem,
  waitForNotification,
  reloadWindow,
  webviewFrame,
} from './harness';
import type { E2eSession } from './harness';
import type { RunningSimulator, Scenario } from '../../src/simulator/index';

const VALID_KEY = 'sk-ant-e2e-batch-valid-3e8a1f27c9';
const WRONG_KEY = 'sk-ant-e2e-batch-wrong-5d0b6c94e1';
const BATCH_STATUS_ID = 'resilient-claude.batch';
const SUITE_TIMEOUT_MS = 10 * 60_000;
const FILES = ['alpha.ts', 'beta.md', 'gamma.txt'];

const scenario = (batches: Scenario['batches']): Scenario => ({ name: 'batch-e2e', seed: 5, defaults: { latencyMs: 5, ttftMs: 5 }, batches });

async function shot(page: Page, name: string): Promise<void> {
  await sleep(600); // let a toast finish sliding in
  await page.screenshot({ path: join(ensureTestResultsDir(), `${name}.png`) });
}

/** "Submit Batch" in the modal confirmation, after checking what it says. */
async function confirmSubmission(page: Page, expected: RegExp): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  const text = (await dialog.innerText()).replace(/\s+/g, ' ');
  assert.match(text, expected);
  await dialog.locator('.monaco-button', { hasText: 'Submit Batch' }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  return text;
}

async function askInBatch(page: Page, question: string): Promise<void> {
  await runCommand(page, 'Resilient Claude: Ask Claude in Batch…');
  await fillInputBox(page, question);
  await confirmSubmission(page, /Submit 1 request\(s\) to the Message Batches API/);
}

async function waitForBatchStatus(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const item = statusBarItem(page, BATCH_STATUS_ID);
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = ((await item.innerText().catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
    if (pattern.test(text)) return text;
    await sleep(200);
  }
  throw new Error(`the batch status bar item never matched ${pattern}; it shows "${text}"`);
}

async function setKey(page: Page, key: string): Promise<void> {
  await runCommand(page, 'Resilient Claude: Set API Key');
  await fillInputBox(page, key);
  await waitForNotification(page, /API key saved in secret storage/);
}

async function showBatchesTab(page: Page): Promise<FrameLocator> {
  await runCommand(page, 'Resilient Claude: Show Diagnostics', 20_000);
  const frame = webviewFrame(page);
  await frame.locator('#app[data-rendered-at]').waitFor({ state: 'attached', timeout: 30_000 });
  await frame.locator('vscode-tab-header', { hasText: 'Batches' }).click();
  await frame.locator('table.batches-table').waitFor({ state: 'visible', timeout: 10_000 });
  return frame;
}

describe('Message Batches in a real VS Code', { timeout: SUITE_TIMEOUT_MS }, () => {
  let session: E2eSession;
  let simulator: RunningSimulator;
  let page: Page;

  before(async () => {
    session = await openSession({
      name: 'batch',
      workspaceFiles: {
        'alpha.ts': 'export const alpha = (n: number): number => n + 1;\n',
        'beta.md': '# Beta\n\nA short note about retries.\n',
        'gamma.txt': 'gamma: the third file\n',
      },
      simulator: { scenario: scenario({ processingMs: 2000 }), apiKey: VALID_KEY, controlRoutes: true },
      codeServer: (simulatorUrl) => ({
        machineSettings: { 'resilientClaude.baseUrl': simulatorUrl },
        settings: {
          'resilientClaude.batch.pollSeconds': 1,
          'resilientClaude.batch.maxTokens': 256,
          'resilientClaude.alert.threshold': 1,
          'resilientClaude.statusPage.enabled': false,
          'files.hotExit': 'off',
        },
      }),
    });
    session.keepOutputLog('batch');
    ({ simulator, page } = session);
  });

  after(async () => {
    await session?.close();
  });

  test('with no key set, a batch ends in a clear message and is kept', async () => {
    await askInBatch(page, 'What is a circuit breaker?');
    const message = await waitForNotification(page, /needs an Anthropic API key/, 20_000);
    assert.match(message, /Set API Key/);
    assert.match(message, /The batch is kept in this workspace/);
    await shot(page, 'batch-no-key');
    await clearNotifications(page);
  });

  test('a refused key ends in a clear message naming the 401, and the batch is kept', async () => {
    await setKey(page, WRONG_KEY);
    await askInBatch(page, 'Is this key any good?');
    const message = await waitForNotification(page, /API key was refused/, 20_000);
    assert.match(message, /401 authentication_error/);
    assert.match(message, /The batch is kept/);
    assert.ok(!message.includes(WRONG_KEY), 'the key never appears in a message');
    await shot(page, 'batch-invalid-key');
    await clearNotifications(page);
  });

  test('a key without batch access ends in a clear message naming the 403, and the batch is kept', async () => {
    await setKey(page, VALID_KEY);
    simulator.setScenario(scenario({ access: false }));
    await askInBatch(page, 'May I use batches?');
    const message = await waitForNotification(page, /no access to the Message Batches API/, 20_000);
    assert.match(message, /403 permission_error/);
    await shot(page, 'batch-no-access');
    await clearNotifications(page);
    simulator.setScenario(scenario({ processingMs: 25_000 }));
  });

  test('three files selected in the explorer go out as one batch; progress shows in the status bar', async () => {
    await selectExplorerFiles(page, FILES);
    // A right-click on a selected row keeps the selection: the command gets all three.
    await page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: FILES[2]! }).first().click({ button: 'right' });
    await page.locator('.context-view .monaco-menu .action-item', { hasText: 'Run Prompt on Files in Batch…' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await shot(page, 'batch-explorer-context-menu');
    await runContextMenuItem(page, 'Run Prompt on Files in Batch…');
    await fillInputBox(page, 'Review this file in one sentence.', { timeoutMs: 30_000 });
    const confirmation = await confirmSubmission(page, /Submit 3 request\(s\) to the Message Batches API on claude-opus-5-5\?/);
    assert.match(confirmation, /input tokens, up to 768 output tokens, at most ≈ \$[\d.]+ at batch prices \(an estimate/);
    await waitForNotification(page, /batch submitted \(3 request\(s\)\)/, 20_000);
    const status = await waitForBatchStatus(page, /Batch: 0\/3 done/);
    assert.match(status, /Batch: 0\/3 done/);
    await page.locator('.part.statusbar').screenshot({ path: join(ensureTestResultsDir(), 'batch-status-running.png') });
    const creates = ((await (await fetch(`${simulator.url}/_sim/batches`)).json()) as { calls: Array<{ method: string; path: string; status: number }> }).calls.filter(
      (c) => c.method === 'POST' && c.path === '/v1/messages/batches',
    );
    assert.deepEqual(creates.map((c) => c.status), [401, 403, 200], 'no key sent nothing; the refused and the denied key sent one try each');
  });

  test('the window is reloaded mid-batch and the results still arrive and open as read-only documents', async () => {
    await clearNotifications(page);
    await reloadWindow(page);
    // The reloaded window picks the stored batch up at once.
    await waitForBatchStatus(page, /Batch: 0\/3 done/, 30_000);
    await shot(page, 'batch-after-reload');
    const ended = await waitForNotification(page, /batch ".*" ended: 3 succeeded/, 120_000);
    assert.match(ended, /Review this file/);
    await waitForBatchStatus(page, /Batch: 3\/3 done/);
    await clickNotificationAction(page, /ended: 3 succeeded/, 'Open Results');
    const editor = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await editor.filter({ hasText: 'Succeeded (3)' }).waitFor({ state: 'visible', timeout: 20_000 });
    const text = (await editor.innerText()).replace(/\u00a0/g, ' ');
    for (const name of FILES) assert.ok(text.includes(name), `${name} in the summary:\n${text}`);
    // The answers themselves, each under its file, not only their token counts.
    assert.ok(text.includes(`### ${FILES[0]}`), `the first answer under its file:\n${text}`);
    assert.match(text, /Create call request id: `req_sim_/);
    const tab = page.locator('.editor-group-container.active .tab.active');
    assert.match(await tab.innerText(), /Batch results/);
    await shot(page, 'batch-results-summary');
    // Read-only: typing changes nothing.
    await editor.click();
    await page.keyboard.type('xyz');
    assert.ok(!(await editor.innerText()).includes('xyz'), 'the results document is read-only');
  });

  test('the diagnostics panel lists every batch in its Batches tab, and a kept batch is sent again from it', async () => {
    const frame = await showBatchesTab(page);
    const rows = frame.locator('table.batches-table tbody tr');
    await rows.first().waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await rows.count(), 4);
    const ended = rows.filter({ hasText: 'Review this file' });
    assert.match((await ended.innerText()).replace(/\s+/g, ' '), /ended .*3\/3 done \(3 succeeded\)/);
    assert.match(await ended.locator('td.id code').first().innerText(), /^msgbatch_sim_/);
    const noKey = rows.filter({ hasText: 'What is a circuit breaker?' });
    assert.match((await noKey.innerText()).replace(/\s+/g, ' '), /not submitted .*needs an Anthropic API key/);
    assert.match((await rows.filter({ hasText: 'Is this key any good?' }).innerText()).replace(/\s+/g, ' '), /API key was refused/);
    assert.match((await rows.filter({ hasText: 'May I use batches?' }).innerText()).replace(/\s+/g, ' '), /no access to the Message Batches API/);
    await shot(page, 'batch-panel-tab');

    simulator.setScenario(scenario({ processingMs: 500 }));
    await noKey.locator('vscode-button', { hasText: 'Submit Again' }).click();
    await waitForNotification(page, /batch submitted \(1 request\(s\)\)/, 20_000);
    await noKey.filter({ hasText: /in progress|ended/ }).waitFor({ state: 'visible', timeout: 20_000 });
    await waitForNotification(page, /batch "What is a circuit breaker\?" ended: 1 succeeded/, 30_000);
    await noKey.filter({ hasText: '1/1 done' }).waitFor({ state: 'visible', timeout: 20_000 });
    // Batch API failures are in the failures table too, with their request ids.
    await frame.locator('vscode-tab-header', { hasText: 'Failures' }).click();
    const failures = frame.locator('table.failures-table tbody tr').filter({ hasText: 'Message Batches API' });
    await failures.first().waitFor({ state: 'visible', timeout: 10_000 });
    const failureText = (await failures.allInnerTexts()).join('\n');
    assert.match(failureText, /401/);
    assert.match(failureText, /403/);
    assert.match(failureText, /req_sim_/);
    await shot(page, 'batch-panel-failures');

    // Its one answer is titled by its question, not "Question" (the panel closed first: a quick pick
    // after another one loses the focus back to a webview and closes).
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Resilient Claude: Show Batches…');
    await pickQuickPickItem(page, 'What is a circuit breaker?');
    await pickQuickPickItem(page, 'Open One Answer…');
    await pickQuickPickItem(page, 'What is a circuit breaker?');
    const answer = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    await answer.filter({ hasText: '# What is a circuit breaker?' }).waitFor({ state: 'visible', timeout: 20_000 });
    assert.doesNotMatch(await answer.innerText(), /# Question/);
    await runCommand(page, 'View: Close Editor');
  });
});
