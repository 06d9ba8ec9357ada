// The extension as VS Code itself sees it: present, active, every contributed command registered.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from './runner';

const EXTENSION_ID = 'resilient-claude.resilient-claude';

interface ContributedCommand {
  command: string;
}

test('the extension is loaded and activates', async () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is known to VS Code`);
  await extension.activate();
  assert.equal(extension.isActive, true);
});

test('every command the manifest contributes is registered', async () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension);
  await extension.activate();
  const manifest = extension.packageJSON as { contributes?: { commands?: ContributedCommand[] } };
  const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);
  assert.ok(contributed.length > 0, 'the manifest contributes commands');
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.filter((id) => !registered.has(id));
  assert.deepEqual(missing, [], 'contributed commands without a handler');
});
