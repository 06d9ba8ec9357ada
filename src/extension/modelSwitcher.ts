// "Switch Model…": a quick pick of the models the API offers (or the configured
// chain when it is unreachable), each with its live health; the choice is
// saved as the primary model and used by the next request, the old primary
// kept in the chain as its last fallback.
import * as vscode from 'vscode';
import type { ClaudeClient } from './claudeClient';
import type { HistoryHost } from './historyHost';
import { loadCatalog, modelChoices } from './modelCatalog';
import type { CatalogModel } from './modelCatalog';
import { SETTINGS_SECTION, SETTING_KEYS } from './settings';
import { fallbacksAfterSwitch } from './switchedChain';
import { BREAKER_ICON, formatProbe, formatRate } from './statusPresentation';
import { PROVIDER_SHORT_NAMES } from '../shared/vocabulary';
import type { BreakerSnapshot } from '../core/types';

const RATE_WINDOW_MS = 5 * 60_000;

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
    const chain = this.client.routes.chain;
    picker.items = this.items([], chain);
    picker.busy = true;
    let open = true;
    const chosen = new Promise<ModelItem | undefined>((resolve) => {
      picker.onDidAccept(() => resolve(picker.selectedItems[0]));
      picker.onDidHide(() => resolve(undefined));
    });
    picker.show();
    void loadCatalog(this.client.routes.endpoint(), chain).then((catalog) => {
      if (!open) return; // the user already chose or closed the picker
      picker.busy = false;
      if (catalog.source !== 'api') {
        this.log.info(`Model list from the configured chain (${catalog.source === 'no_key' ? 'no API key set' : 'Models API unreachable'}).`);
      }
      const active = picker.activeItems[0]?.model;
      picker.items = this.items(catalog.models, chain);
      const keep = picker.items.find((i) => i.model === active);
      if (keep) picker.activeItems = [keep];
    });
    const item = await chosen;
    open = false;
    picker.dispose();
    if (item) await this.switchTo(item.model);
  }

  async switchTo(model: string): Promise<void> {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const old = this.client.routes.primaryModel;
    const fallbacks = config.get<unknown>(SETTING_KEYS.fallbackModels);
    // The old primary stays in the chain, as its last fallback (a list that is not one is left alone).
    const kept = Array.isArray(fallbacks) && fallbacks.every((f) => typeof f === 'string') ? fallbacksAfterSwitch(old, fallbacks, model) : null;
    if (kept !== null) await config.update(SETTING_KEYS.fallbackModels, kept, targetOf(config, SETTING_KEYS.fallbackModels));
    await config.update(SETTING_KEYS.model, model, targetOf(config, SETTING_KEYS.model));
    this.client.clearDemotions();
    this.log.info(`Primary model switched to ${model}${kept !== null ? `; ${old} kept as the last fallback` : ''}.`);
    void vscode.window.showInformationMessage(
      kept !== null
        ? vscode.l10n.t('Resilient Claude: next requests use {0}; {1} stays in the chain as its last fallback.', model, old)
        : vscode.l10n.t('Resilient Claude: next requests use {0}.', model),
    );
  }

  private items(catalog: readonly CatalogModel[], chain: readonly string[]): ModelItem[] {
    const choices = modelChoices(catalog, chain);
    const separator = (label: string): ModelItem => ({ model: '', label, kind: vscode.QuickPickItemKind.Separator });
    return [
      separator(vscode.l10n.t('Fallback chain')),
      ...choices.chain.map((m) => this.item(m)),
      ...(choices.others.length > 0 ? [separator(vscode.l10n.t('Other models')), ...choices.others.map((m) => this.item(m))] : []),
    ];
  }

  private item(m: CatalogModel): ModelItem {
    const now = Date.now();
    const routes = this.client.breakers().filter((b) => b.model === m.id);
    const figures = this.history.overloadFigures(m.id, RATE_WINDOW_MS, now);
    const rate = formatRate({ overloadRate: figures.rate, attempts: figures.attempts }, vscode.l10n.t);
    const breakerText = (breaker: BreakerSnapshot): string =>
      `${BREAKER_ICON[breaker.state]} ${vscode.l10n.t('breaker {0}', breaker.state.replace('_', '-'))}` +
      (breaker.state === 'open' ? ` · ${vscode.l10n.t('next probe {0}', formatProbe(breaker, now, vscode.l10n.t))}` : '');
    // With several providers, each route of the model shows its own breaker.
    const health =
      routes.length === 0
        ? ''
        : routes.length === 1
          ? `${breakerText(routes[0]!)} · `
          : `${routes.map((b) => `${PROVIDER_SHORT_NAMES[b.provider]}: ${breakerText(b)}`).join(' · ')} · `;
    const lifecycle =
      m.lifecycle === 'retired'
        ? ` · $(error) ${vscode.l10n.t('retired: requests to it fail')}`
        : m.lifecycle === 'deprecated'
          ? ` · $(warning) ${m.retiresAt ? vscode.l10n.t('deprecated, retires {0}', m.retiresAt.slice(0, 10)) : vscode.l10n.t('deprecated')}`
          : '';
    return {
      model: m.id,
      label: `${m.id === this.client.routes.primaryModel ? '$(check) ' : ''}${m.id}`,
      description: m.displayName !== m.id ? m.displayName : undefined,
      detail: `${health}${vscode.l10n.t('529 rate (5 min): {0}', rate)}${lifecycle}`,
    };
  }
}

/** Where a setting is written to take effect: the workspace's settings when they set it (they win over the user's), else the user's. */
function targetOf(config: vscode.WorkspaceConfiguration, key: string): vscode.ConfigurationTarget {
  return config.inspect(key)?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}
