// Issue 23, the first hour tried again: what a window reload leaves behind, in a real VS Code
// (code-server through Chromium) against the simulator on 127.0.0.1.
// - Item 4: answer documents come back from the workspace's storage after a reload, and a
//   question still running at the reload says plainly it was interrupted and offers, in one
//   click, to ask again (item 9: the selection answer names its file and lines).
// - Item 3: batches sent to an overload rehearsal whose simulator went with the window are not
//   "Batch: 0/2 done" for good: the reloaded window says why they can never end, Cancel removes
//   one and says why, and the Batches tab's "Remove From List" really removes the other.
// - Item 5: after Haiku met an outage and the primary is switched back, the status is healthy:
//   a half-open fallback behind a working primary waits for its probe without degrading it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  activeEditorText,
  clearNotifications,
  clickNotificationAction,
  ensureTestResultsDir,
  fillInputBox,
  readStatusTooltip,
  openSession,
  pickQuickPickItem,
  quickInputTitle,
  quickPickLabels,
  runCommand,
  runContextMenuItem,
  selectExplorerFiles,
  reloadWindow,
  STATUS_ID,
  statusBarItem,
  tooltipRowFor,
  until,
  waitForNotification,
  waitForQuickInput,
  webviewFrame,
} from './harness';
import type { E2eSession } from './harness';
import type { RunningSimulator } from '../../src/simulator/index';

const VALID_KEY = 'sk-ant-e2e-reload-4b7e19c2d0';
const BATCH_STATUS_ID = 'resilient-claude.batch';
const SUITE_TIMEOUT_MS = 12 * 60_000;

const editorText = (page: Page): Promise<string> => activeEditorText(page, 5000).catch(() => '');
const tabTitles = async (page: Page): Promise<string[]> =>
  (await page.locator('.tabs-container .tab .monaco-icon-label-container').allInnerTexts()).map((t) => t.replace(/\s+/g, '').trim());
const batchStatus = async (page: Page): Promise<string> => {
  const item = statusBarItem(page, BATCH_STATUS_ID);
  // The item can go between the two reads (a reload, a batch ending): then it is hidden, not a 30 s wait.
  if (!(await item.isVisible())) return '(hidden)';
  return ((await item.innerText({ timeout: 2_000 }).catch(() => null)) ?? '(hidden)').replace(/\s+/g, ' ').trim();
};

const statusLabel = async (page: Page): Promise<string> => (await statusBarItem(page, STATUS_ID).getAttribute('aria-label').catch(() => '')) ?? '';

/** The status tooltip's row for `model` once `holds` (described by `what`) is true of it: hovered until then, then left. */
async function tooltipRow(page: Page, model: string, what = 'shown', holds: (row: string) => boolean = () => true): Promise<string> {
  const table = await readStatusTooltip(page, `a row for ${model} (${what})`, (t) => {
    const row = tooltipRowFor(t, model);
    return row !== undefined && holds(row);
  });
  return tooltipRowFor(table, model) ?? '';
}

async function confirmBatch(page: Page, requests: number): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match((await dialog.innerText()).replace(/\s+/g, ' '), new RegExp(`Submit ${requests} request\\(s\\) to the Message Batches API`));
  await dialog.locator('.monaco-button', { hasText: 'Submit Batch' }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
}

describe('the first hour, tried again: a window reload, and a status that clears (issue 23, items 3, 4, 5)', { timeout: SUITE_TIMEOUT_MS }, () => {
  let session: E2eSession;
  let simulator: RunningSimulator;
  let page: Page;

  before(async () => {
    session = await openSession({
      name: 'reload',
      workspaceFiles: { 'alpha.ts': 'export const alpha = 1;\n', 'beta.md': '# Beta\n' },
      simulator: { scenario: 'healthy', apiKey: VALID_KEY },
      codeServer: (simulatorUrl) => ({
        machineSettings: { 'resilientClaude.baseUrl': simulatorUrl },
        settings: { 'resilientClaude.tail.hedgeBudgetPercent': 0, 'resilientClaude.statusPage.enabled': false, 'files.hotExit': 'off' },
      }),
    });
    session.keepOutputLog('first-hour-reload');
    ({ simulator, page } = session);
  });

  after(async () => {
    await session?.close();
  });

  test('item 4: answers come back after a reload; the one still running says it was interrupted and is asked again in one click', async () => {
    await runCommand(page, 'Resilient Claude: Set API Key');
    await fillInputBox(page, VALID_KEY);
    await waitForNotification(page, /API key saved in secret storage/);
    await clearNotifications(page);
    await runCommand(page, 'Resilient Claude: Ask Claude…');
    await fillInputBox(page, 'Why retry with jitter?');
    const answered = await until('the first answer', () => editorText(page), (t) => /Answered by/.test(t), 60_000);
    // Item 9: an answer about a selection says which file and lines it was about.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'alpha.ts' }).first().dblclick();
    await until('alpha.ts open', async () => (await page.locator('.tabs-container .tab.active').innerText().catch(() => '')).replace(/\s+/g, ''), (t) => t.includes('alpha.ts'), 15_000);
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('ControlOrMeta+a');
    await runCommand(page, 'Resilient Claude: Ask Claude About Selection');
    await fillInputBox(page, 'Explain this code.');
    const about = await until('the selection answer', () => editorText(page), (t) => /Answered by/.test(t), 60_000);
    assert.match(about, /> Explain this code\.\s+>\s+> About `alpha\.ts`, line 1/);
    // The second question's first token takes far longer than the reload.
    simulator.setScenario({ name: 'slow-first-token', defaults: { ttftMs: 120_000, latencyMs: 5 } });
    await runCommand(page, 'Resilient Claude: Ask Claude…');
    await fillInputBox(page, 'Is this one still running?');
    await waitForNotification(page, /Claude: “Is this one still running\?”/, 20_000);
    await until('its document open', () => tabTitles(page), (t) => t.some((x) => x.startsWith('Isthisonestillrunning')), 10_000);

    await reloadWindow(page);
    const titles = await until(
      'both answers reopened',
      () => tabTitles(page),
      (t) => t.some((x) => x.startsWith('Whyretrywithjitter')) && t.some((x) => x.startsWith('Isthisonestillrunning')),
      60_000,
    );
    assert.ok(titles.some((x) => x.startsWith('Explainthiscode')), `the selection answer too: ${JSON.stringify(titles)}`);
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

    await reloadWindow(page);
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
    await runCommand(page, 'View: Close All Editors');
  });

  test('item 5: switch to Haiku, ask once in a primary outage, switch back: the status is healthy again, and Haiku waits for its probe without degrading it', async () => {
    await clearNotifications(page);
    await runCommand(page, 'Resilient Claude: Start Overload Rehearsal…');
    await pickQuickPickItem(page, 'primary-outage');
    await waitForNotification(page, /Overload rehearsal "primary-outage" is running/, 20_000);
    const switchTo = async (model: string): Promise<void> => {
      await statusBarItem(page, STATUS_ID).click();
      await until(`${model} listed`, () => quickPickLabels(page), (l) => l.some((x) => x.includes(model)));
      await pickQuickPickItem(page, model);
    };
    await switchTo('claude-haiku-5-5');
    await until('on haiku', () => statusLabel(page), (l) => /using claude-haiku-5-5/.test(l));
    // Item 9: the old primary stays in the chain (its last fallback), not dropped from it.
    assert.match(await tooltipRow(page, 'claude-opus-5-5'), /claude-opus-5-5/, 'opus still a route of the chain');
    await runCommand(page, 'Resilient Claude: Ask Claude…');
    await fillInputBox(page, 'Haiku, once.');
    const answer = await until('the answer', () => editorText(page), (t) => /Answered by/.test(t), 60_000);
    assert.match(answer, /fell back from claude-haiku-5-5/);
    await tooltipRow(page, 'claude-haiku-5-5', 'open or half-open', (r) => /open/.test(r));
    await switchTo('claude-opus-5-5');
    // Haiku is now a fallback behind a working primary: nothing is degraded, and its row says what it waits for.
    const label = await until('healthy on opus', () => statusLabel(page), (l) => /healthy, using claude-opus-5-5/.test(l), 30_000);
    assert.doesNotMatch(label, /being probed/);
    const haiku = await tooltipRow(page, 'claude-haiku-5-5');
    assert.match(haiku, /half-open\s+.*on its next request \(else closes at \d\d:\d\d\)|open\s+.*in \d+ s|closed/);
    await page.screenshot({ path: join(ensureTestResultsDir(), 'reload-status-after-switch-back.png') });
    await page.mouse.move(700, 300);
    await runCommand(page, 'Resilient Claude: Stop Overload Rehearsal');
  });
});
