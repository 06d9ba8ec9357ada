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
    const canFallBack = this.client.chain.filter((m) => m !== alert.model).length > 0;
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Resilient Claude: {0} is overloaded — {1} of attempts answered 529 in the last {2} min (alert above {3}).',
        alert.model,
        formatPercent(alert.rate),
        minutes,
        formatPercent(alert.threshold),
      ),
      diagnostics,
      ...(canFallBack ? [fallback] : []),
    );
    if (choice === diagnostics) await vscode.commands.executeCommand('resilientClaude.showDiagnostics');
    if (choice === fallback) this.client.demote(alert.model);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
