// Smoke test: the packaged extension installs into a real VS Code (code-server), activates on
// startup, shows its status-bar item and answers a command from the palette.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import {
  launchChromium,
  listInstalledExtensions,
  newWorkbenchPage,
  openWorkbench,
  repoRoot,
  runCommand,
  screenshot,
  startCodeServer,
  statusBarItem,
  statusBarText,
} from './harness';
import type { CodeServer } from './harness';

const execFileAsync = promisify(execFile);

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
  version: string;
};
const extensionId = `${manifest.publisher}.${manifest.name}`;

test('the packaged extension activates in VS Code and shows its status-bar item', { timeout: 300_000 }, async () => {
  const { stdout } = await execFileAsync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs')], {
    cwd: repoRoot,
    timeout: 180_000,
    maxBuffer: 20_000_000,
  });
  const vsix = stdout.trim().split('\n').pop() ?? '';
  assert.match(vsix, /\.vsix$/, 'npm run package prints the path of the .vsix');

  const sandbox = mkdtempSync(join(tmpdir(), 'rc-smoke-'));
  const workspace = join(sandbox, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'notes.md'), '# Notes\n');
  const profile = { userDataDir: join(sandbox, 'user-data'), extensionsDir: join(sandbox, 'extensions') };
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ ...profile, vsix });
    const installed = await listInstalledExtensions(profile);
    assert.ok(
      installed.includes(`${extensionId}@${manifest.version}`),
      `${extensionId}@${manifest.version} is installed (found: ${installed.join(', ')})`,
    );

    browser = await launchChromium();
    const page = await newWorkbenchPage(browser, server.url);
    await openWorkbench(page, server.url, workspace);

    const statusText = await statusBarText(page, 'resilient-claude.status', 60_000);
    assert.notEqual(statusText, '', 'the status-bar item shows text');
    assert.ok(await statusBarItem(page, 'resilient-claude.status').isVisible());

    await runCommand(page, 'Resilient Claude: Show Log', 60_000);
    const output = page.locator('.part.panel .monaco-editor .view-lines');
    await output.filter({ hasText: /activated/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // Monaco renders spaces as no-break spaces.
    const logText = (await output.first().innerText()).replace(/\u00a0/g, ' ');
    assert.match(logText, new RegExp(`Resilient Claude ${manifest.version.replace(/\./g, '\\.')} activated`));

    await screenshot(page, 'smoke-workbench');
  } finally {
    await browser?.close();
    await server?.stop();
    rmSync(sandbox, { recursive: true, force: true });
  }
});
