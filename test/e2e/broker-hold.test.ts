// A rate-limit hold as a user meets it in a real VS Code: two browser pages on one code-server are
// two windows sharing one broker. Window A's request meets a 429 whose retry-after is longer than a
// request waits, so the broker holds A's key off the primary; window B, on the same key, has sent
// nothing and shows the hold in its status bar within seconds. "Reset Circuit Breakers" in B clears
// it in both; a hold that runs out clears in both without anyone acting. A window whose stored key
// changes (Set API Key) shows the holds of its new key, not of the old one. The keys never show.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  askClaude,
  ensureTestResultsDir,
  fillInputBox,
  openSession,
  paletteCommand,
  readStatusTooltip,
  sleep,
  statusLabel,
  tooltipRowFor,
  until,
} from './harness';
import type { E2eSession } from './harness';
import type { RunningSimulator } from '../../src/simulator/index';

const SUITE = 'broker-hold';
const KEY = 'sk-ant-e2e-hold-7f3b9c2e41d0';
const OTHER_KEY = 'sk-ant-e2e-hold-other-a86e15c3';
const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';
const SUITE_TIMEOUT_MS = 6 * 60_000;
const HEALTHY = /healthy, using claude-opus-5-5/;
/** A held primary: new requests start on the fallback. */
const HELD_LABEL = /degraded, serving from fallback claude-sonnet-5-5/;
const FAST = { latencyMs: 5, ttftMs: 5, tokensPerSecond: 2000 };


/** Opus's row of the status tooltip, once `holds` is true of it (hovered again for about `timeoutMs`). */
async function opusRow(page: Page, what: string, holds: (row: string) => boolean, timeoutMs = 30_000): Promise<string> {
  const table = await readStatusTooltip(page, what, (t) => {
    const row = tooltipRowFor(t, OPUS);
    return row !== undefined && holds(row);
  }, { hovers: Math.ceil(timeoutMs / 1000), pauseMs: 500 });
  shown.push(table.text);
  return tooltipRowFor(table, OPUS)!;
}

const held = (row: string): boolean => /rate-limited until \d\d:\d\d/.test(row);

/** Everything the pages showed that the test read (tooltips, labels, answers): searched for the keys at the end. */
const shown: string[] = [];

async function waitForLabel(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const label = await until(`the status bar matching ${pattern}`, () => statusLabel(page), (l) => pattern.test(l), timeoutMs);
  shown.push(label);
  return label;
}

async function setKey(page: Page, key: string): Promise<void> {
  await paletteCommand(page, 'Resilient Claude: Set API Key', SUITE);
  await fillInputBox(page, key);
}

describe('A rate-limit hold shows in a window that has sent nothing (two windows, one broker)', { timeout: SUITE_TIMEOUT_MS }, () => {
  let session: E2eSession;
  let simulator: RunningSimulator;
  let windowA: Page;
  let windowB: Page;

  const requests = (): number => simulator.stats().requests.length;

  /** Opus allows `KEY` one request a minute, answering more with this retry-after (other keys are not
   *  limited); the minute's one request is used up here, so the windows' next one on Opus meets the 429. */
  async function limitKey(retryAfterS: number): Promise<void> {
    simulator.setScenario({ models: { [OPUS]: { rateLimit: { requestsPerMinute: 1, retryAfterS, keys: [KEY] } } }, defaults: FAST });
    simulator.reset();
    const used = await fetch(`${simulator.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': KEY },
      body: JSON.stringify({ model: OPUS, max_tokens: 16, messages: [{ role: 'user', content: 'the minute s one request' }] }),
    });
    await used.text();
    assert.equal(used.status, 200, "the minute's one request on the key");
  }

  before(async () => {
    session = await openSession({
      name: SUITE,
      // No key check: the windows use two keys; the rate limit names the one it limits.
      simulator: { scenario: 'healthy' },
      codeServer: (simulatorUrl, opened) => {
        const runtimeDir = join(opened.sandbox, 'run');
        mkdirSync(runtimeDir, { mode: 0o700 });
        return {
          machineSettings: { 'resilientClaude.baseUrl': simulatorUrl },
          settings: {
            'resilientClaude.model': OPUS,
            'resilientClaude.fallbackModels': [SONNET],
            'files.hotExit': 'off',
          },
          env: { RESILIENT_CLAUDE_RUNTIME_DIR: runtimeDir },
        };
      },
      window: false,
    });
    session.keepOutputLog(SUITE);
    simulator = session.simulator;
    windowA = await session.openWindow();
    windowB = await session.openWindow();
    for (const page of [windowA, windowB]) await setKey(page, KEY);
    await waitForLabel(windowA, HEALTHY, 60_000);
    await waitForLabel(windowB, HEALTHY, 60_000);
    await readStatusTooltip(windowB, 'two windows sharing', (t) => /Shared by 2 windows/.test(t.text), { hovers: 60, pauseMs: 500 });
  });

  after(async () => {
    await session?.close();
  });

  test("window A meets a 429: window B shows the hold within seconds without sending; Reset Circuit Breakers in B clears it in both", async () => {
    await limitKey(600);
    const answer = await askClaude(windowA, 'What does window A meet on the rate-limited key?', SUITE);
    shown.push(answer);
    assert.match(answer, /Answered by claude-sonnet-5-5 \(fell back from claude-opus-5-5\)/);
    const answeredAt = Date.now();
    const sent = requests();
    assert.equal(simulator.stats().requests.filter((r) => r.status === 429).length, 1, 'one 429 on the primary, then the fallback');

    const row = await opusRow(windowB, "the primary's hold", held, 10_000);
    const lag = Date.now() - answeredAt;
    assert.match(row, /claude-opus-5-5 \(primary\) .*rate-limited until/);
    await waitForLabel(windowB, HELD_LABEL, 5_000);
    assert.match(await opusRow(windowA, "the primary's hold", held), /rate-limited until/);
    assert.equal(requests(), sent, 'window B sent nothing');
    writeFileSync(join(ensureTestResultsDir(), `${SUITE}-lag.txt`), `A's answer written → B's status bar shows the hold: ${lag} ms\n`);

    await paletteCommand(windowB, 'Resilient Claude: Reset Circuit Breakers', SUITE);
    await opusRow(windowB, 'the primary without a hold', (row) => !held(row), 15_000);
    await waitForLabel(windowB, HEALTHY, 10_000);
    // A still says its last answer came from the fallback (its own request's; the reset was B's).
    await opusRow(windowA, 'the primary without a hold', (row) => !held(row), 15_000);
    assert.equal(requests(), sent, 'the reset sent nothing');
  });

  test('a hold that runs out leaves both status bars without anyone acting', async () => {
    // Longer than a request waits on a retry-after (20 s): a hold, short enough to see it end.
    await limitKey(22);
    const answer = await askClaude(windowA, 'And when the limit is short?', SUITE);
    assert.match(answer, /Answered by claude-sonnet-5-5/);
    const heldFrom = Date.now();
    await opusRow(windowB, "the primary's hold", held, 10_000);
    await opusRow(windowA, "the primary's hold", held, 10_000);
    // Nobody sends or clicks: the tooltips turn when the hold (22 s from the 429) ends.
    await opusRow(windowB, 'the primary once its hold ended', (row) => !held(row), 45_000);
    assert.ok(Date.now() - heldFrom >= 15_000, 'B showed the hold until it ended');
    await opusRow(windowA, 'the primary once its hold ended', (row) => !held(row), 10_000);
  });

  test('a window whose stored key changes shows the holds of its new key, not of its old one', async () => {
    await paletteCommand(windowA, 'Resilient Claude: Reset Circuit Breakers', SUITE);
    await waitForLabel(windowA, HEALTHY, 10_000);
    await setKey(windowB, OTHER_KEY);
    await limitKey(600);
    await askClaude(windowA, 'Which key is held now?', SUITE);
    await opusRow(windowA, "the primary's hold", held, 10_000);
    const sent = requests();
    // B's key is not limited: B shows no hold (A's tooltip above shows the broker has placed it).
    for (let look = 0; look < 3; look++) {
      await sleep(500);
      assert.ok(!held(await opusRow(windowB, "the primary's row", () => true)), 'B, on another key, shows no hold');
    }

    // B takes the held key: the hold shows, without a request.
    await setKey(windowB, KEY);
    await opusRow(windowB, "the primary's hold on the key it now has", held, 15_000);
    // And back: the old key's hold is no longer B's.
    await setKey(windowB, OTHER_KEY);
    await opusRow(windowB, "the primary without the old key's hold", (row) => !held(row), 15_000);
    assert.equal(requests(), sent, 'window B sent nothing');
  });

  test('no key shows in either window', async () => {
    for (const page of [windowA, windowB]) shown.push(await page.content(), await page.locator('body').innerText());
    const everything = shown.join('\n');
    assert.ok(everything.length > 1000, 'the pages were read');
    for (const key of [KEY, OTHER_KEY]) assert.ok(!everything.includes(key), 'a key reached what a window shows');
  });
});
