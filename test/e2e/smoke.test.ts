// Smoke test: the packaged extension installs into a real VS Code (code-server), activates on
// startup, shows its status-bar item and answers a command from the palette.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  E2eSession,
  listInstalledExtensions,
  packagedVsix,
  repoRoot,
  runCommand,
  screenshot,
  statusBarItem,
  statusBarText,
} from './harness';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
  version: string;
};
const extensionId = `${manifest.publisher}.${manifest.name}`;

test('the packaged extension activates in VS Code and shows its status-bar item', { timeout: 300_000 }, async () => {
  // Packaged once per run (npm run package: what a user installs).
  const vsix = packagedVsix();
  assert.match(vsix, /\.vsix$/);
  const session = new E2eSession('smoke');
  try {
    await session.startCodeServer({ vsix });
    const installed = await listInstalledExtensions(session);
    assert.ok(
      installed.includes(`${extensionId}@${manifest.version}`),
      `${extensionId}@${manifest.version} is installed (found: ${installed.join(', ')})`,
    );

    const page = await session.openWindow();
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
    await session.close();
  }
});
