// Issue 14, item 6's second half in a real VS Code with its chat on: "Ask Claude…" offers to
// answer in the chat instead of a document, and the question goes to @claude in the Chat view.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  ensureTestResultsDir,
  fillInputBox,
  openSession,
  runCommand,
  waitForNotification,
  waitForQuickInput,
} from './harness';
import type { E2eSession } from './harness';
import { canonicalAnswer } from '../../src/simulator/index';

const API_KEY = 'sk-ant-e2e-first-hour-chat-5b8e1f';
const QUESTION = 'Why answer in the chat?';
const CHAT = '.part.auxiliarybar';

describe('"Ask Claude…" offers the chat (issue 14, item 6)', { timeout: 6 * 60_000 }, () => {
  let session: E2eSession;
  let page: Page;

  before(async () => {
    session = await openSession({
      name: 'first-hour-chat',
      simulator: { scenario: 'healthy', apiKey: API_KEY },
      codeServer: (simulatorUrl) => {
        const machineSettings = { 'resilientClaude.baseUrl': simulatorUrl, 'resilientClaude.statusPage.enabled': false };
        return { machineSettings, settings: { ...machineSettings, 'chat.disableAIFeatures': false, 'resilientClaude.alert.threshold': 1 } };
      },
    });
    page = session.page;
    await runCommand(page, 'Resilient Claude: Set API Key', 60_000);
    await fillInputBox(page, API_KEY);
    await waitForNotification(page, /API key saved/);
  });

  after(async () => {
    await session?.close();
  });

  test('the question box has "Answer in Chat", and @claude answers the question in the Chat view', async () => {
    await runCommand(page, 'Resilient Claude: Ask Claude…');
    await fillInputBox(page, QUESTION, { submit: false });
    const widget = await waitForQuickInput(page);
    const button = widget.locator('.quick-input-titlebar .action-label[aria-label="Answer in Chat"], .quick-input-titlebar [aria-label="Answer in Chat"]').first();
    await button.waitFor({ state: 'visible', timeout: 10_000 });
    await page.screenshot({ path: join(ensureTestResultsDir(), 'ask-answer-in-chat.png') });
    await button.click();
    const response = page.locator(`${CHAT} .interactive-response`).last();
    await response.waitFor({ state: 'visible', timeout: 90_000 });
    const answer = canonicalAnswer(QUESTION).replace(/\s+/g, ' ').slice(0, 40);
    const deadline = Date.now() + 90_000;
    let shown = '';
    while (Date.now() < deadline && !shown.includes(answer)) {
      shown = (await response.innerText().catch(() => '')).replace(/\s+/g, ' ');
      await new Promise((r) => setTimeout(r, 300));
    }
    await page.screenshot({ path: join(ensureTestResultsDir(), 'ask-answered-in-chat.png') });
    assert.ok(shown.includes(answer), `@claude's answer in the chat: ${shown}`);
    const request = page.locator(`${CHAT} .interactive-request`).last();
    assert.match((await request.innerText()).replace(/\s+/g, ' '), new RegExp(`@?claude.*${QUESTION.replace(/[?]/g, '\\?')}`));
    // No answer document was opened for it.
    assert.equal(await page.locator('.editor-group-container .tab', { hasText: 'Why answer in the chat' }).count(), 0);
  });
});
