// Issue 23, the first hour tried again, in a real VS Code (code-server through Chromium) with chat on
// and an overload rehearsal instead of a key, as the demo runs it: the walkthrough's chat step
// (item 2), one notice for bad settings when they are saved (item 8), and unknown model ids flagged
// where they are set and in the status bar (item 7).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  activeEditorText,
  clearNotifications,
  editUserSettings,
  fillInputBox,
  notificationMessages,
  openSession,
  pickQuickPickItem,
  quickInputTitle,
  quickPickLabels,
  runCommand,
  screenshot,
  statusBarItem,
  until,
  waitForNotification,
  waitForQuickInput,
} from './harness';
import type { E2eSession } from './harness';

const STATUS_ID = 'resilient-claude.status';

const flat = (text: string): string => text.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
const statusLabel = async (page: Page): Promise<string> => (await statusBarItem(page, STATUS_ID).getAttribute('aria-label').catch(() => '')) ?? '';
const statusText = async (page: Page): Promise<string> => flat(await statusBarItem(page, STATUS_ID).innerText().catch(() => ''));

/** Runs a palette command; when it cannot, the window as it was goes to test-results first. */
async function command(page: Page, label: string): Promise<void> {
  // The pointer left over a tab (where the last palette row was clicked) shows its hover, which can
  // keep F1 from opening the palette: move it onto the editor and dismiss any hover first.
  await page.mouse.move(700, 450);
  await page.keyboard.press('Escape');
  await runCommand(page, label).catch(async (error: unknown) => {
    await screenshot(page, `first-hour-setup-no-${label.replace(/\W+/g, '-').toLowerCase()}`).catch(() => undefined);
    throw error;
  });
}

/** Asks through "Ask Claude…" and returns its answer document's text (not an earlier one's) once its closing note is written. */
async function ask(page: Page, question: string, done: RegExp = /Answered by|Failed:/): Promise<string> {
  await command(page, 'Resilient Claude: Ask Claude…');
  await until('the question box', () => quickInputTitle(page).catch(() => ''), (title) => title === 'Ask Claude', 10_000);
  await fillInputBox(page, question);
  return until('the answer document', async () => flat(await activeEditorText(page, 5000).catch(() => '')), (t) => t.includes(question) && done.test(t), 90_000);
}

async function openWalkthrough(page: Page): Promise<void> {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  await waitForQuickInput(page);
  await until('the walkthrough in the list', () => quickPickLabels(page), (l) => l.some((x) => x.includes('Get Started with Resilient Claude')));
  await pickQuickPickItem(page, 'Get Started with Resilient Claude');
  await page.locator('.gettingStartedContainer button.getting-started-step').first().waitFor({ state: 'visible', timeout: 20_000 });
}

async function closeWalkthrough(page: Page): Promise<void> {
  const welcome = page.locator('.editor-group-container .tab', { hasText: 'Welcome' }).first();
  await welcome.click({ button: 'middle' });
  await welcome.waitFor({ state: 'detached', timeout: 10_000 });
}

const chatStepChecked = async (page: Page): Promise<string | null> =>
  page.locator('.gettingStartedContainer button.getting-started-step[data-step-id$="chat"]').first().getAttribute('aria-checked');

describe('the first hour, tried again: chat, settings, model ids (issue 23)', { timeout: 15 * 60_000 }, () => {
  let session: E2eSession;
  let page: Page;

  before(async () => {
    session = await openSession({
      name: 'first-hour-setup',
      codeServer: () => ({
        settings: {
          // As the demo runs it: chat on, a rehearsal instead of a key.
          'chat.disableAIFeatures': false,
          'resilientClaude.rehearsal.scenario': 'primary-outage',
          'resilientClaude.tail.hedgeBudgetPercent': 0,
          'files.hotExit': 'off',
        },
      }),
    });
    page = session.page;
    await until('the rehearsal in the status bar', () => statusText(page), (t) => /Rehearsal/.test(t), 90_000);
  });

  after(async () => {
    if (page) await screenshot(page, 'first-hour-setup-last').catch(() => undefined);
    await session?.close();
  });

  test('item 2: "Open Chat with @claude" says chat is off (step not ticked); with chat on it opens the Chat view with @claude and ticks the step', async () => {
    await editUserSettings(page, session.userDataDir, { 'chat.disableAIFeatures': true });
    await clearNotifications(page);
    await command(page, 'Resilient Claude: Open Chat with @claude');
    assert.match(await waitForNotification(page, /Chat is turned off in this window/), /chat\.disableAIFeatures/);
    await openWalkthrough(page);
    assert.equal(await chatStepChecked(page), 'false', 'the chat step is not ticked while chat could not open');
    await closeWalkthrough(page);

    await editUserSettings(page, session.userDataDir, { 'chat.disableAIFeatures': false });
    await clearNotifications(page);
    await command(page, 'Resilient Claude: Open Chat with @claude');
    const input = page.locator('.part.auxiliarybar .interactive-input-part .monaco-editor .view-lines').first();
    await until('@claude in the chat input', async () => flat(await input.innerText().catch(() => '')), (t) => t.includes('@claude'), 60_000);
    await screenshot(page, 'first-hour-open-chat');
    await openWalkthrough(page);
    await until('the chat step ticked', () => chatStepChecked(page), (c) => c === 'true', 15_000);
    await closeWalkthrough(page);
  });

  test('item 8: bad settings raise one notice naming each, as soon as they are saved', async () => {
    await clearNotifications(page);
    await editUserSettings(page, session.userDataDir, { 'resilientClaude.concurrency': 0, 'resilientClaude.batch.pollSeconds': 0 });
    const notice = await waitForNotification(page, /settings are invalid and use their defaults/, 30_000);
    assert.match(notice, /resilientClaude\.concurrency" must be a whole number from 1 to 64; using 8/);
    assert.match(notice, /resilientClaude\.batch\.pollSeconds" must be a number from 1 to 3600; using 30/);
    // One notice, not one per setting.
    const about = (await notificationMessages(page)).filter((m) => /resilientClaude\.(concurrency|batch\.pollSeconds)/.test(m));
    assert.equal(about.length, 1, JSON.stringify(about));
    await editUserSettings(page, session.userDataDir, { 'resilientClaude.concurrency': 8, 'resilientClaude.batch.pollSeconds': 30 });
  });

  test('item 7: unknown model ids are named with their settings, the status bar flags them, and the rehearsal never answers from them', async () => {
    await clearNotifications(page);
    await editUserSettings(page, session.userDataDir, { 'resilientClaude.model': 'claude-opus-99', 'resilientClaude.fallbackModels': ['gpt-4o'] });
    const notice = await waitForNotification(page, /are not models the rehearsal's simulator lists/, 60_000);
    assert.match(notice, /"claude-opus-99" \(resilientClaude\.model\), "gpt-4o" \(resilientClaude\.fallbackModels\)/);
    const shown = await until('the status bar flags the model', () => statusText(page), (t) => /opus-99 \(unknown model\)/.test(t));
    assert.doesNotMatch(shown, /check/);
    assert.match(await statusLabel(page), /Unknown model: claude-opus-99, gpt-4o/);
    const answer = await ask(page, 'Which model answers now?');
    assert.match(answer, /Failed:/);
    assert.doesNotMatch(answer, /Answered by (gpt-4o|claude-opus-99)/);
    await editUserSettings(page, session.userDataDir, {
      'resilientClaude.model': 'claude-opus-5-5',
      'resilientClaude.fallbackModels': ['claude-sonnet-5-5', 'claude-haiku-5-5'],
    });
    await until('the flag cleared', () => statusText(page), (t) => !/unknown model/.test(t));
  });
});
