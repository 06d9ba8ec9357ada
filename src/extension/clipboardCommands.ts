// Commands that put diagnostics on the clipboard: the last server request id
// and the escalation report for the last hour. During an overload rehearsal both are the
// rehearsal's and say they are simulated; real traffic's never include simulated ids.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { VERSION as SDK_VERSION } from '@anthropic-ai/sdk/version';
import { buildEscalationReport } from '../core/report/buildEscalationReport';
import type { ClaudeClient } from './claudeClient';
import type { HistoryHost } from './historyHost';

const REPORT_WINDOW_MS = 60 * 60_000;

export class ClipboardCommands {
  constructor(
    private readonly client: ClaudeClient,
    private readonly history: HistoryHost,
    private readonly extensionVersion: string,
    /** More Markdown for the report (the Message Batches section), given its window. */
    private readonly appendix: (windowMs: number, now: number) => string = () => '',
  ) {}

  async copyLastRequestId(): Promise<void> {
    const scenario = this.client.routes.rehearsalScenario;
    if (scenario !== null) {
      const simulated = this.client.observer.lastRehearsalRequestId;
      if (simulated === null) {
        void vscode.window.showInformationMessage(
          vscode.l10n.t('Resilient Claude: no request has been made in the overload rehearsal "{0}" yet.', scenario),
        );
        return;
      }
      await vscode.env.clipboard.writeText(simulated);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Copied simulated request ID {0} (overload rehearsal "{1}"; not for Anthropic support).', simulated, scenario),
      );
      return;
    }
    const id = this.client.observer.lastRequestId;
    if (id === null) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Resilient Claude: no request has been made in this window yet.'));
      return;
    }
    await vscode.env.clipboard.writeText(id);
    void vscode.window.showInformationMessage(vscode.l10n.t('Copied request ID {0}.', id));
  }

  async copyEscalationReport(): Promise<void> {
    const now = Date.now();
    const base = buildEscalationReport({
      history: this.history.current,
      windowMs: REPORT_WINDOW_MS,
      now,
      versions: {
        extension: this.extensionVersion,
        sdk: SDK_VERSION,
        vscode: vscode.version,
        os: `${os.platform()} ${os.release()} ${os.arch()}`,
      },
      breakers: this.client.breakers(),
    });
    const extra = this.appendix(REPORT_WINDOW_MS, now);
    const report = extra ? `${base.trimEnd()}\n\n${extra}` : base;
    await vscode.env.clipboard.writeText(report);
    const scenario = this.history.rehearsalScenario;
    void vscode.window.showInformationMessage(
      scenario === null
        ? vscode.l10n.t('Copied the escalation report for the last hour (Markdown, no secrets).')
        : vscode.l10n.t('Copied the overload rehearsal "{0}" report: simulated data, not for Anthropic support.', scenario),
    );
  }
}
