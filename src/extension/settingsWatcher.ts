// Reads Resilient Claude's settings from VS Code, validates them, raises one notice naming every
// invalid value when the settings are read (at startup) or saved, and tells listeners when the
// effective settings change. A problem fixed and made again is reported again.
// In an untrusted workspace the traffic settings (base URL, headers) come only
// from the user's own settings, never from the workspace.
import * as vscode from 'vscode';
import { readBatchSettings } from './batch/batchSettings';
import { SETTINGS_SECTION, SETTING_KEYS, TRAFFIC_SETTINGS, validateSettings } from './settings';
import type { ExtensionSettings, RawSettings, SettingProblem } from './settings';

export class SettingsWatcher implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<ExtensionSettings>();
  /** Every distinct problem reported in this window. */
  private readonly reported = new Map<string, SettingProblem>();
  /** The problems the settings have now (already in a notice). */
  private standing = new Set<string>();
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
    const batchProblems: SettingProblem[] = [];
    readBatchSettings(batchProblems);
    this.report([...problems, ...batchProblems]);
    return settings;
  }

  /** One notice for what is wrong now, when something in it is new since the last save. */
  private report(problems: readonly SettingProblem[]): void {
    const keyOf = (p: SettingProblem): string => `${p.setting}\n${p.message}`;
    const fresh = problems.filter((p) => !this.standing.has(keyOf(p)));
    this.standing = new Set(problems.map(keyOf));
    if (fresh.length === 0) return;
    for (const problem of fresh) {
      this.reported.set(keyOf(problem), problem);
      this.log.warn(`Setting ${problem.setting} ${problem.message}`);
    }
    const first = problems[0]!;
    const message =
      problems.length === 1
        ? vscode.l10n.t('Resilient Claude: the setting "{0}" {1}', first.setting, first.message)
        : vscode.l10n.t(
            'Resilient Claude: {0} settings are invalid and use their defaults: {1}',
            problems.length,
            problems.map((p) => `"${p.setting}" ${p.message}`).join(' '),
          );
    const open = vscode.l10n.t('Open Setting');
    void vscode.window.showWarningMessage(message, open).then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', first.setting);
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
