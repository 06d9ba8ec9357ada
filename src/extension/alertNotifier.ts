// Raises one warning per overload incident (the history's 529 alert rule), with
// the two useful next steps: look at the diagnostics, or move to the fallback now.
import * as vscode from 'vscode';
import type { HistoryAlert } from '../core/history/historyTypes';
import type { ClaudeClient } from './claudeClient';
import type { HistoryHost } from './historyHost';
import { formatPercent } from './statusPresentation';

export class AlertNotifier implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    history: HistoryHost,
    private readonly client: ClaudeClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = history.onAlert((alert) => void this.notify(alert));
  }

  private async notify(alert: HistoryAlert): Promise<void> {
    const minutes = Math.round(alert.windowMs / 60_000);
    this.log.warn(
      `Overload alert: ${alert.model} answered ${alert.overloaded529} of ${alert.attempts} attempts with 529 in ${minutes} min.`,
    );
    const diagnostics = vscode.l10n.t('Show Diagnostics');
    const fallback = vscode.l10n.t('Use Fallback Now');
    const next = this.client.chain.find((m) => m !== alert.model);
    const rehearsal = this.client.rehearsalScenario;
    const message = vscode.l10n.t(
      'Resilient Claude: {0} is overloaded — {1} of attempts answered 529 in the last {2} min (alert above {3}).',
      alert.model,
      formatPercent(alert.rate),
      minutes,
      formatPercent(alert.threshold),
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
