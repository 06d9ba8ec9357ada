// Raises one warning per overload incident (the history's 529 alert rule), with
// the two useful next steps: look at the diagnostics, or move to the fallback now.
import * as vscode from 'vscode';
import type { HistoryAlert } from '../core/history/historyTypes';
import type { ClaudeClient } from './claudeClient';
import type { HistoryHost } from './historyHost';
import { incidentFigures } from './incidentFigures';
import { formatPercent } from './statusPresentation';

export class AlertNotifier implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly history: HistoryHost,
    private readonly client: ClaudeClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = history.onAlert((alert) => void this.notify(alert));
  }

  private async notify(alert: HistoryAlert): Promise<void> {
    const minutes = Math.round(alert.windowMs / 60_000);
    // The incident's own figures: from its first 529 in the window, not diluted by the healthy traffic before it.
    const own = incidentFigures(this.history.current.buckets({ model: alert.model, sinceMs: alert.sinceMs, untilMs: Date.now() }));
    const figures = own.sinceMs === null ? { ...alert, sinceMs: alert.sinceMs } : own;
    this.log.warn(
      `Overload alert: ${alert.model} answered ${figures.overloaded529} of ${figures.attempts} attempts with 529 since ` +
        `${new Date(figures.sinceMs ?? alert.sinceMs).toISOString()} (${alert.overloaded529} of ${alert.attempts} in ${minutes} min).`,
    );
    const diagnostics = vscode.l10n.t('Show Diagnostics');
    const fallback = vscode.l10n.t('Use Fallback Now');
    const next = this.client.routes.chain.find((m) => m !== alert.model);
    const rehearsal = this.client.routes.rehearsalScenario;
    const message = vscode.l10n.t(
      'Resilient Claude: {0} is overloaded — {1} of {2} attempts answered 529 since {3} (alert above {4} in {5} min).',
      alert.model,
      formatPercent(figures.rate),
      figures.attempts,
      new Date(figures.sinceMs ?? alert.sinceMs).toLocaleTimeString(),
      formatPercent(alert.threshold),
      minutes,
    );
    const choice = await vscode.window.showWarningMessage(
      rehearsal === null ? message : `${message} ${vscode.l10n.t('(Overload rehearsal "{0}": simulated traffic.)', rehearsal)}`,
      diagnostics,
      ...(next !== undefined ? [fallback] : []),
    );
    if (choice === diagnostics) await vscode.commands.executeCommand('resilientClaude.showDiagnostics');
    if (choice === fallback && next !== undefined) {
      this.client.demote(alert.model);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Requests now start on {0}; {1} is tried last. Reset Circuit Breakers or switch model to undo.', next, alert.model),
      );
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
