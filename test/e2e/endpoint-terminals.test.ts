// Claude Code in VS Code's integrated terminal, through the local endpoint, in a real VS Code
// (code-server) driven through Chromium: with the setting off a new terminal has no
// ANTHROPIC_BASE_URL; turned on from the command palette (the editor's key), a new terminal has
// the endpoint's URL and its token, and a client there is served — with its own key, and with the
// token on the key stored in the editor — by the simulator through the endpoint the user's broker
// hosts for every window; the copy
// command gives the same lines for an outside shell; turned off, a new terminal is clean again and
// the endpoint is gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  clearNotifications,
  editUserSettings,
  fillInputBox,
  openSession,
  pickQuickPickItem,
  readClipboard,
  runCommand,
  screenshot,
  sleep,
  statusBarItem,
  waitForNotification,
} from './harness';
import type { E2eSession } from './harness';

const KEY = 'sk-ant-e2e-endpoint-5d2c7a9f1b';
const OPUS = 'claude-opus-5-5';
/** Outside the chain and always overloaded: a request for it falls back to Haiku 5.5. */
const OLD_HAIKU = 'claude-haiku-4-9';
const SUITE_TIMEOUT_MS = 8 * 60_000;

/** What a shell in a new integrated terminal sees of ANTHROPIC_* (variable → value). */
async function newTerminalEnv(page: Page, session: E2eSession, name: string): Promise<Record<string, string>> {
  const out = join(session.sandbox, `${name}.env`);
  await runCommand(page, 'Terminal: Create New Terminal', 60_000);
  const deadline = Date.now() + 120_000;
  // The shell may still be starting when the first keys arrive: type the line again until it ran.
  while (!existsSync(out)) {
    if (Date.now() > deadline) {
      await screenshot(page, `endpoint-terminal-${name}`);
      throw new Error(`the command typed into terminal "${name}" never ran`);
    }
    const input = page.locator('.terminal-wrapper.active .xterm-helper-textarea, .terminal.xterm.focus .xterm-helper-textarea').first();
    await input.focus().catch(() => undefined);
    await page.keyboard.type(`env | grep '^ANTHROPIC_' > '${out}.part'; mv '${out}.part' '${out}'`, { delay: 5 });
    await page.keyboard.press('Enter');
    const typed = Date.now();
    while (!existsSync(out) && Date.now() - typed < 20_000) await sleep(250);
  }
  const env: Record<string, string> = {};
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  rmSync(out, { force: true });
  return env;
}

async function ask(url: string, headers: Record<string, string>, model = OPUS): Promise<{ status: number; model: string | null; body: string }> {
  const response = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'user-agent': 'curl/8.5.0', ...headers },
    body: JSON.stringify({ model, max_tokens: 64, messages: [{ role: 'user', content: 'Which terminal is this?' }] }),
  });
  return { status: response.status, model: response.headers.get('x-resilient-claude-model'), body: await response.text() };
}

describe('Claude clients in integrated terminals use the local endpoint when the setting is on', { timeout: SUITE_TIMEOUT_MS }, () => {
  let session: E2eSession;
  let page: Page;
  const runtimeDir = (): string => join(session.sandbox, 'run');

  before(async () => {
    // The runner's own environment must not make a terminal look configured.
    delete process.env['ANTHROPIC_BASE_URL'];
    delete process.env['ANTHROPIC_API_KEY'];
    session = await openSession({
      name: 'endpoint-terminals',
      simulator: {
        scenario: { name: 'endpoint-terminals', defaults: { latencyMs: 2, ttftMs: 2, tokensPerSecond: 5000, outputTokens: 8 }, models: { [OLD_HAIKU]: { p529: 1 } } },
        apiKey: KEY,
      },
      codeServer: (simulatorUrl, s) => ({
        machineSettings: { 'resilientClaude.baseUrl': simulatorUrl },
        // The endpoint's token file goes where the test can compare it with what the terminal got.
        env: { RESILIENT_CLAUDE_RUNTIME_DIR: join(s.sandbox, 'run') },
      }),
    });
    page = session.page;
  });

  after(() => session?.close());

  test('off by default: a terminal has no ANTHROPIC_BASE_URL, and the status bar offers the endpoint', async () => {
    const env = await newTerminalEnv(page, session, 'before');
    assert.equal(env['ANTHROPIC_BASE_URL'], undefined);
    assert.equal(env['ANTHROPIC_API_KEY'], undefined);
    await statusBarItem(page, 'resilient-claude.status').hover();
    await page.locator('.monaco-hover', { hasText: 'Claude Code in terminals' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
  });

  test("on with the editor's key: a new terminal has the endpoint and its token, and clients there are served", async () => {
    await clearNotifications(page);
    await runCommand(page, 'Resilient Claude: Protect Claude Code in Terminals (Local Endpoint)…', 60_000);
    await pickQuickPickItem(page, "Terminals use the endpoint with the editor's key");
    const notice = await waitForNotification(page, /new terminals use the local endpoint at http:\/\/127\.0\.0\.1:\d+/, 60_000);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(notice)![0];

    // The user's broker hosts it (one endpoint for every window), not this window.
    assert.match(readFileSync(join(runtimeDir(), 'broker.log'), 'utf8'), new RegExp(`Endpoint listening on ${url.replace(/[.]/g, '\\.')}`));

    const env = await newTerminalEnv(page, session, 'on');
    assert.equal(env['ANTHROPIC_BASE_URL'], url);
    const token = readFileSync(join(runtimeDir(), 'endpoint-token'), 'utf8').trim();
    assert.ok(env['ANTHROPIC_API_KEY'] === token, "the terminal's ANTHROPIC_API_KEY is the endpoint's token");

    // A client with its own key is served with it, on the configured API (the simulator).
    const before = session.simulator.stats().total;
    const own = await ask(url, { 'x-api-key': KEY });
    assert.equal(own.status, 200, own.body);
    assert.equal(own.model, OPUS);
    assert.ok(session.simulator.stats().total > before);
    // With the token and no key stored in the editor yet: refused, with a reason.
    const noKey = await ask(url, { 'x-api-key': token });
    assert.equal(noKey.status, 401);
    // Once the key is stored in the editor, the token alone is served with it.
    await runCommand(page, 'Resilient Claude: Set API Key', 60_000);
    await fillInputBox(page, KEY);
    await waitForNotification(page, /API key saved/, 30_000);
    // The window sends the new key to the broker that hosts the endpoint once it is stored: a
    // moment later (a probe of its own, so curl's counts below stay as they are).
    const probe = { 'x-api-key': token, 'user-agent': 'key-probe/1.0' };
    for (const until = Date.now() + 15_000; (await ask(url, probe)).status === 401 && Date.now() < until; ) await sleep(250);
    const byToken = await ask(url, { 'x-api-key': token });
    assert.equal(byToken.status, 200, byToken.body);
    assert.ok(!byToken.body.includes(KEY));

    // A model outside the chain that is overloaded: falls back within its class, and the failed
    // attempts are in the failures and the escalation report, labelled by client, with no credential.
    const fallback = await ask(url, { 'x-api-key': KEY }, OLD_HAIKU);
    assert.equal(fallback.status, 200, fallback.body);
    assert.equal(fallback.model, 'claude-haiku-5-5');

    // The status bar counts that traffic by client.
    await statusBarItem(page, 'resilient-claude.status').hover();
    await page.locator('.monaco-hover', { hasText: /curl 4 \(1 failed\)/ }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');

    await clearNotifications(page);
    await runCommand(page, 'Resilient Claude: Copy Escalation Report');
    await waitForNotification(page, /Copied the escalation report/, 30_000);
    const report = await readClipboard(page);
    assert.match(report, new RegExp(`${OLD_HAIKU}[\\s\\S]*ep_curl_`), 'the failed attempts are listed, with the client in their request id');
    for (const secret of [KEY, token]) {
      assert.ok(!report.includes(secret), 'the report carries no credential');
      assert.ok(!session.server.output().includes(secret), "code-server's output carries no credential");
      for (const file of filesUnder(session.userDataDir).concat(filesUnder(runtimeDir()).filter((f) => !f.endsWith('endpoint-token')))) {
        assert.ok(!readFileSync(file).includes(secret), `${file} carries no credential`);
      }
    }

    // The same lines for an outside shell.
    await runCommand(page, 'Resilient Claude: Copy Shell Lines for the Local Endpoint');
    await waitForNotification(page, /copied the lines/, 30_000);
    const lines = await readClipboard(page);
    assert.match(lines, new RegExp(`^export ANTHROPIC_BASE_URL=${url.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.ok(lines.includes(`export ANTHROPIC_API_KEY="$(cat '${join(runtimeDir(), 'endpoint-token')}')"`), lines);
    assert.ok(!lines.includes(token), 'the copied lines read the token from its file, they do not carry it');
  });

  test('off again: a new terminal is clean and the endpoint no longer listens', async () => {
    const url = (await newTerminalEnvUrl(page, session)) ?? '';
    await editUserSettings(page, session.userDataDir, { 'resilientClaude.endpoint.terminals': false });
    const env = await newTerminalEnv(page, session, 'off');
    assert.equal(env['ANTHROPIC_BASE_URL'], undefined);
    assert.equal(env['ANTHROPIC_API_KEY'], undefined);
    const deadline = Date.now() + 30_000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      refused = await fetch(`${url}/v1/models`).then(() => false, () => true);
      if (!refused) await sleep(250);
    }
    assert.ok(refused, `${url} still answers after the setting was turned off`);
    assert.match(readFileSync(join(runtimeDir(), 'broker.log'), 'utf8'), /Endpoint on .* closed: no window wants it any more/);
  });
});

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((name) => {
    const file = join(root, name);
    const stat = lstatSync(file);
    return stat.isDirectory() ? filesUnder(file) : stat.isFile() ? [file] : [];
  });
}

/** The endpoint's URL as a terminal opened now sees it. */
async function newTerminalEnvUrl(page: Page, session: E2eSession): Promise<string | undefined> {
  return (await newTerminalEnv(page, session, 'still-on'))['ANTHROPIC_BASE_URL'];
}
