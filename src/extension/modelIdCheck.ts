// Checks the configured model ids against the Models API (the rehearsal simulator's while a
// rehearsal runs) when the window starts and whenever the models, the key, the endpoint or the
// rehearsal change. Unknown ids raise one notice naming each with its setting (again only when the
// set changes) and are flagged in the status bar.
import * as vscode from 'vscode';
import type { ApiKeyStore } from './apiKeyStore';
import { readBatchSettings } from './batch/batchSettings';
import type { ClaudeClient } from './claudeClient';
import { lookUpModels } from './modelLookup';
import type { RehearsalController } from './rehearsal';
import type { SettingsWatcher } from './settingsWatcher';
import { modelSettings, unknownModelSettings, unknownModelsNotice } from './unknownModels';
import type { ModelSetting } from './unknownModels';

export class ModelIdCheck implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  private flagged: ModelSetting[] = [];
  private noticeShown = '';
  private generation = 0;

  /** Fires when the set of unknown model ids changed. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly client: ClaudeClient,
    private readonly settings: SettingsWatcher,
    rehearsal: RehearsalController,
    keys: ApiKeyStore,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.changed,
      settings.onDidChange(() => void this.check()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('resilientClaude.batch.model')) void this.check();
      }),
      rehearsal.onDidChange(() => void this.check()),
      keys.onDidChange(() => void this.check()),
    );
  }

  /** The configured model ids the list does not hold (empty when the list could not be read). */
  get unknownModels(): string[] {
    return [...new Set(this.flagged.map((f) => f.model))];
  }

  async check(): Promise<void> {
    const generation = ++this.generation;
    const settings = this.settings.settings;
    const named = modelSettings(settings, readBatchSettings().model);
    const rehearsal = this.client.routes.rehearsalScenario !== null;
    if (!rehearsal && !settings.providers.includes('anthropic')) return this.flag([]);
    const lookup = await lookUpModels(this.client.routes.endpoint(), named.map((n) => n.model));
    if (generation !== this.generation) return;
    if (lookup.source !== 'api') {
      // No key, or the Models API is out of reach: nothing can be said either way.
      this.log.info(`Model ids not checked: ${lookup.source === 'no_key' ? 'no API key set' : 'the Models API could not be reached'}.`);
      return this.flag([]);
    }
    const unknown = unknownModelSettings(named, new Set(lookup.unknown));
    this.flag(unknown);
    if (unknown.length === 0) return;
    const message = unknownModelsNotice(unknown, rehearsal ? 'rehearsal' : 'api', vscode.l10n.t);
    this.log.warn(message);
    const key = `${rehearsal}\n${unknown.map((u) => `${u.setting}=${u.model}`).join('\n')}`;
    if (key === this.noticeShown) return;
    this.noticeShown = key;
    const switchModel = vscode.l10n.t('Switch Model');
    const openSettings = vscode.l10n.t('Open Settings');
    const choice = await vscode.window.showWarningMessage(message, switchModel, openSettings);
    if (choice === switchModel) await vscode.commands.executeCommand('resilientClaude.switchModel');
    if (choice === openSettings) await vscode.commands.executeCommand('workbench.action.openSettings', unknown[0]?.setting ?? 'resilientClaude');
  }

  private flag(unknown: ModelSetting[]): void {
    const before = this.unknownModels.join('\n');
    this.flagged = unknown;
    if (unknown.length === 0) this.noticeShown = '';
    if (this.unknownModels.join('\n') !== before) this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
