// "Switch Model…": a quick pick of the models the API offers (or the configured
// chain when it is unreachable), each with its live health; the choice is
// saved as the primary model and used by the next request.
import * as vscode from 'vscode';
import type { ClaudeClient } from './claudeClient';
import type { HistoryHost } from './historyHost';
import { loadCatalog } from './modelCatalog';
import type { CatalogModel } from './modelCatalog';
import { SETTINGS_SECTION, SETTING_KEYS } from './settings';
import { formatProbe, formatRate } from './statusPresentation';

const RATE_WINDOW_MS = 5 * 60_000;
const STATE_ICON = { closed: '$(pass)', half_open: '$(warning)', open: '$(error)' } as const;

interface ModelItem extends vscode.QuickPickItem {
  readonly model: string;
}

export class ModelSwitcher {
  constructor(
    private readonly client: ClaudeClient,
    private readonly history: HistoryHost,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async pick(): Promise<void> {
    const picker = vscode.window.createQuickPick<ModelItem>();
    picker.title = vscode.l10n.t('Resilient Claude: Switch Model');
    picker.placeholder = vscode.l10n.t('Choose the primary model for the next requests');
    picker.matchOnDescription = true;
    const chain = this.client.chain;
    picker.items = this.items(chain.map((id) => ({ id, displayName: id })));
    picker.busy = true;
    const chosen = new Promise<ModelItem | undefined>((resolve) => {
      picker.onDidAccept(() => resolve(picker.selectedItems[0]));
      picker.onDidHide(() => resolve(undefined));
    });
    picker.show();
    void loadCatalog(this.client.endpoint(), chain).then((catalog) => {
      picker.busy = false;
      if (catalog.source !== 'api') {
        this.log.info(`Model list from the configured chain (${catalog.source === 'no_key' ? 'no API key set' : 'Models API unreachable'}).`);
      }
      const active = picker.activeItems[0]?.model;
      picker.items = this.items(catalog.models);
      const keep = picker.items.find((i) => i.model === active);
      if (keep) picker.activeItems = [keep];
    });
    const item = await chosen;
    picker.dispose();
    if (item) await this.switchTo(item.model);
  }

  async switchTo(model: string): Promise<void> {
    await vscode.workspace
      .getConfiguration(SETTINGS_SECTION)
      .update(SETTING_KEYS.model, model, vscode.ConfigurationTarget.Global);
    this.client.clearDemotions();
    this.log.info(`Primary model switched to ${model}.`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: next requests use {0}.', model));
  }

  private items(models: readonly CatalogModel[]): ModelItem[] {
    const now = Date.now();
    const breakers = this.client.breakers();
    const primary = this.client.primaryModel;
    return models.map((m) => {
      const breaker = breakers.find((b) => b.model === m.id);
      const figures = this.history.overloadFigures(m.id, RATE_WINDOW_MS, now);
      const rate = formatRate({ overloadRate: figures.rate, attempts: figures.attempts }, vscode.l10n.t);
      const health = breaker
        ? `${STATE_ICON[breaker.state]} ${vscode.l10n.t('breaker {0}', breaker.state.replace('_', '-'))}` +
          (breaker.state === 'open' ? ` · ${vscode.l10n.t('next probe {0}', formatProbe(breaker, now, vscode.l10n.t))}` : '')
        : `$(circle-outline) ${vscode.l10n.t('not in the fallback chain')}`;
      return {
        model: m.id,
        label: `${m.id === primary ? '$(check) ' : ''}${m.id}`,
        description: m.displayName !== m.id ? m.displayName : undefined,
        detail: `${health} · ${vscode.l10n.t('529 rate (5 min): {0}', rate)}`,
      };
    });
  }
}
