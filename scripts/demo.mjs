// npm run demo: a real VS Code (code-server) on 127.0.0.1 with Resilient Claude installed and an
// overload rehearsal running (the built-in simulator plays the "primary-outage" scenario, so no
// API key is needed). Prints the URL and runs until Ctrl-C.
//   node scripts/demo.mjs [--port N] [--scenario NAME]
//   node scripts/demo.mjs --check   start, verify /healthz, the installed extension and the
//                                   rehearsal in the status bar (through chromium), then exit 0
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { require as requireTs } from 'tsx/cjs/api';
import { packageExtension } from './package.mjs';
import { provision } from './provision-vscode.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const options = { check: false, port: undefined, scenario: 'primary-outage' };
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
      'An overload rehearsal is running: requests go to the built-in simulator, where the primary',
      'model answers 529 overloaded for a while. Watch the status bar, then try from the command palette:',
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
    log(`screenshot: ${await harness.screenshot(page, 'demo-check')}`);
  } finally {
    await browser.close();
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
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
      settings: { 'resilientClaude.rehearsal.scenario': options.scenario },
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
