// The diagnostics panel in a real VS Code (code-server) driven through Chromium, with the
// extension's requests going to the simulator on 127.0.0.1: after a scripted brownout the
// panel's counts equal the simulator's, ids and the escalation report reach the clipboard,
// the panel survives a reload with its selection, and axe finds no serious problems.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import {
  ensureTestResultsDir,
  fillInputBox,
  openSession,
  readClipboard,
  repoRoot,
  runCommand,
  sleep,
  waitForNotification,
  pickQuickPickItem,
  waitForQuickInput,
  waitForWorkbench,
} from './harness';
import type { E2eSession } from './harness';
import type { RunningSimulator, Scenario, SimulatorStats } from '../../src/simulator/index';

const API_KEY = 'sk-ant-e2e-panel-7c1d9e3a5b';
const SUITE_TIMEOUT_MS = 8 * 60_000;
const MODELS = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'];
const QUESTIONS = 5;

/** Opus answers most requests with 529, Sonnet starts with a 503 then some 429s; Haiku is healthy. */
const BROWNOUT: Scenario = {
  name: 'panel-brownout',
  seed: 11,
  models: {
    'claude-opus-5-5': { p529: 0.7 },
    'claude-sonnet-5-5': { sequence: ['503'], p429: 0.3, retryAfterS: 1 },
  },
  statusPage: { indicator: 'major' as const, incidents: [{ name: 'Elevated errors on Claude Opus', status: 'investigating' }] },
};

function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** "Show Diagnostics" (opens the panel, or focuses it when open) and waits for its first render. */
async function showPanel(page: Page): Promise<FrameLocator> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, 'Resilient Claude: Show Diagnostics', 20_000);
      break;
    } catch (error) {
      if (attempt >= 2) throw error;
      // Keys can stay with a dialog or the webview after a save: give the workbench the focus back.
      await page.keyboard.press('Escape');
      await page.locator('.explorer-folders-view').click();
    }
  }
  const frame = panelFrame(page);
  await frame.locator('#app[data-rendered-at]').waitFor({ state: 'attached', timeout: 30_000 });
  return frame;
}

async function panelJsFrame(page: Page): Promise<Frame> {
  const handle = await page.frameLocator('iframe.webview.ready').locator('#active-frame').elementHandle({ timeout: 30_000 });
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error('the diagnostics webview frame is not there');
  return frame;
}

/** What the simulator saw per model on /v1/messages, in the panel's categories. */
function simulatorCounts(stats: SimulatorStats): Map<string, Record<string, number>> {
  const counts = new Map<string, Record<string, number>>();
  for (const r of stats.requests) {
    if (!r.path.startsWith('/v1/messages') || r.path.includes('count_tokens')) continue;
    const c = counts.get(r.model) ?? { attempts: 0, overloaded529: 0, rateLimited429: 0, server5xx: 0 };
    c.attempts = (c.attempts ?? 0) + 1;
    if (r.outcome === '529') c.overloaded529 = (c.overloaded529 ?? 0) + 1;
    else if (r.status === 429) c.rateLimited429 = (c.rateLimited429 ?? 0) + 1;
    else if (r.status >= 500 && r.status <= 599) c.server5xx = (c.server5xx ?? 0) + 1;
    counts.set(r.model, c);
  }
  return counts;
}

async function panelCounts(frame: FrameLocator, model: string): Promise<Record<string, number>> {
  const row = frame.locator(`table.summary tr[data-model="${model}"]`);
  if ((await row.count()) === 0) return { attempts: 0, overloaded529: 0, rateLimited429: 0, server5xx: 0 };
  const read = async (key: string): Promise<number> => Number(await row.locator(`td[data-count="${key}"]`).innerText());
  return {
    attempts: await read('attempts'),
    overloaded529: await read('overloaded529'),
    rateLimited429: await read('rateLimited429'),
    server5xx: await read('server5xx'),
  };
}

async function chooseOption(frame: FrameLocator, label: string, option: string): Promise<void> {
  const select = frame.locator(`vscode-single-select[label="${label}"]`);
  await select.click();
  await select.locator('[role="option"]', { hasText: option }).first().click();
  await frame.locator('body').press('Escape').catch(() => undefined);
}

async function selectValue(frame: FrameLocator, label: string): Promise<string> {
  return frame.locator(`vscode-single-select[label="${label}"]`).evaluate((el) => (el as HTMLElement & { value: string }).value);
}

describe('diagnostics panel in a real VS Code', { timeout: SUITE_TIMEOUT_MS }, () => {
  let session: E2eSession;
  let simulator: RunningSimulator;
  let page: Page;
  let workspace: string;

  before(async () => {
    session = await openSession({
      name: 'panel',
      simulator: { scenario: 'healthy', apiKey: API_KEY },
      codeServer: (simulatorUrl) => {
        // Settings that can redirect traffic are machine-scoped: in code-server (a remote window)
        // they are read from the machine's settings, not the user's.
        const machineSettings = {
          'resilientClaude.baseUrl': simulatorUrl,
          'resilientClaude.statusPage.url': `${simulatorUrl}/api/v2/summary.json`,
        };
        return { machineSettings, settings: { ...machineSettings, 'files.hotExit': 'off', 'workbench.colorTheme': 'Default Dark Modern' } };
      },
    });
    ({ simulator, page, workspace } = session);
    await runCommand(page, 'Resilient Claude: Set API Key', 60_000);
    await fillInputBox(page, API_KEY);
    await waitForNotification(page, /API key saved/);
  });

  after(() => session?.close());

  test('after a brownout the panel counts per model equal the simulator’s', async () => {
    simulator.setScenario(BROWNOUT);
    simulator.reset();
    for (let i = 0; i < QUESTIONS; i++) {
      await runCommand(page, 'Resilient Claude: Ask Claude…');
      await fillInputBox(page, `Brownout question number ${i + 1}?`);
      // Each answer settles (from some model) before the next question.
      try {
        await page.locator('.editor-group-container.active .view-lines', { hasText: /Answered\sby|Failed:/ }).first().waitFor({ timeout: 60_000 });
      } catch (error) {
        await page.screenshot({ path: join(ensureTestResultsDir(), 'panel-ask-timeout.png') });
        throw error;
      }
      await runCommand(page, 'View: Revert and Close Editor').catch(() => undefined);
    }
    const frame = await showPanel(page);
    await frame.locator('table.summary tr[data-model]').first().waitFor({ timeout: 30_000 });
    await sleep(1000);
    await page.screenshot({ path: join(ensureTestResultsDir(), 'panel-after-brownout.png') });
    const expected = simulatorCounts(simulator.stats());
    const panelRows = await frame.locator('table.summary tbody').innerText();
    assert.ok(
      (expected.get('claude-opus-5-5')?.overloaded529 ?? 0) > 0,
      `the brownout produced 529s; simulator: ${JSON.stringify([...expected])}; panel:\n${panelRows}`,
    );
    const deadline = Date.now() + 15_000;
    let shown = new Map<string, Record<string, number>>();
    while (Date.now() < deadline) {
      shown = new Map();
      for (const model of MODELS) shown.set(model, await panelCounts(frame, model));
      if (MODELS.every((m) => JSON.stringify(shown.get(m)) === JSON.stringify({ attempts: 0, overloaded529: 0, rateLimited429: 0, server5xx: 0, ...expected.get(m) }))) break;
      await sleep(300);
    }
    for (const model of MODELS) {
      assert.deepEqual(shown.get(model), { attempts: 0, overloaded529: 0, rateLimited429: 0, server5xx: 0, ...expected.get(model) }, model);
    }
    // The simulator posts an incident and opus is far above 5% 529s: the panel says retries won't help.
    await frame.locator('.banner.incident', { hasText: "retries won't fix this" }).waitFor({ timeout: 90_000 });
  });

  test('a row’s copy button puts exactly that row’s id on the clipboard', async () => {
    const frame = await showPanel(page);
    await frame.locator('vscode-tab-header', { hasText: 'Failures' }).click();
    const rows = frame.locator('table.failures-table tbody tr');
    await rows.first().waitFor({ timeout: 10_000 });
    const failedIds = new Set(simulator.stats().requests.filter((r) => r.status >= 400).map((r) => r.requestId));
    const count = await rows.count();
    assert.equal(count, failedIds.size, 'one row per failed attempt');
    // The Client column: these requests were the editor's own (the Ask command).
    assert.deepEqual([...new Set((await rows.locator('td.client').allInnerTexts()).map((t) => t.trim()))], ['VS Code'], 'every failure names the editor as its client');
    const row = rows.nth(Math.min(1, count - 1));
    const id = (await row.locator('code[data-id-kind="requestId"]').innerText()).trim();
    await row.locator('td.id').first().locator('button.copy').click();
    await frame.locator('.toast.visible', { hasText: `Copied request id ${id}` }).waitFor({ timeout: 10_000 });
    assert.equal((await readClipboard(page)).trim(), id);
    assert.ok(failedIds.has(id), `${id} is a failed request the simulator answered`);
  });

  test('from the keyboard alone: Tab reaches a copy button and Enter copies its id', async () => {
    const frame = await showPanel(page);
    await frame.locator('vscode-tab-header', { hasText: 'Failures' }).click();
    await frame.locator('.failures .caption').click();
    let label = '';
    for (let i = 0; i < 40 && !label.startsWith('Copy request id'); i++) {
      await page.keyboard.press('Tab');
      label = (await frame.locator('button.copy:focus').getAttribute('aria-label', { timeout: 200 }).catch(() => null)) ?? '';
    }
    assert.match(label, /^Copy request id req_/, 'a copy button took the focus');
    const id = label.replace('Copy request id ', '');
    await page.keyboard.press('Enter');
    await frame.locator('.toast.visible', { hasText: `Copied request id ${id}` }).waitFor({ timeout: 10_000 });
    assert.equal((await readClipboard(page)).trim(), id);
  });

  test('the escalation report from the panel lists the window’s failures and ids and no secret', async () => {
    const frame = await showPanel(page);
    await frame.locator('#copy-report').click();
    await frame.locator('.toast.visible', { hasText: 'Copied the escalation report' }).waitFor({ timeout: 10_000 });
    const report = await readClipboard(page);
    assert.match(report, /escalation report/i);
    const failedIds = simulator.stats().requests.filter((r) => r.status >= 400).map((r) => r.requestId);
    for (const id of failedIds) assert.ok(report.includes(id), `report lists ${id}`);
    assert.ok(!report.includes(API_KEY), 'no API key in the report');
    assert.ok(!/sk-ant-/.test(report), 'nothing key-shaped in the report');
  });

  test('"Export JSON" saves the window’s history through the save dialog, without secrets', async () => {
    const frame = await showPanel(page);
    await frame.locator('#export-json').click();
    // code-server's save dialog is the workbench's simple file dialog: the proposed path is filled in.
    const input = (await waitForQuickInput(page, 15_000)).locator('.quick-input-box input');
    let proposed = '';
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(200)) {
      proposed = await input.inputValue().catch(() => '');
      if (/resilient-claude-diagnostics-.*\.json$/.test(proposed)) break;
    }
    assert.match(proposed, /resilient-claude-diagnostics-.*\.json$/);
    await input.press('Enter');
    await frame.locator('.toast.visible', { hasText: 'Exported to' }).waitFor({ timeout: 15_000 });
    const saved = readdirSync(workspace).find((f) => /^resilient-claude-diagnostics-.*\.json$/.test(f));
    assert.ok(saved, `a file in ${readdirSync(workspace).join(', ')}`);
    const text = readFileSync(join(workspace, saved), 'utf8');
    assert.ok(!text.includes(API_KEY), 'no API key in the export');
    const exported = JSON.parse(text) as { kind: string; window: string; history: { failures: Array<{ requestId: string | null }> } };
    assert.equal(exported.kind, 'resilient-claude-diagnostics');
    assert.equal(exported.window, '1h');
    const failedIds = simulator.stats().requests.filter((r) => r.status >= 400).map((r) => r.requestId).sort();
    assert.deepEqual(exported.history.failures.map((f) => f.requestId).sort(), failedIds);
    await page.locator('.explorer-folders-view').click(); // the dialog leaves the keys with the webview
  });

  test('axe finds no serious or critical accessibility problems in the panel', async () => {
    await showPanel(page);
    const frame = await panelJsFrame(page);
    const axeSource = readFileSync(join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');
    await frame.evaluate(axeSource);
    const violations = await frame.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown }> }> }> } }).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
    });
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));
  });

  test('dark and light theme screenshots', async () => {
    const dir = ensureTestResultsDir();
    const frame = await showPanel(page);
    await frame.locator('vscode-tab-header', { hasText: 'History' }).click();
    await frame.locator('figure.chart canvas').first().waitFor({ timeout: 10_000 });
    await sleep(500);
    await page.screenshot({ path: join(dir, 'panel-dark-history.png') });
    await runCommand(page, 'Preferences: Color Theme');
    await pickQuickPickItem(page, 'Light Modern');
    await page.locator('.monaco-workbench.vs:not(.vs-dark)').waitFor({ timeout: 20_000 });
    await sleep(1000);
    await page.screenshot({ path: join(dir, 'panel-light-history.png') });
    await frame.locator('vscode-tab-header', { hasText: 'Breakers' }).click();
    await sleep(300);
    await page.screenshot({ path: join(dir, 'panel-light-breakers.png') });
  });

  test('Show Diagnostics keeps one panel; a breaker card’s "Use now" switches the primary model', async () => {
    await showPanel(page);
    const frame = await showPanel(page);
    assert.equal(await page.locator('.tabs-container .tab', { hasText: 'Resilient Claude Diagnostics' }).count(), 1, 'one panel');
    await frame.locator('vscode-tab-header', { hasText: 'Breakers' }).click();
    const opus = frame.locator('article.card[data-route="anthropic:claude-opus-5-5"]');
    await opus.locator('vscode-button', { hasText: 'Reset' }).click();
    await frame.locator('.toast.visible', { hasText: 'Breaker reset: anthropic:claude-opus-5-5' }).waitFor({ timeout: 10_000 });
    const haiku = frame.locator('article.card[data-route="anthropic:claude-haiku-5-5"]');
    await haiku.locator('vscode-button', { hasText: 'Use now' }).click();
    await waitForNotification(page, /next requests use claude-haiku-5-5/);
    await haiku.locator('.badge', { hasText: 'primary' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ensureTestResultsDir(), 'panel-light-breakers.png') });
  });

  test('the panel survives a window reload with its selection intact', async () => {
    const frame = await showPanel(page);
    await chooseOption(frame, 'History window', 'Last 15 minutes');
    await chooseOption(frame, 'Filter by model', 'claude-opus-5-5');
    await chooseOption(frame, 'Filter by error class', 'overloaded');
    await frame.locator('vscode-tab-header', { hasText: 'Failures' }).click();
    await sleep(500);
    assert.equal(await frame.locator('#app').getAttribute('data-window'), '15m', 'the window was chosen before the reload');
    await page.screenshot({ path: join(ensureTestResultsDir(), 'panel-before-reload.png') });
    await page.reload();
    await waitForWorkbench(page);
    const restored = panelFrame(page);
    await restored.locator('#app[data-rendered-at]').waitFor({ state: 'attached', timeout: 60_000 });
    await page.screenshot({ path: join(ensureTestResultsDir(), 'panel-after-reload.png') });
    await restored.locator('table.failures-table tbody tr').first().waitFor({ timeout: 60_000 });
    assert.equal(await selectValue(restored, 'History window'), '15m');
    assert.equal(await selectValue(restored, 'Filter by model'), 'claude-opus-5-5');
    assert.equal(await selectValue(restored, 'Filter by error class'), 'overloaded');
    assert.equal(await restored.locator('#app').getAttribute('data-snapshot-window'), '15m');
    const classes = await restored.locator('table.failures-table tbody tr').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-model')}/${r.getAttribute('data-class')}`));
    assert.ok(classes.length > 0 && classes.every((c) => c === 'claude-opus-5-5/overloaded'), classes.join(', '));
    assert.ok(await restored.locator('vscode-tab-panel table.failures-table').isVisible(), 'the Failures tab is selected');
    await page.screenshot({ path: join(ensureTestResultsDir(), 'panel-after-reload.png') });
  });
});
