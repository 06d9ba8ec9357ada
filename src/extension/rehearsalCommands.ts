// "Start Overload Rehearsal…" / "Stop Overload Rehearsal", and the rehearsal
// named by the `resilientClaude.rehearsal.scenario` setting at startup.
import * as vscode from 'vscode';
import type { RehearsalController } from './rehearsal';

const ACTIVE_CONTEXT = 'resilientClaude.rehearsalActive';

export class RehearsalCommands implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly rehearsal: RehearsalController,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = rehearsal.onDidChange((active) => {
      void vscode.commands.executeCommand('setContext', ACTIVE_CONTEXT, active !== null);
    });
  }

  async pickAndStart(): Promise<void> {
    const scenarios = await this.rehearsal.scenarios();
    const current = this.rehearsal.active?.scenario;
    const choice = await vscode.window.showQuickPick(
      scenarios.map((s) => ({
        label: `${s.name === current ? '$(debug-alt) ' : '$(beaker) '}${s.name}`,
        detail: s.description,
        name: s.name,
      })),
      {
        title: vscode.l10n.t('Resilient Claude: Start Overload Rehearsal'),
        placeHolder: vscode.l10n.t('Requests go to a local simulator playing this scenario (no API key needed)'),
        matchOnDetail: true,
      },
    );
    if (choice) await this.start(choice.name);
  }

  async start(scenario: string): Promise<void> {
    try {
      await this.rehearsal.start(scenario);
      void this.announce(scenario);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`Could not start the rehearsal "${scenario}": ${message}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Resilient Claude: could not start the rehearsal: {0}', message));
    }
  }

  /** The toast that says a rehearsal runs, with what to do next: ask, watch the diagnostics, or stop. */
  private async announce(scenario: string): Promise<void> {
    const ask = vscode.l10n.t('Ask Claude…');
    const diagnostics = vscode.l10n.t('Show Diagnostics');
    const stop = vscode.l10n.t('Stop Rehearsal');
    const pick = await vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Overload rehearsal "{0}" is running: requests go to a local simulator, not to Anthropic. The scenario starts with your first question.',
        scenario,
      ),
      ask,
      diagnostics,
      stop,
    );
    if (pick === ask) await vscode.commands.executeCommand('resilientClaude.ask');
    if (pick === diagnostics) await vscode.commands.executeCommand('resilientClaude.showDiagnostics');
    if (pick === stop) await this.stop();
  }

  async stop(): Promise<void> {
    if (this.rehearsal.active === null) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No overload rehearsal is running.'));
      return;
    }
    await this.rehearsal.stop();
    void vscode.window.showInformationMessage(vscode.l10n.t('Overload rehearsal stopped: requests go to the API again.'));
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
