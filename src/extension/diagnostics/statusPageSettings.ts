// The status page settings: `resilientClaude.statusPage.url` and `.enabled`, read through their
// rows in the settings table.
import * as vscode from 'vscode';
import { SETTINGS_SECTION, STATUS_PAGE_SETTINGS_TABLE } from '../settings';
import { readTable } from '../settingSpec';
import type { SettingsOf } from '../settingSpec';

export type StatusPageSettings = SettingsOf<typeof STATUS_PAGE_SETTINGS_TABLE>;

export function readStatusPageSettings(): StatusPageSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return readTable(STATUS_PAGE_SETTINGS_TABLE, (key) => config.get<unknown>(key), () => undefined);
}

export function affectsStatusPageSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SETTINGS_SECTION}.statusPage`);
}
