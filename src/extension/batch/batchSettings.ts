// The batch lane's settings (`resilientClaude.batch.*`), read from VS Code through their rows in
// the settings table: an invalid value falls back to its default.
import * as vscode from 'vscode';
import { BATCH_SETTINGS_TABLE, SETTINGS_SECTION } from '../settings';
import { readTable } from '../settingSpec';
import type { SettingsOf } from '../settingSpec';

export type BatchSettings = SettingsOf<typeof BATCH_SETTINGS_TABLE>;

export function readBatchSettings(): BatchSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return readTable(BATCH_SETTINGS_TABLE, (key) => config.get<unknown>(key), () => undefined);
}
