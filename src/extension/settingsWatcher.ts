// Reads Resilient Claude's settings from VS Code, validates them, reports each
// invalid value once, and tells listeners when the effective settings change.
// In an untrusted workspace the traffic settings (base URL, headers) come only
// from the user's own settings, never from the workspace.
import * as vscode from 'vscode';
import { SETTINGS_SECTION, SETTING_KEYS, TRAFFIC_SETTINGS, validateSettings } from './settings';
import type { ExtensionSettings, RawSettings, SettingProblem } from './settings';

export class SettingsWatcher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<ExtensionSettings>();
  private readonly reported = new Map<string, SettingProblem>();
  private current: ExtensionSettings;

  /** Fires with the new settings after any Resilient Claude setting (or workspace trust) changed. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.current = this.read();
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS_SECTION)) this.refresh();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()),
    );
  }

  get settings(): ExtensionSettings {
    return this.current;
  }

  /** Every distinct problem reported so far in this window (each was shown once). */
  get reportedProblems(): SettingProblem[] {
    return [...this.reported.values()];
  }

  private refresh(): void {
    this.current = this.read();
    this.changed.fire(this.current);
  }

  private read(): ExtensionSettings {
    const { settings, problems } = validateSettings(readRawSettings(vscode.workspace.isTrusted));
    for (const problem of problems) this.reportOnce(problem);
    return settings;
  }

  private reportOnce(problem: SettingProblem): void {
    const key = `${problem.setting}\n${problem.message}`;
    if (this.reported.has(key)) return;
    this.reported.set(key, problem);
    this.log.warn(`Setting ${problem.setting} ${problem.message}`);
    const open = vscode.l10n.t('Open Setting');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('Resilient Claude: the setting "{0}" {1}', problem.setting, problem.message), open)
      .then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', problem.setting);
      });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function readRawSettings(trusted: boolean): RawSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const raw: Record<string, unknown> = {};
  for (const key of Object.values(SETTING_KEYS)) {
    if (!trusted && TRAFFIC_SETTINGS.includes(key)) {
      // Only what the user set for themselves: a workspace must not redirect traffic or the key.
      const inspected = config.inspect(key);
      raw[key] = inspected?.globalValue ?? inspected?.defaultValue;
    } else {
      raw[key] = config.get(key);
    }
  }
  return raw;
}
