// Issue 14, item 6's second half in a real VS Code with its chat on: "Ask Claude…" offers to
// answer in the chat instead of a document, and the question goes to @claude in the Chat view.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ensureTestResultsDir,
  fillInputBox,
  launchChromium,
  newWorkbenchPage,
  openWorkbench,
  packagedVsix,
  runCommand,
  startCodeServer,
  waitForNotification,
  waitForQuickInput,
} from './harness';
import type { CodeServer } from './harness';
import { canonicalAnswer, startSimulator } from '../../src/simulator/index';
import type { RunningSimulator } from '../../src/simulator/index';

const API_KEY = 'sk-ant-e2e-first-hour-chat-5b8e1f';
const QUESTION = 'Why answer in the chat?';
const CHAT = '.part.auxiliarybar';

describe('"Ask Claude…" offers the chat (issue 14, item 6)', { timeout: 6 * 60_000 }, () => {
  let simulator: RunningSimulator;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let sandbox: string;

  before(async () => {
    sandbox = mkdtempSync(join(tmpdir(), 'rc-e2e-first-hour-chat-'));
    const workspace = join(sandbox, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'notes.md'), '# Notes\n');
    simulator = await startSimulator({ scenario: 'healthy', apiKey: API_KEY });
    const vsix = packagedVsix();
    const machineSettings = { 'resilientClaude.baseUrl': simulator.url, 'resilientClaude.statusPage.enabled': false };
    server = await startCodeServer({
      userDataDir: join(sandbox, 'user-data'),
      extensionsDir: join(sandbox, 'extensions'),
      vsix,
      machineSettings,
      settings: { ...machineSettings, 'chat.disableAIFeatures': false, 'resilientClaude.alert.threshold': 1 },
    });
    browser = await launchChromium();
    page = await newWorkbenchPage(browser, server.url);
    await openWorkbench(page, server.url, workspace);
    await runCommand(page, 'Resilient Claude: Set API Key', 60_000);
    await fillInputBox(page, API_KEY);
    await waitForNotification(page, /API key saved/);
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await simulator?.close();
    if (sandbox) rmSync(sandbox, { recursive: true, force: true });
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
