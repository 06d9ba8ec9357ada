// Issue 23, the first hour tried again: what a window reload leaves behind, in a real VS Code
// (code-server through Chromium) against the simulator on 127.0.0.1.
// - Item 4: answer documents come back from the workspace's storage after a reload, and a
//   question still running at the reload says plainly it was interrupted and offers, in one
//   click, to ask again.
// - Item 3: batches sent to an overload rehearsal whose simulator went with the window are not
//   "Batch: 0/2 done" for good: the reloaded window says why they can never end, Cancel removes
//   one and says why, and the Batches tab's "Remove From List" really removes the other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  activeEditorText,
  clearNotifications,
  clickNotificationAction,
  ensureTestResultsDir,
  fillInputBox,
  launchChromium,
  newWorkbenchPage,
  openWorkbench,
  pickQuickPickItem,
  quickInputTitle,
  repoRoot,
  runCommand,
  runContextMenuItem,
  selectExplorerFiles,
  startCodeServer,
  statusBarItem,
  waitForNotification,
  waitForQuickInput,
  waitForWorkbench,
  webviewFrame,
  writeMachineSettings,
} from './harness';
import type { CodeServer } from './harness';
import { startSimulator } from '../../src/simulator/index';
import type { RunningSimulator } from '../../src/simulator/index';

const VALID_KEY = 'sk-ant-e2e-reload-4b7e19c2d0';
const BATCH_STATUS_ID = 'resilient-claude.batch';
const SUITE_TIMEOUT_MS = 12 * 60_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(250);
    value = await read();
  }
  return value;
}

function outputChannelLog(userDataDir: string): string {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.includes('Resilient Claude')) found.push(readFileSync(file, 'utf8'));
    }
  };
  if (existsSync(join(userDataDir, 'logs'))) walk(join(userDataDir, 'logs'));
  return found.join('\n');
}

const editorText = (page: Page): Promise<string> => activeEditorText(page, 5000).catch(() => '');
const tabTitles = async (page: Page): Promise<string[]> =>
  (await page.locator('.tabs-container .tab .monaco-icon-label-container').allInnerTexts()).map((t) => t.replace(/\s+/g, '').trim());
const batchStatus = async (page: Page): Promise<string> => {
  const item = statusBarItem(page, BATCH_STATUS_ID);
  return (await item.isVisible()) ? (await item.innerText()).replace(/\s+/g, ' ').trim() : '(hidden)';
};

async function reload(page: Page): Promise<void> {
  await runCommand(page, 'Developer: Reload Window');
  await sleep(1000);
  await waitForWorkbench(page);
}

async function confirmBatch(page: Page, requests: number): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match((await dialog.innerText()).replace(/\s+/g, ' '), new RegExp(`Submit ${requests} request\\(s\\) to the Message Batches API`));
  await dialog.locator('.monaco-button', { hasText: 'Submit Batch' }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
}

describe('the first hour, tried again: a window reload (issue 23, items 3 and 4)', { timeout: SUITE_TIMEOUT_MS }, () => {
  let simulator: RunningSimulator;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let sandbox: string;
  let userDataDir: string;

  before(async () => {
    sandbox = mkdtempSync(join(tmpdir(), 'rc-e2e-reload-'));
    userDataDir = join(sandbox, 'user-data');
    const workspace = join(sandbox, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'alpha.ts'), 'export const alpha = 1;\n');
    writeFileSync(join(workspace, 'beta.md'), '# Beta\n');
    simulator = await startSimulator({ scenario: 'healthy', apiKey: VALID_KEY });
    const built = execFileSync(process.execPath, ['scripts/package.mjs'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    const vsix = join(sandbox, 'resilient-claude.vsix');
    copyFileSync(built.split('\n').pop() ?? '', vsix);
    writeMachineSettings(userDataDir, { 'resilientClaude.baseUrl': simulator.url });
    server = await startCodeServer({
      userDataDir,
      extensionsDir: join(sandbox, 'extensions'),
      vsix,
      settings: { 'resilientClaude.tail.hedgeBudgetPercent': 0, 'resilientClaude.statusPage.enabled': false, 'files.hotExit': 'off' },
    });
    browser = await launchChromium();
    page = await newWorkbenchPage(browser, server.url);
    await openWorkbench(page, server.url, workspace);
  });

  after(async () => {
    if (userDataDir) writeFileSync(join(ensureTestResultsDir(), 'first-hour-reload-output-channel.log'), outputChannelLog(userDataDir));
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await simulator?.close();
    if (sandbox) rmSync(sandbox, { recursive: true, force: true });
  });

  test('item 4: answers come back after a reload; the one still running says it was interrupted and is asked again in one click', async () => {
    await runCommand(page, 'Resilient Claude: Set API Key');
    await fillInputBox(page, VALID_KEY);
    await waitForNotification(page, /API key saved in secret storage/);
    await clearNotifications(page);
    await runCommand(page, 'Resilient Claude: Ask Claude…');
    await fillInputBox(page, 'Why retry with jitter?');
    const answered = await until('the first answer', () => editorText(page), (t) => /Answered by/.test(t), 60_000);
    // The second question's first token takes far longer than the reload.
    simulator.setScenario({ name: 'slow-first-token', defaults: { ttftMs: 120_000, latencyMs: 5 } });
    await runCommand(page, 'Resilient Claude: Ask Claude…');
    await fillInputBox(page, 'Is this one still running?');
    await waitForNotification(page, /Claude: “Is this one still running\?”/, 20_000);
    await until('its document open', () => tabTitles(page), (t) => t.some((x) => x.startsWith('Isthisonestillrunning')), 10_000);

    await reload(page);
    const titles = await until(
      'both answers reopened',
      () => tabTitles(page),
      (t) => t.some((x) => x.startsWith('Whyretrywithjitter')) && t.some((x) => x.startsWith('Isthisonestillrunning')),
      60_000,
    );
    assert.ok(titles.length >= 2, JSON.stringify(titles));
    const offer = await waitForNotification(page, /the answer to “Is this one still running\?” was interrupted/, 30_000);
    assert.match(offer, /window reloaded/);
    await page.screenshot({ path: join(ensureTestResultsDir(), 'reload-answers-reopened.png') });
    // The finished answer reads as before the reload.
    await page.locator('.tabs-container .tab', { hasText: 'Why retry with jitter' }).first().click();
    const kept = await until('the kept answer', () => editorText(page), (t) => /Answered by/.test(t), 20_000);
    assert.ok(kept.includes('> Why retry with jitter?'), kept);
    assert.equal(kept.replace(/\s+/g, ' ').trim(), answered.replace(/\s+/g, ' ').trim(), 'the same text after the reload');
    await page.locator('.tabs-container .tab', { hasText: 'Is this one still running' }).first().click();
    const cut = await until('the interrupted note', () => editorText(page), (t) => /Interrupted/.test(t), 20_000);
    assert.match(cut, /> Is this one still running\?/);

    // One click asks it again; the answer arrives.
    simulator.setScenario('healthy');
    await clickNotificationAction(page, /was interrupted/, 'Ask Again');
    const again = await until('the answer asked again', () => editorText(page), (t) => /Is this one still running\?[\s\S]*Answered by/.test(t), 60_000);
    assert.doesNotMatch(again, /Interrupted/);
    await runCommand(page, 'View: Close All Editors');
  });

  test('item 3: a rehearsal batch whose simulator went with the reload says why, Cancel removes it, and Remove From List really removes', async () => {
    await clearNotifications(page);
    await runCommand(page, 'Resilient Claude: Start Overload Rehearsal…');
    await pickQuickPickItem(page, 'primary-outage');
    await waitForNotification(page, /Overload rehearsal "primary-outage" is running/, 20_000);
    // Two files from the explorer, as one batch.
    await selectExplorerFiles(page, ['alpha.ts', 'beta.md']);
    await page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: 'beta.md' }).first().click({ button: 'right' });
    await runContextMenuItem(page, 'Run Prompt on Files in Batch…');
    await waitForQuickInput(page, 30_000);
    assert.match(await quickInputTitle(page), /Run Prompt on 2 File\(s\) in Batch/);
    await fillInputBox(page, 'Review this file.');
    await confirmBatch(page, 2);
    await waitForNotification(page, /batch submitted \(2 request\(s\)\)/, 20_000);
    // And a question, so both ways out can be tried.
    await runCommand(page, 'Resilient Claude: Ask Claude in Batch…');
    await fillInputBox(page, 'What is a breaker?');
    await confirmBatch(page, 1);
    await until('both batches running', () => batchStatus(page), (s) => /Batch: 0\/3 done/.test(s), 20_000);

    await reload(page);
    // The reloaded window says at once why they can never end, and no longer counts them as running.
    const why = await waitForNotification(page, /batch "Review this file.*" can never end/, 45_000);
    assert.match(why, /overload rehearsal that has stopped/);
    assert.match(why, /Remove it from the list/);
    const status = await until('the batch status', () => batchStatus(page), (s) => !/done/.test(s), 30_000);
    assert.doesNotMatch(status, /0\/\d done/);
    await page.screenshot({ path: join(ensureTestResultsDir(), 'reload-batch-gone.png') });

    // Cancel on one: not an error repeating the reason, but what was asked: it leaves the list, and the message says why.
    await clearNotifications(page);
    await runCommand(page, 'Resilient Claude: Cancel Batch…');
    await pickQuickPickItem(page, 'What is a breaker?');
    const removed = await waitForNotification(page, /removed batch "What is a breaker\?" from the list/, 20_000);
    assert.match(removed, /rehearsal that has stopped, so there was nothing left to cancel/);
    assert.equal(await page.locator('.notification-toast .codicon-error').count(), 0, 'no error toast');

    // The other, from the Batches tab: its row says why, and "Remove From List" removes it.
    await runCommand(page, 'Resilient Claude: Show Diagnostics', 20_000);
    const frame = webviewFrame(page);
    await frame.locator('#app[data-rendered-at]').waitFor({ state: 'attached', timeout: 30_000 });
    await frame.locator('vscode-tab-header', { hasText: 'Batches' }).click();
    const table = frame.locator('table.batches-table tbody tr');
    const row = table.filter({ hasText: 'Review this file' });
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await table.count(), 1, 'the canceled one is gone from the tab too');
    assert.match((await row.innerText()).replace(/\s+/g, ' '), /gone \(its server stopped\).*Remove it from the list/);
    await row.locator('vscode-button', { hasText: 'Remove From List' }).click();
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    assert.equal(await table.count(), 0);
    assert.equal(await batchStatus(page), '(hidden)');
  });
});
