// The batch lane's settings (`resilientClaude.batch.*`), read from VS Code through their rows in
// the settings table: an invalid value falls back to its default.
import * as vscode from 'vscode';
import { BATCH_SETTINGS_TABLE, SETTINGS_SECTION } from '../settings';
import { readTable } from '../settingSpec';
import type { SettingsOf } from '../settingSpec';
import type { SettingProblem } from '../settings';

export type BatchSettings = SettingsOf<typeof BATCH_SETTINGS_TABLE>;

/** The batch settings in effect; each invalid value (which falls back to its default) is added to `problems` when given. */
export function readBatchSettings(problems?: SettingProblem[]): BatchSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return readTable(
    BATCH_SETTINGS_TABLE,
    (key) => config.get<unknown>(key),
    (key, message) => problems?.push({ setting: `${SETTINGS_SECTION}.${key}`, message }),
  );
}
