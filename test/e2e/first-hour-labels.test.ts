// Issue 23, the first hour tried again, in a real VS Code (code-server through Chromium) with an
// overload rehearsal instead of a key, as the demo runs it: labels that follow the running scenario
// and the primary model (item 6), and flaky-network and rate-limit-storm
// showing a fault in each question at a human pace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  askClaude,
  clearNotifications,
  flat,
  openRehearsalSession,
  paletteCommand,
  pickQuickPickItem,
  quickPickItems,
  readClipboard,
  reloadWindow,
  statusLabel,
  until,
  waitForNotification,
  webviewFrame,
} from './harness';
import type { E2eSession } from './harness';

const SUITE = 'first-hour-labels';
const command = (page: Page, label: string): Promise<void> => paletteCommand(page, label, SUITE);
const ask = (page: Page, question: string): Promise<string> => askClaude(page, question, SUITE);

/** The diagnostics panel's banners, as shown. */
async function banners(page: Page): Promise<string> {
  return flat(await webviewFrame(page).locator('.banners').innerText().catch(() => ''));
}

describe('the first hour, tried again: rehearsal labels and pace (issue 23)', { timeout: 15 * 60_000 }, () => {
  let session: E2eSession;
  let page: Page;

  before(async () => {
    session = await openRehearsalSession(SUITE);
    page = session.page;
  });

  after(async () => {
    await session?.close();
  });

  test('item 6: answers are marked simulated, the picker shows the running scenario by role, and the labels, links and a reload follow the switch', async () => {
    await clearNotifications(page);
    const first = await ask(page, 'Who answers during the outage?');
    assert.match(first, /Simulated — overload rehearsal "primary-outage"/);

    // The panel: the rehearsal label; the simulated incident's Details link stays on this machine.
    await command(page, 'Resilient Claude: Show Diagnostics');
    await until('the rehearsal banner', () => banners(page), (b) => /overload rehearsal "primary-outage"/.test(b), 60_000);
    const details = webviewFrame(page).locator('.banners a', { hasText: 'Details' }).first();
    await details.waitFor({ state: 'visible', timeout: 60_000 });
    const href = (await details.getAttribute('href')) ?? '';
    assert.match(href, /^http:\/\/127\.0\.0\.1:\d+\/incidents\//, `the incident link stays on the machine: ${href}`);
    assert.doesNotMatch(flat(await webviewFrame(page).locator('body').innerText()), /All Systems Operational/);
    assert.match(await banners(page), /Elevated errors on claude-opus-5-5/);

    // The picker says which scenario runs, and describes the outage by role.
    await command(page, 'Resilient Claude: Start Overload Rehearsal…');
    const rows = await until('the scenarios', () => quickPickItems(page), (r) => r.length >= 7);
    const running = rows.find((r) => r.label.includes('primary-outage'));
    assert.match(running?.description ?? '', /running now/);
    assert.match(running?.detail ?? '', /^Your primary model \(claude-opus-5-5\)/);
    assert.ok(rows.every((r) => !/\bOpus\b|Sonnet and Haiku/.test(r.detail ?? '')), JSON.stringify(rows.map((r) => r.detail)));
    await pickQuickPickItem(page, 'flaky-network');
    await waitForNotification(page, /Overload rehearsal "flaky-network" is running/, 30_000);

    // At a human pace the flaky network shows: the first attempt meets a fault, the retry answers.
    const second = await ask(page, 'Does the network flake?');
    assert.match(second, /Answered by \S+ .*· [2-9] attempts/);
    assert.match(second, /Simulated — overload rehearsal "flaky-network"/);

    await command(page, 'Resilient Claude: Show Diagnostics');
    await until('the banner names the new scenario', () => banners(page), (b) => /overload rehearsal "flaky-network"/.test(b), 60_000);
    await command(page, 'Resilient Claude: Copy Escalation Report');
    const report = await until('the report on the clipboard', () => readClipboard(page), (r) => /flaky-network/.test(r), 20_000);
    assert.match(report, /overload rehearsal "flaky-network"/);

    // A reload resumes the scenario that ran, and says so.
    await clearNotifications(page);
    await reloadWindow(page);
    await waitForNotification(page, /Overload rehearsal "flaky-network" resumed after the reload/, 90_000);
    await until('the status bar names the resumed scenario', () => statusLabel(page), (l) => /Overload rehearsal flaky-network/.test(l), 30_000);
  });

  test('human pace: rate-limit-storm shows a 429 on the second question a few seconds after the first', async () => {
    await clearNotifications(page);
    await command(page, 'Resilient Claude: Start Overload Rehearsal…');
    await until('the scenarios', () => quickPickItems(page), (r) => r.length >= 7);
    await pickQuickPickItem(page, 'rate-limit-storm');
    await waitForNotification(page, /Overload rehearsal "rate-limit-storm" is running/, 30_000);
    await ask(page, 'First question in the storm?');
    const second = await ask(page, 'Second question in the storm?');
    assert.match(second, /Answered by \S+ .*(· [2-9] attempts|fell back)/);
    assert.match(second, /Simulated — overload rehearsal "rate-limit-storm"/);
  });
});
