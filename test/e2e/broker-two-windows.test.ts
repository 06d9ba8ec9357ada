// One request manager per user in a real VS Code: two browser pages on one code-server are two
// windows with two extension hosts, both clients of one broker. An outage window A meets opens
// the breaker that window B's status bar shows at once; B's next request goes straight to the
// fallback; B's diagnostics panel lists A's failed attempts. With the terminals setting on, the
// broker hosts one local endpoint for both (their own channels for it are not counted as more
// windows); it outlives window A for window B, closes when B goes too, and the broker exits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import {
  ensureTestResultsDir,
  fillInputBox,
  openSession,
  readStatusTooltip,
  runCommand,
  sleep,
  statusBarItem,
  tooltipRowFor,
} from './harness';
import type { E2eSession } from './harness';
import type { RunningSimulator } from '../../src/simulator/index';
import { brokerPids, eventually } from '../integration/broker/brokerKit';

const KEY = 'sk-ant-e2e-broker-5d2c8a1f';
const STATUS_ID = 'resilient-claude.status';
const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';
const SUITE_TIMEOUT_MS = 6 * 60_000;


async function statusLabel(page: Page): Promise<string> {
  return (await statusBarItem(page, STATUS_ID).getAttribute('aria-label', { timeout: 2_000 }).catch(() => '')) ?? '';
}

async function waitForStatus(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let label = '';
  while (Date.now() < deadline) {
    label = await statusLabel(page);
    if (pattern.test(label)) return label;
    await sleep(100);
  }
  throw new Error(`the status bar never matched ${pattern}; its label is "${label}"`);
}

/** The tooltip's text once the primary's row is laid out (hovered, read, left). */
async function tooltipText(page: Page): Promise<string> {
  return (await readStatusTooltip(page, "the primary's row", (t) => tooltipRowFor(t, OPUS) !== undefined)).text;
}

/** The tooltip's text once it matches `pattern`: hovered again every half second, about `timeoutMs` in all. */
async function waitForTooltip(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  return (await readStatusTooltip(page, String(pattern), (t) => pattern.test(t.text), { hovers: Math.ceil(timeoutMs / 1000), pauseMs: 500 })).text;
}

async function editorText(page: Page): Promise<string> {
  const lines = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  return (await lines.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
}

async function askAndWait(page: Page, question: string): Promise<string> {
  await runCommand(page, 'Resilient Claude: Ask Claude…');
  await fillInputBox(page, question);
  const deadline = Date.now() + 60_000;
  let text = '';
  while (Date.now() < deadline) {
    text = await editorText(page);
    if (/Answered by/.test(text)) return text;
    await sleep(200);
  }
  throw new Error(`no answer; the editor shows:\n${text}`);
}

async function showPanel(page: Page): Promise<FrameLocator> {
  await runCommand(page, 'Resilient Claude: Show Diagnostics', 20_000);
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await frame.locator('#app[data-rendered-at]').waitFor({ state: 'attached', timeout: 30_000 });
  return frame;
}

describe('Two windows share one request manager (broker) in a real VS Code', { timeout: SUITE_TIMEOUT_MS }, () => {
  let session: E2eSession;
  let simulator: RunningSimulator;
  let runtimeDir: string;
  let windowA: Page;
  let windowB: Page;

  before(async () => {
    session = await openSession({
      name: 'broker',
      simulator: { scenario: 'healthy', apiKey: KEY },
      codeServer: (simulatorUrl, opened) => {
        runtimeDir = join(opened.sandbox, 'run');
        mkdirSync(runtimeDir, { mode: 0o700 });
        return {
          machineSettings: { 'resilientClaude.baseUrl': simulatorUrl },
          settings: {
            'resilientClaude.model': OPUS,
            'resilientClaude.fallbackModels': [SONNET],
            'resilientClaude.breaker.openSeconds': 120,
            'resilientClaude.alert.threshold': 1,
            'resilientClaude.endpoint.terminals': true,
            'files.hotExit': 'off',
          },
          env: { RESILIENT_CLAUDE_RUNTIME_DIR: runtimeDir, RESILIENT_CLAUDE_BROKER_IDLE_MS: '2000' },
        };
      },
      window: false,
    });
    simulator = session.simulator;
    windowA = await session.openWindow();
    windowB = await session.openWindow();
  });

  // The brokers the windows start work in the sandbox's runtime folder: the session's teardown stops them too.
  after(async () => {
    await session?.close();
  });

  test('both windows are clients of one broker and say so in the tooltip', async () => {
    for (const page of [windowA, windowB]) {
      await runCommand(page, 'Resilient Claude: Set API Key');
      await fillInputBox(page, KEY);
    }
    await waitForStatus(windowA, /healthy, using claude-opus-5-5/, 60_000);
    await waitForStatus(windowB, /healthy, using claude-opus-5-5/, 60_000);
    await waitForTooltip(windowB, /Shared by 2 windows/, 60_000);
    assert.equal(brokerPids(runtimeDir).length, 1, 'one broker serves both windows');
  });

  test("window A's outage opens the breaker that window B shows within a second; B goes straight to the fallback", async () => {
    simulator.setScenario({ models: { [OPUS]: { p529: 1 } }, defaults: { latencyMs: 5, ttftMs: 5, tokensPerSecond: 2000 } });
    simulator.reset();
    // Watch both status bars while A meets the outage: A's turns when its own manager (the broker)
    // opens the breaker, B's when the broker's event reaches B's extension host.
    const watch = async (page: Page): Promise<number> => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (/degraded|down/.test(await statusLabel(page))) return Date.now();
        await sleep(25);
      }
      return 0;
    };
    let openedAt = 0;
    const watchSim = (async () => {
      const deadline = Date.now() + 60_000;
      while (openedAt === 0 && Date.now() < deadline) {
        if ((simulator.stats().byModel[OPUS]?.total ?? 0) >= 3) openedAt = Date.now();
        else await sleep(25);
      }
    })();
    const watching = Promise.all([watch(windowA), watch(windowB), watchSim]);
    const answerA = await askAndWait(windowA, 'What does window A see during the outage?');
    assert.match(answerA, /Answered by claude-sonnet-5-5 \(fell back from claude-opus-5-5\)/);
    const [aSawItAt, bSawItAt] = await watching;
    assert.ok(aSawItAt > 0 && bSawItAt > 0 && openedAt > 0, "both status bars changed");
    const lag = bSawItAt - aSawItAt;
    writeFileSync(
      join(ensureTestResultsDir(), 'broker-two-windows-lag.txt'),
      `third 529 served → A's status bar: ${aSawItAt - openedAt} ms; → B's: ${bSawItAt - openedAt} ms; B after A: ${lag} ms\n`,
    );
    assert.ok(lag <= 1_000, `B showed the open breaker ${lag} ms after A did`);
    const tooltip = await tooltipText(windowB);
    assert.match(tooltip, /claude-opus-5-5 \(primary\)\s+open/);

    const onPrimary = simulator.stats().byModel[OPUS]?.total ?? 0;
    const answerB = await askAndWait(windowB, 'And what does window B do next?');
    assert.match(answerB, /Answered by claude-sonnet-5-5/);
    assert.equal(simulator.stats().byModel[OPUS]?.total ?? 0, onPrimary, 'B made no attempt on the primary');
  });

  test("B's diagnostics panel lists A's failed attempts", async () => {
    const frame = await showPanel(windowB);
    await frame.locator('vscode-tab-header', { hasText: 'Failures' }).click();
    const rows = frame.locator('table.failures-table tbody tr');
    await rows.first().waitFor({ timeout: 20_000 });
    const shown = (await frame.locator('table.failures-table code[data-id-kind="requestId"]').allInnerTexts()).map((t) => t.trim());
    const failedOnA = simulator.stats().requests.filter((r) => r.status === 529).map((r) => r.requestId);
    assert.ok(failedOnA.length >= 3);
    for (const id of failedOnA) assert.ok(shown.includes(id), `${id} (window A's 529) is in window B's panel`);
    await windowB.screenshot({ path: join(ensureTestResultsDir(), 'broker-two-windows-panel.png') });
  });

  test('the broker hosts one local endpoint for both windows', async () => {
    const url = await endpointUrl();
    assert.equal((await askEndpoint(url)).status, 200);
    const log = readFileSync(join(runtimeDir, 'broker.log'), 'utf8');
    assert.equal(log.match(/Endpoint listening on /g)?.length, 1, 'one endpoint, started once, for both windows');
  });

  test('when both windows quit, the endpoint outlives the first for the second, then the broker exits', async () => {
    const pids = brokerPids(runtimeDir);
    assert.equal(pids.length, 1);
    const url = await endpointUrl();
    const left = (): number => readFileSync(join(runtimeDir, 'broker.log'), 'utf8').match(/Client \d+ left\./g)?.length ?? 0;
    const leftBefore = left();
    await windowA.close();
    // Window A's extension host leaves (its window channel and its endpoint channel) after code-server's grace.
    assert.ok(await eventually(() => left() >= leftBefore + 2, 90_000), "window A's extension host left the broker");
    assert.equal((await askEndpoint(url)).status, 200, 'the endpoint still serves window B');
    await windowB.close();
    // code-server ends an extension host a few seconds after its window goes (reconnection grace);
    // the broker then exits once its idle time (2 s here) passes with no client.
    assert.ok(await eventually(() => brokerPids(runtimeDir).length === 0, 90_000), 'the broker exited');
    const log = readFileSync(join(runtimeDir, 'broker.log'), 'utf8');
    assert.match(log, /Broker stopping: no client/);
    assert.match(log, /Endpoint on .* closed: no window wants it any more/);
  });

  /** Where the broker's endpoint listens (from its log). */
  async function endpointUrl(): Promise<string> {
    let url = '';
    assert.ok(
      await eventually(() => {
        url = /Endpoint listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(readFileSync(join(runtimeDir, 'broker.log'), 'utf8'))?.[1] ?? '';
        return url !== '';
      }, 60_000),
      'the broker started the endpoint',
    );
    return url;
  }

  function askEndpoint(url: string): Promise<Response> {
    return fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': KEY },
      body: JSON.stringify({ model: SONNET, max_tokens: 32, messages: [{ role: 'user', content: 'Which window hosts this?' }] }),
    });
  }
});
