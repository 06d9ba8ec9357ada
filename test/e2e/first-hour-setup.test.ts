// Issue 23, the first hour tried again, in a real VS Code (code-server through Chromium) with chat on
// and an overload rehearsal instead of a key, as the demo runs it: the walkthrough's chat step
// (item 2), one notice for bad settings when they are saved (item 8), and unknown model ids flagged
// where they are set and in the status bar (item 7).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  askClaude,
  clearNotifications,
  editUserSettings,
  flat,
  notificationMessages,
  openRehearsalSession,
  paletteCommand,
  pickQuickPickItem,
  quickPickLabels,
  runCommand,
  screenshot,
  statusLabel,
  statusText,
  until,
  waitForNotification,
  waitForQuickInput,
} from './harness';
import type { E2eSession } from './harness';

const SUITE = 'first-hour-setup';
const command = (page: Page, label: string): Promise<void> => paletteCommand(page, label, SUITE);
const ask = (page: Page, question: string): Promise<string> => askClaude(page, question, SUITE);

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
    session = await openRehearsalSession(SUITE);
    page = session.page;
  });

  after(async () => {
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
