// @claude in the chat view of a real VS Code (code-server), driven through Chromium as a user
// does: the packaged extension is the only AI extension in play (Copilot Chat is built in but
// signed out), Opus is in a 529 outage on the simulator. The answer streams with its progress
// narration and buttons; Copy Request IDs puts the ids on the clipboard; Show Diagnostics opens
// the panel, whose 529 count for Opus equals the simulator's. Screenshots in test-results/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import {
  fillInputBox,
  openSession,
  readClipboard,
  runCommand,
  screenshot,
  sleep,
  waitForNotification,
} from './harness';
import type { E2eSession } from './harness';
import { canonicalAnswer } from '../../src/simulator/index';
import type { RunningSimulator } from '../../src/simulator/index';

const API_KEY = 'sk-ant-e2e-chat-4f7a2d9c1e';
const OPUS = 'claude-opus-5-5';
const SUITE_TIMEOUT_MS = 6 * 60_000;
const PROMPT = 'What does a circuit breaker do for API clients?';

const CHAT = '.part.auxiliarybar';

/** The last answer in the chat view. */
function lastResponse(page: Page): Locator {
  return page.locator(`${CHAT} .interactive-response`).last();
}

describe('@claude in the chat view of a real VS Code', { timeout: SUITE_TIMEOUT_MS }, () => {
  let session: E2eSession;
  let simulator: RunningSimulator;
  let page: Page;

  before(async () => {
    session = await openSession({
      name: 'chat',
      // Opus's 529s take 1.5 s each, so the narration is on screen long enough to be read before the answer folds it.
      simulator: { scenario: { name: 'opus-outage', models: { [OPUS]: { p529: 1, latencyMs: 1500 } } }, apiKey: API_KEY },
      codeServer: (simulatorUrl) => {
        const machineSettings = { 'resilientClaude.baseUrl': simulatorUrl, 'resilientClaude.statusPage.enabled': false };
        return {
          machineSettings,
          settings: {
            ...machineSettings,
            // The chat view is what this test is about (the harness turns AI features off by default).
            'chat.disableAIFeatures': false,
            // Copilot's agent, signed out, on the picked model: a real consumer of the provider.
            'chat.allowAnonymousAccess': true,
            'workbench.secondarySideBar.defaultVisibility': 'visible',
            'resilientClaude.alert.threshold': 1,
            'workbench.colorTheme': 'Default Dark Modern',
          },
        };
      },
    });
    ({ simulator, page } = session);
    await runCommand(page, 'Resilient Claude: Set API Key', 60_000);
    await fillInputBox(page, API_KEY);
    await waitForNotification(page, /API key saved/);
  });

  after(async () => {
    await session?.close();
  });

  test('@claude answers through the fallback, narrating it, with Copy Request IDs and Show Diagnostics', async () => {
    await runCommand(page, 'Chat: Open Chat', 60_000);
    // Without a choice of the user's, the picker selects "Claude (resilient)": the configured chain.
    const picker = page.locator(`${CHAT} .interactive-input-part`).first();
    try {
      await picker.filter({ hasText: 'Claude (resilient)' }).waitFor({ timeout: 60_000 });
    } catch (error) {
      await screenshot(page, 'chat-model-picker-timeout');
      throw error;
    }
    const input = page.locator(`${CHAT} .interactive-input-part .monaco-editor`).first();
    await input.click();
    await page.keyboard.type(`@claude ${PROMPT}`, { delay: 10 });
    await page.keyboard.press('Enter');

    const response = lastResponse(page);
    let narration = '';
    try {
      // While the manager works, its narration shows as progress.
      await response.filter({ hasText: /Opus overloaded — (retrying in \d+ s|trying Sonnet 5\.5)/ }).waitFor({ timeout: 60_000 });
      await screenshot(page, 'chat-claude-narration');
      narration = (await response.innerText()).replace(/\s+/g, ' ');
      await response.filter({ hasText: 'Show Diagnostics' }).waitFor({ timeout: 90_000 });
    } catch (error) {
      await screenshot(page, 'chat-answer-timeout');
      throw error;
    }
    await sleep(500);
    // The finished answer folds its progress lines into "Completed N steps"; open them.
    await response.getByRole('button', { name: /Completed \d+ steps?/ }).first().click({ timeout: 5_000 }).catch(() => undefined);
    await sleep(300);
    await screenshot(page, 'chat-claude-fallback-answer');
    const shown = (await response.innerText()).replace(/\s+/g, ' ');
    assert.ok(shown.includes(canonicalAnswer(PROMPT).replace(/\s+/g, ' ').slice(0, 40)), `the answer is shown: ${shown}`);
    assert.match(narration, /Opus overloaded — (retrying in \d+ s|trying Sonnet 5\.5)/, 'the narration');
    assert.match(shown, /Answered by Sonnet 5\.5 — Opus overloaded/);
    // Said once, progress lines opened or not (issue 23, item 9: it was a progress line and again under the answer).
    assert.equal(shown.split('Answered by Sonnet 5.5 — Opus overloaded').length - 1, 1, `the fallback line once: ${shown}`);
    assert.match(shown, /Copy Request IDs?/);

    const ids = simulator.stats().requests.filter((r) => r.path === '/v1/messages').map((r) => r.requestId);
    await response.getByRole('button', { name: /Copy Request IDs?/ }).click();
    await waitForNotification(page, /Copied \d+ request ID/);
    assert.equal(await readClipboard(page), ids.join('\n'));

    await response.getByRole('button', { name: 'Show Diagnostics' }).click();
    const frame = page.locator('iframe.webview.ready').last().contentFrame().frameLocator('#active-frame');
    const opusRow = frame.locator(`table.summary tr[data-model="${OPUS}"]`);
    await opusRow.waitFor({ timeout: 30_000 });
    const opus529 = simulator.stats().requests.filter((r) => r.model === OPUS && r.outcome === '529').length;
    assert.ok(opus529 > 0);
    const deadline = Date.now() + 15_000;
    let count = -1;
    while (Date.now() < deadline) {
      count = Number(await opusRow.locator('td[data-count="overloaded529"]').innerText());
      if (count === opus529) break;
      await sleep(300);
    }
    await screenshot(page, 'chat-claude-diagnostics-529s');
    assert.equal(count, opus529, 'the panel counts the 529s the chat request met');
    // Its failed attempts are labelled as the chat's in the Failures tab's Client column.
    await frame.locator('vscode-tab-header', { hasText: 'Failures' }).click();
    const clients = frame.locator('table.failures-table tbody tr td.client');
    await clients.first().waitFor({ timeout: 10_000 });
    assert.deepEqual([...new Set((await clients.allInnerTexts()).map((t) => t.trim()))], ['VS Code Chat']);
  });

  test('Copilot\'s agent (signed out) answers through Claude (resilient): its system prompt and tools convert and the simulator accepts them', async () => {
    simulator.setScenario('healthy');
    simulator.reset();
    const input = page.locator(`${CHAT} .interactive-input-part .monaco-editor`).first();
    await input.click();
    // @claude is sticky: clear it so the message goes to the default agent.
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('Say hello in one short line.', { delay: 10 });
    await page.keyboard.press('Enter');
    const deadline = Date.now() + 90_000;
    let sent: ReturnType<RunningSimulator['stats']>['requests'] = [];
    while (Date.now() < deadline) {
      sent = simulator.stats().requests.filter((r) => r.path === '/v1/messages');
      if (sent.length > 0 && sent.every((r) => r.outcome !== undefined)) break;
      await sleep(500);
    }
    await sleep(3000);
    await screenshot(page, 'chat-copilot-agent-through-provider');
    sent = simulator.stats().requests.filter((r) => r.path === '/v1/messages');
    assert.ok(sent.length > 0, 'the agent sent its request through our provider');
    const last = lastResponse(page);
    assert.equal(await last.getByRole('button', { name: /Copy Request ID/ }).count(), 0, 'the answer is the agent\'s, not @claude\'s');
    assert.deepEqual(sent.filter((r) => r.status === 400).map((r) => r.requestId), [], 'no request was refused as invalid');
  });
});
