// Provider failover in a real VS Code: with providers ["anthropic", "bedrock"] and AWS credentials
// set through the command palette, a primary model that answers 529 on every Anthropic request is
// answered by the same model through Amazon Bedrock (the simulator serves both wire formats), and
// the AWS secret shows up in no log and no page text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  ensureTestResultsDir,
  fillInputBox,
  openSession,
  pickQuickPickItem,
  quickPickItems,
  runCommand,
  sleep,
  statusBarItem,
  waitForEditorText,
  waitForNotification,
  waitForQuickInput,
} from './harness';
import type { E2eSession } from './harness';
import { canonicalAnswer } from '../../src/simulator/index';
import type { RunningSimulator } from '../../src/simulator/index';

const ANTHROPIC_KEY = 'sk-ant-e2e-providers-3c8b1d9e';
const AWS_ACCESS_KEY_ID = 'AKIAE2EPROVIDERS0001';
const AWS_SECRET = 'e2eAwsSecret/7QvZp4Lk9XwR2sTn5YbH8cJd';
const STATUS_ID = 'resilient-claude.status';
const OPUS = 'claude-opus-5-5';
const QUESTION = 'Which provider answers during an Anthropic outage?';
const SUITE_TIMEOUT_MS = 6 * 60_000;

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((name) => {
    const file = join(root, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

describe('Provider failover to Amazon Bedrock in a real VS Code', { timeout: SUITE_TIMEOUT_MS }, () => {
  let session: E2eSession;
  let simulator: RunningSimulator;
  let page: Page;
  let userDataDir: string;

  before(async () => {
    session = await openSession({
      name: 'providers',
      // Opus answers 529 on every Anthropic-path request; the Bedrock id (anthropic.claude-opus-5-5,
      // named here) keeps Opus healthy on Bedrock only.
      simulator: {
        scenario: {
          name: 'anthropic-opus-outage',
          defaults: { latencyMs: 5, ttftMs: 5, tokensPerSecond: 5000, outputTokens: 12 },
          models: { [OPUS]: { p529: 1 }, [`anthropic.${OPUS}`]: {} },
        },
      },
      codeServer: (simulatorUrl) => ({
        machineSettings: { 'resilientClaude.baseUrl': simulatorUrl, 'resilientClaude.bedrock.baseUrl': simulatorUrl },
        settings: {
          'resilientClaude.providers': ['anthropic', 'bedrock'],
          'resilientClaude.bedrock.region': 'us-east-1',
          'files.hotExit': 'off',
        },
      }),
    });
    ({ simulator, page, userDataDir } = session);
  });

  after(() => session?.close());

  test('credentials set through the palette; a 529 on every Anthropic request is answered through Bedrock', async () => {
    await runCommand(page, 'Resilient Claude: Set API Key');
    await fillInputBox(page, ANTHROPIC_KEY);
    await waitForNotification(page, /API key saved/);

    await runCommand(page, 'Resilient Claude: Set AWS Credentials for Bedrock');
    await pickQuickPickItem(page, 'AWS access key ID and secret access key');
    await fillInputBox(page, AWS_ACCESS_KEY_ID, { prompt: /access key ID/ });
    await fillInputBox(page, AWS_SECRET, { prompt: /secret access key for/ });
    await waitForNotification(page, /Bedrock credentials saved in secret storage/);

    await runCommand(page, 'Resilient Claude: Ask Claude…');
    await fillInputBox(page, QUESTION);
    const text = await waitForEditorText(page, /Answered by/, 45_000);
    assert.match(text, /Answered by claude-opus-5-5 via Bedrock \(fell back from claude-opus-5-5 via Anthropic\)/);
    assert.ok(text.replace(/\s+/g, ' ').includes(canonicalAnswer(QUESTION)), `the whole answer in:\n${text}`);

    const requests = simulator.stats().requests;
    const anthropic = requests.filter((r) => r.path.startsWith('/v1/messages'));
    const bedrock = requests.filter((r) => r.path.startsWith('/model/'));
    assert.ok(anthropic.length >= 1 && anthropic.every((r) => r.status === 529), 'every Anthropic request was overloaded');
    assert.equal(bedrock.length, 1, 'one request went to Bedrock');
    assert.equal(bedrock[0]?.path, `/model/global.anthropic.${OPUS}/invoke-with-response-stream`);
    assert.equal(bedrock[0]?.status, 200);

    // The status bar tells which provider serves, and its tooltip lists the routes per provider.
    const label = (await statusBarItem(page, STATUS_ID).getAttribute('aria-label')) ?? '';
    assert.match(label, /from fallback provider Bedrock/);
    assert.match(await statusBarItem(page, STATUS_ID).innerText(), /\(Bedrock\)/);
    await statusBarItem(page, STATUS_ID).hover();
    const tooltip = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Provider' }).first();
    await tooltip.waitFor({ state: 'visible', timeout: 15_000 });
    const tooltipText = await tooltip.innerText();
    assert.match(tooltipText, /Anthropic/);
    assert.match(tooltipText, /Bedrock/);
    await page.screenshot({ path: join(ensureTestResultsDir(), 'providers-status-tooltip.png') });
    await page.keyboard.press('Escape');

    // The switcher shows each model's breaker on each provider.
    await statusBarItem(page, STATUS_ID).click();
    await waitForQuickInput(page);
    const deadline = Date.now() + 10_000;
    let opus = (await quickPickItems(page)).find((i) => i.label.includes(OPUS));
    while (Date.now() < deadline && !opus?.detail.includes('Bedrock')) {
      await sleep(200);
      opus = (await quickPickItems(page)).find((i) => i.label.includes(OPUS));
    }
    assert.match(opus?.detail ?? '', /Anthropic: .*breaker \w+.* · Bedrock: .*breaker closed/);
    await page.keyboard.press('Escape');
  });

  test('the AWS secret appears in no log and no page text', async () => {
    await runCommand(page, 'Resilient Claude: Show Log');
    await sleep(1500);
    const logs = filesUnder(join(userDataDir, 'logs'));
    assert.ok(logs.some((f) => f.includes('Resilient Claude')), 'the Output channel is written to a log file');
    const channel = logs.filter((f) => f.includes('Resilient Claude')).map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.match(channel, /bedrock/i, 'the log tells the request went to Bedrock');
    for (const file of logs) assert.ok(!readFileSync(file, 'utf8').includes(AWS_SECRET), `no AWS secret in ${file}`);
    assert.ok(!(await page.evaluate(() => document.body.innerText)).includes(AWS_SECRET), 'no AWS secret on screen');
    for (const file of filesUnder(join(userDataDir, 'User'))) {
      if (file.endsWith('.json')) assert.ok(!readFileSync(file, 'utf8').includes(AWS_SECRET), `no AWS secret in ${file}`);
    }
  });
});
