// The status-bar item: circuit-breaker health of the model chain at a glance,
// a tooltip with every route's state, 529 rate and next probe, and a click that
// opens the model switcher.
import * as vscode from 'vscode';
import type { ApiKeyStore } from './apiKeyStore';
import type { ClaudeClient } from './claudeClient';
import type { LocalEndpoint } from './endpoint/localEndpoint';
import type { HistoryHost } from './historyHost';
import type { ModelIdCheck } from './modelIdCheck';
import type { RehearsalController } from './rehearsal';
import { TOOLTIP_COMMANDS, isHeld, presentStatus } from './statusPresentation';
import type { StatusState } from './statusPresentation';

const RATE_WINDOW_MS = 5 * 60_000;

export class StatusBarIndicator implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly client: ClaudeClient,
    private readonly history: HistoryHost,
    private readonly rehearsal: RehearsalController,
    keys: ApiKeyStore,
    private readonly endpoint: LocalEndpoint,
    private readonly modelIds: ModelIdCheck,
  ) {
    this.item = vscode.window.createStatusBarItem('resilient-claude.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = vscode.l10n.t('Resilient Claude');
    this.item.command = 'resilientClaude.switchModel';
    this.disposables.push(
      this.item,
      client.onDidChangeHealth(() => this.render()),
      history.onDidChange(() => this.render()),
      rehearsal.onDidChange(() => this.render()),
      keys.onDidChange(() => this.render()),
      endpoint.onDidChange(() => this.render()),
      modelIds.onDidChange(() => this.render()),
    );
    this.render();
    this.item.show();
  }

  state(now = Date.now()): StatusState {
    return {
      routes: this.client.breakers().map((b) => {
        const figures = this.history.overloadFigures(b.model, RATE_WINDOW_MS, now);
        return {
          provider: b.provider,
          model: b.model,
          state: b.state,
          nextProbeAt: b.nextProbeAt,
          closesAt: b.closesAt ?? null,
          heldUntil: b.heldUntil,
          overloadRate: figures.rate,
          attempts: figures.attempts,
        };
      }),
      primaryModel: this.client.routes.primaryModel,
      lastServedModel: this.client.observer.lastServedModel,
      lastServedProvider: this.client.observer.lastServedProvider,
      rehearsal: this.rehearsal.active?.scenario ?? null,
      needsKey: !this.client.routes.hasCredentials() && this.rehearsal.active === null,
      setAside: this.client.routes.demotedModels,
      sharing: this.client.sharing,
      endpoint: this.endpoint.status(),
      unknownModels: this.modelIds.unknownModels,
      now,
    };
  }

  private render(): void {
    const state = this.state();
    const shown = presentStatus(state, vscode.l10n.t);
    this.item.text = shown.text;
    this.item.accessibilityInformation = { label: shown.accessibilityLabel, role: 'button' };
    this.item.backgroundColor =
      shown.background === null ? undefined : new vscode.ThemeColor(`statusBarItem.${shown.background}Background`);
    const tooltip = new vscode.MarkdownString(shown.tooltip, true);
    tooltip.isTrusted = { enabledCommands: [...TOOLTIP_COMMANDS] };
    this.item.tooltip = tooltip;
    // While a breaker is not closed the tooltip counts down to its next probe, and a probe no
    // request takes is seen to expire (the breaker settles when it is read); while a rate limit
    // holds a route, its end is seen the same way (no event says a hold ran out).
    this.setTicking(state.routes.some((r) => r.state !== 'closed' || isHeld(r, state.now)));
  }

  private setTicking(on: boolean): void {
    if (on && this.ticker === undefined) {
      this.ticker = setInterval(() => this.render(), 1000);
    } else if (!on && this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  dispose(): void {
    this.setTicking(false);
    for (const d of this.disposables) d.dispose();
  }
}
