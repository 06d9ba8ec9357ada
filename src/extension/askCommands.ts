// "Ask Claude…" and "Ask Claude About Selection": the answer streams into an
// untitled Markdown document under a cancellable progress notification whose
// message follows the manager (retries, waits, fallbacks).
import * as vscode from 'vscode';
import { newClientRequestId } from '../core/clientRequestId';
import { redactSecrets } from '../core/redact';
import type { ClaudeRequest, FailureOutcome, Outcome } from '../core/types';
import { AnswerDocument } from './answerDocument';
import type { ClaudeClient } from './claudeClient';
import { answerNote, failureNotice, progressMessage } from './requestMessages';
import type { FailureAction } from './requestMessages';

const MAX_TOKENS = 4096;

export class AskCommands {
  constructor(
    private readonly client: ClaudeClient,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async ask(): Promise<void> {
    const question = await vscode.window.showInputBox({
      title: vscode.l10n.t('Ask Claude'),
      prompt: vscode.l10n.t('Your question; the answer opens in a new Markdown document.'),
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Type a question.') : undefined),
    });
    if (question === undefined || question.trim() === '') return;
    await this.run(question.trim(), question.trim());
  }

  async askAboutSelection(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const selected = editor?.document.getText(editor.selection) ?? '';
    if (!editor || selected.trim() === '') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select some text first, then ask Claude about it.'));
      return;
    }
    const question = await vscode.window.showInputBox({
      title: vscode.l10n.t('Ask Claude About Selection'),
      value: vscode.l10n.t('Explain this code.'),
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Type a question.') : undefined),
    });
    if (question === undefined || question.trim() === '') return;
    const fence = selected.includes('```') ? '~~~~' : '```';
    const content = `${question.trim()}\n\n${fence}${editor.document.languageId}\n${selected}\n${fence}`;
    await this.run(question.trim(), content);
  }

  private async run(question: string, content: string): Promise<void> {
    if (!(await this.client.canSend())) {
      await this.offerSetup();
      return;
    }
    const document = await AnswerDocument.open(question);
    const request: ClaudeRequest = { messages: [{ role: 'user', content }], max_tokens: MAX_TOKENS };
    let outcome: Outcome;
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Claude'), cancellable: true },
        (progress, token) => this.stream(request, document, progress, token),
      );
    } catch (error) {
      // The manager reports request failures as outcomes; this is the extension failing to start one.
      const message = redactSecrets(error instanceof Error ? error.message : String(error));
      this.log.error(`Could not send the request: ${message}`);
      await document.finish(`\n\n---\n*${vscode.l10n.t('Failed: the request could not be sent.')}*\n`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Resilient Claude could not send the request: {0}', message));
      return;
    }
    await document.finish(answerNote(outcome, vscode.l10n.t));
    if (!outcome.ok && outcome.error.class !== 'canceled') await this.reportFailure(outcome);
  }

  private async stream(
    request: ClaudeRequest,
    document: AnswerDocument,
    progress: vscode.Progress<{ message?: string }>,
    token: vscode.CancellationToken,
  ): Promise<Outcome> {
    const controller = new AbortController();
    // Named before it starts, so even its first event is known to be this request's.
    const clientRequestId = newClientRequestId();
    const subscriptions = [
      token.onCancellationRequested(() => controller.abort()),
      this.client.onEvent((event) => {
        if (!('clientRequestId' in event) || event.clientRequestId !== clientRequestId) return;
        const message = progressMessage(event, vscode.l10n.t);
        if (message !== null) progress.report({ message });
      }),
    ];
    try {
      progress.report({ message: vscode.l10n.t('Asking {0}…', this.client.chain[0] ?? '') });
      const stream = await this.client.stream(request, controller.signal, clientRequestId);
      for await (const delta of stream) {
        document.append(delta);
        if (controller.signal.aborted) break;
      }
      return await stream.outcome;
    } finally {
      for (const s of subscriptions) s.dispose();
    }
  }

  private async reportFailure(outcome: FailureOutcome): Promise<void> {
    const notice = failureNotice(outcome.error, vscode.l10n.t);
    const labels: Record<FailureAction, string> = {
      setApiKey: vscode.l10n.t('Set API Key'),
      copyRequestIds: vscode.l10n.t('Copy Request IDs'),
      showDiagnostics: vscode.l10n.t('Show Diagnostics'),
    };
    this.log.error(`Request failed: ${outcome.error.class} — ${outcome.error.message} [${outcome.error.requestIds.join(', ')}]`);
    const choice = await vscode.window.showErrorMessage(notice.message, ...notice.actions.map((a) => labels[a]));
    const action = notice.actions.find((a) => labels[a] === choice);
    if (action === 'setApiKey') await vscode.commands.executeCommand('resilientClaude.setApiKey');
    if (action === 'showDiagnostics') await vscode.commands.executeCommand('resilientClaude.showDiagnostics');
    if (action === 'copyRequestIds') {
      await vscode.env.clipboard.writeText(outcome.error.requestIds.join('\n'));
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Copied {0} request ID(s) to the clipboard.', outcome.error.requestIds.length),
      );
    }
  }

  private async offerSetup(): Promise<void> {
    const setKey = vscode.l10n.t('Set API Key');
    const rehearse = vscode.l10n.t('Start Overload Rehearsal…');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Resilient Claude has no API key yet. Set one, or try a rehearsal against the local simulator.'),
      setKey,
      rehearse,
    );
    if (choice === setKey) await vscode.commands.executeCommand('resilientClaude.setApiKey');
    if (choice === rehearse) await vscode.commands.executeCommand('resilientClaude.startRehearsal');
  }
}
