// npm run demo: a real VS Code (code-server) on 127.0.0.1 with Resilient Claude installed and an
// overload rehearsal running (the built-in simulator plays the "primary-outage" scenario, so no
// API key is needed). Prints the URL and runs until Ctrl-C.
//   npm run demo [-- --port N] [-- --scenario NAME]
//   npm run demo -- --check   start, verify /healthz, the installed extension and the rehearsal in
//                             the status bar, ask one question (through chromium), then exit 0;
//                             with CI set (CI=true, as .ci/run does) `npm run demo` does this too.
// The first run says what it installs (Debian packages, Node 24, code-server, vsce) before it does.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { require as requireTs } from 'tsx/cjs/api';
import { packageExtension } from './package.mjs';
import { cleanChildEnv, provision } from './provision-vscode.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** CI (and other unattended runs) set CI; then the demo checks and exits instead of serving forever. */
function unattended() {
  const ci = (process.env.CI ?? '').toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * `npm run demo` hands every child npm's own variables (npm_config_user_agent naming Node 20,
 * npm_node_execpath, NODE, its PATH entries): code-server and its Node 24 must not see them.
 */
function dropNpmRunEnvironment() {
  const clean = cleanChildEnv(process.env);
  for (const key of Object.keys(process.env)) if (!(key in clean)) delete process.env[key];
  process.env.PATH = clean.PATH;
}

function parseArgs(argv) {
  const options = { check: unattended(), port: undefined, scenario: 'primary-outage' };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--check') options.check = true;
    else if (arg === '--port') options.port = Number(argv[(i += 1)]);
    else if (arg === '--scenario') options.scenario = argv[(i += 1)];
    else throw new Error(`unknown argument ${arg} (expected --check, --port N, --scenario NAME)`);
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
    throw new Error('--port needs a port number between 1 and 65535');
  }
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const scenarios = manifest.contributes?.configuration?.properties?.['resilientClaude.rehearsal.scenario']?.enum;
  if (Array.isArray(scenarios) && !scenarios.includes(options.scenario)) {
    throw new Error(`unknown scenario "${options.scenario}"; one of: ${scenarios.filter(Boolean).join(', ')}`);
  }
  return { ...options, manifest };
}

/** The demo window: the rehearsal, chat on, the workspace README open at start, and no port forwarding of the simulator. */
function demoSettings(scenario) {
  return {
    'resilientClaude.rehearsal.scenario': scenario,
    // The harness turns chat off for quiet tests; the demo shows @claude in the Chat view.
    'chat.disableAIFeatures': false,
    'workbench.startupEditor': 'readme',
    'remote.autoForwardPorts': false,
  };
}

function log(message) {
  process.stdout.write(`[demo] ${message}\n`);
}

function makeWorkspace(root) {
  const workspace = join(root, 'demo-workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(
    join(workspace, 'README.md'),
    [
      '# Resilient Claude demo',
      '',
      'An overload rehearsal is running: requests go to the built-in simulator, where your primary',
      'model answers 529 overloaded for 20 s, counted from your first question. Watch the status bar,',
      'then try from the command palette (F1):',
      '',
      '- **Resilient Claude: Ask Claude…** — see retries and the fallback model in the progress notification',
      '- **Resilient Claude: Show Diagnostics** — 529 history, breakers, failures with request ids',
      '- **Resilient Claude: Copy Escalation Report**',
      '- **Resilient Claude: Stop Overload Rehearsal**',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(workspace, 'retry.ts'),
    [
      '// Select this function and run "Resilient Claude: Ask Claude About Selection".',
      'export async function withRetry<T>(work: () => Promise<T>, attempts = 3): Promise<T> {',
      '  for (let i = 1; ; i += 1) {',
      '    try {',
      '      return await work();',
      '    } catch (error) {',
      '      if (i >= attempts) throw error;',
      '      await new Promise((r) => setTimeout(r, 2 ** i * 100));',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return workspace;
}

async function checkInBrowser(harness, server, workspace) {
  const browser = await harness.launchChromium();
  try {
    const page = await harness.newWorkbenchPage(browser, server.url);
    await harness.openWorkbench(page, server.url, workspace);
    const item = harness.statusBarItem(page, 'resilient-claude.status');
    await item.filter({ hasText: /Rehearsal/ }).waitFor({ state: 'visible', timeout: 60_000 });
    log(`status bar: ${(await item.innerText()).replace(/\s+/g, ' ').trim()}`);
    log(`editor: ${await harness.activeEditorTitle(page)}`);
    // The rehearsal's toast offers the next steps.
    const toast = await harness.waitForNotification(page, /Overload rehearsal "[\w-]+" is running/, 30_000);
    const buttons = await page
      .locator('.notifications-toasts .notification-toast', { hasText: 'Overload rehearsal' })
      .first()
      .locator('.monaco-button')
      .allInnerTexts();
    log(`rehearsal toast: ${toast.replace(/\s+/g, ' ').trim()} [${buttons.map((b) => b.trim()).filter(Boolean).join(' | ')}]`);
    log(`screenshot: ${await harness.screenshot(page, 'demo-check')}`);
    // Someone who reads first still meets the outage: the scenario's clock starts at the first question.
    const readingMs = Number(process.env.RC_DEMO_READING_MS ?? 22_000);
    await new Promise((r) => setTimeout(r, readingMs));
    // The toast has timed out by now; the command palette asks as well.
    await harness.runCommand(page, 'Resilient Claude: Ask Claude…');
    // The question box (not the closing palette) before typing.
    for (let tries = 0; tries < 50 && (await harness.quickInputTitle(page).catch(() => '')) !== 'Ask Claude'; tries += 1) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await harness.fillInputBox(page, 'Does the demo show an outage?');
    const answered = page.locator('.editor-group-container.active .view-lines', { hasText: /Answered\sby/ }).first();
    await answered.waitFor({ state: 'visible', timeout: 60_000 }).catch(async (error) => {
      log(`screenshot: ${await harness.screenshot(page, 'demo-check-no-answer')}`);
      throw error;
    });
    const note = (await answered.innerText()).replace(/\u00a0/g, ' ').split('\n').find((l) => l.includes('Answered by')) ?? '';
    log(`after ${Math.round(readingMs / 1000)} s of reading, the first answer: ${note.trim().replace(/^\*/, '')}`);
    // Chat is on in the demo: the walkthrough's "Open Chat with @claude" opens the Chat view with @claude typed.
    await harness.runCommand(page, 'Resilient Claude: Open Chat with @claude');
    const chatInput = page.locator('.part.auxiliarybar .interactive-input-part .monaco-editor .view-lines').first();
    await chatInput.filter({ hasText: '@claude' }).waitFor({ state: 'visible', timeout: 60_000 }).catch(async (error) => {
      log(`screenshot: ${await harness.screenshot(page, 'demo-check-no-chat')}`);
      throw error;
    });
    log(`chat input: ${(await chatInput.innerText()).replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim()}`);
    // The Ports item in the status bar counts forwarded ports; the rehearsal's simulator must not be one.
    const ports = page.locator('.statusbar-item:has(.codicon-radio-tower)').first();
    const count = (await ports.isVisible()) ? (await ports.innerText()).replace(/\D+/g, '') : '';
    log(`forwarded ports listed: ${count === '' ? 0 : count}`);
  } finally {
    await browser.close();
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  dropNpmRunEnvironment();
  log(
    options.check
      ? `checking: VS Code with the extension rehearsing "${options.scenario}", one question through chromium, then exit${unattended() && !process.argv.includes('--check') ? ' (CI is set)' : ''}`
      : `starting VS Code (code-server) with the extension rehearsing "${options.scenario}"`,
  );
  const paths = provision();
  log(`code-server ${paths.codeServerVersion}`);
  const vsix = packageExtension();
  log(`packaged ${vsix}`);

  const harness = requireTs(join(repoRoot, 'test', 'e2e', 'harness', 'index.ts'), import.meta.url);

  const root = mkdtempSync(join(tmpdir(), 'resilient-claude-demo-'));
  const workspace = makeWorkspace(root);
  const profile = { userDataDir: join(root, 'user-data'), extensionsDir: join(root, 'extensions') };
  let server;
  try {
    server = await harness.startCodeServer({
      ...profile,
      vsix,
      ...(options.port !== undefined ? { port: options.port } : {}),
      settings: demoSettings(options.scenario),
    });
    const id = `${options.manifest.publisher}.${options.manifest.name}`;
    const installed = await harness.listInstalledExtensions(profile);
    if (!installed.some((e) => e.startsWith(`${id}@`))) throw new Error(`${id} is not installed (found: ${installed.join(', ')})`);
    const health = await fetch(`${server.url}/healthz`);
    if (!health.ok) throw new Error(`/healthz answered ${health.status}`);
    log(`installed ${installed.find((e) => e.startsWith(`${id}@`))}; /healthz ok; rehearsal scenario "${options.scenario}"`);
    const url = harness.workbenchUrl(server.url, workspace);
    if (options.check) {
      await checkInBrowser(harness, server, workspace);
      log('check passed');
      return 0;
    }
    log(`open ${url}`);
    log(`(served on 127.0.0.1 only; from another machine: ssh -L ${server.port}:127.0.0.1:${server.port} <this host>)`);
    log('press Ctrl-C to stop');
    await new Promise((resolveStop) => {
      process.once('SIGINT', resolveStop);
      process.once('SIGTERM', resolveStop);
    });
    log('stopping');
    return 0;
  } finally {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`[demo] failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
