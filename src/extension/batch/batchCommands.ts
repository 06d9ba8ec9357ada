// The batch commands: "Ask Claude in Batch…", "Run Prompt on Files in Batch…"
// (the explorer's multi-selection, one request per file), "Show Batches…",
// "Open Batch Results…" and "Cancel Batch…", and the notifications a batch
// raises when it cannot be submitted or when it ends.
import * as vscode from 'vscode';
import { describeEstimate, estimateBatch } from '../../core/batch/batchEstimate';
import { batchLimitProblem, customIdFor } from '../../core/batch/batchLimits';
import { doneCount, isActive, removable } from '../../core/batch/batchTypes';
import type { BatchRecord, BatchRequestSpec } from '../../core/batch/batchTypes';
import type { ClaudeClient } from '../claudeClient';
import type { BatchDocuments } from './batchDocuments';
import type { BatchHost } from './batchHost';
import { nextStep } from './batchHost';
import { readBatchSettings } from './batchSettings';
import { questionLabel } from '../requestMessages';
import type { BatchStatusBar } from './batchStatusBar';

const PREFIX = 'Resilient Claude: ';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class BatchCommands implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly batches: BatchHost,
    private readonly documents: BatchDocuments,
    private readonly statusBar: BatchStatusBar,
    private readonly claude: ClaudeClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [batches.onDidEnd((record) => void this.notifyEnded(record)), batches.onDidGo((record) => void this.notifyGone(record))];
  }

  /** At activation: a batch that ended while no window watched is announced once. */
  announceEnded(): void {
    for (const record of this.batches.list()) {
      if (record.status === 'ended' && record.resultsStored && !record.notified) void this.notifyEnded(record);
    }
  }

  private model(): string {
    return readBatchSettings().model || this.claude.routes.primaryModel;
  }

  async askInBatch(): Promise<void> {
    const question = await vscode.window.showInputBox({
      title: vscode.l10n.t('Resilient Claude: Ask Claude in Batch'),
      prompt: vscode.l10n.t('Answered through the Message Batches API: half the price, within 24 hours.'),
      placeHolder: vscode.l10n.t('Your question'),
      ignoreFocusOut: true,
    });
    if (!question?.trim()) return;
    const settings = readBatchSettings();
    const model = this.model();
    // Labelled by the question itself: its answer's document is titled by it.
    const requests: BatchRequestSpec[] = [
      { customId: customIdFor('question', 0), label: questionLabel(question), params: { model, max_tokens: settings.maxTokens, messages: [{ role: 'user', content: question.trim() }] } },
    ];
    await this.confirmAndSubmit(question.trim().slice(0, 60), model, requests);
  }

  /** From the explorer's context menu (`uri`, `uris`), or with files picked in a dialog. */
  async runPromptOnFiles(uri?: vscode.Uri, uris?: readonly vscode.Uri[]): Promise<void> {
    let files = uris && uris.length > 0 ? [...uris] : uri ? [uri] : [];
    if (files.length === 0) {
      files = (await vscode.window.showOpenDialog({ canSelectMany: true, canSelectFolders: false, title: vscode.l10n.t('Files to run the prompt on') })) ?? [];
    }
    files = await this.onlyFiles(files);
    if (files.length === 0) return;
    const prompt = await vscode.window.showInputBox({
      title: vscode.l10n.t('Resilient Claude: Run Prompt on {0} File(s) in Batch', files.length),
      prompt: vscode.l10n.t('One request per file: this prompt, then the file. Answered within 24 hours at half the price.'),
      placeHolder: vscode.l10n.t('e.g. Review this file for bugs'),
      ignoreFocusOut: true,
    });
    if (!prompt?.trim()) return;
    const settings = readBatchSettings();
    const model = this.model();
    const requests: BatchRequestSpec[] = [];
    const skipped: string[] = [];
    for (const file of files) {
      const label = vscode.workspace.asRelativePath(file, false);
      const bytes = await vscode.workspace.fs.readFile(file);
      const text = new TextDecoder('utf-8').decode(bytes);
      if (text.includes('\u0000')) {
        skipped.push(label);
        continue;
      }
      requests.push({
        customId: customIdFor(label, requests.length),
        label,
        params: { model, max_tokens: settings.maxTokens, messages: [{ role: 'user', content: `${prompt.trim()}\n\n<file path="${label}">\n${text}\n</file>` }] },
      });
    }
    if (skipped.length > 0) void vscode.window.showWarningMessage(vscode.l10n.t('{0}Skipped binary file(s): {1}', PREFIX, skipped.join(', ')));
    if (requests.length === 0) return;
    await this.confirmAndSubmit(`${prompt.trim().slice(0, 40)} (${requests.length} file${requests.length === 1 ? '' : 's'})`, model, requests);
  }

  private async onlyFiles(uris: readonly vscode.Uri[]): Promise<vscode.Uri[]> {
    const out: vscode.Uri[] = [];
    for (const uri of uris) {
      const stat = await vscode.workspace.fs.stat(uri).then(
        (s) => s,
        () => undefined,
      );
      if (stat && (stat.type & vscode.FileType.File) !== 0) out.push(uri);
    }
    return out;
  }

  private async confirmAndSubmit(title: string, model: string, requests: BatchRequestSpec[]): Promise<void> {
    const limit = batchLimitProblem(requests);
    if (limit !== null) {
      void vscode.window.showErrorMessage(`${PREFIX}${limit}`);
      return;
    }
    const submit = vscode.l10n.t('Submit Batch');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Submit {0} request(s) to the Message Batches API on {1}?', requests.length, model),
      {
        modal: true,
        detail: vscode.l10n.t(
          'Estimate: {0}. Batches cost half the live price and finish within 24 hours; you will be told when the results are in, even after a reload.',
          describeEstimate(estimateBatch(requests)),
        ),
      },
      submit,
    );
    if (choice !== submit) return;
    const record = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Resilient Claude: submitting the batch…') },
      () => this.batches.submit({ title, model, requests }),
    );
    this.reportSubmission(record);
  }

  private reportSubmission(record: BatchRecord): void {
    if (record.status === 'not_submitted' && record.problem) {
      this.log.warn(`Batch "${record.title}" not submitted: ${record.problem.message}`);
      const setKey = vscode.l10n.t('Set API Key');
      const show = vscode.l10n.t('Show Batches');
      const keyProblem = record.problem.kind === 'missing_api_key' || record.problem.kind === 'invalid_api_key';
      void vscode.window
        .showErrorMessage(
          `${PREFIX}${record.problem.message} ${nextStep(record.problem)} ${vscode.l10n.t('The batch is kept in this workspace.')}`.replace(/\s+/g, ' ').trim(),
          ...(keyProblem ? [setKey] : []),
          show,
        )
        .then((choice) => {
          if (choice === setKey) void vscode.commands.executeCommand('resilientClaude.setApiKey');
          if (choice === show) void this.showBatches();
        });
      return;
    }
    this.log.info(`Batch "${record.title}" submitted as ${record.batchId} (${record.total} requests, create request id ${record.createRequestId ?? 'none'}).`);
    void vscode.window.showInformationMessage(
      vscode.l10n.t('{0}batch submitted ({1} request(s)); you will be told when it ends.', PREFIX, record.total),
    );
  }

  private async notifyEnded(record: BatchRecord): Promise<void> {
    await this.batches.markNotified(record.localId);
    const c = record.counts;
    const open = vscode.l10n.t('Open Results');
    const parts = [
      vscode.l10n.t('{0} succeeded', c.succeeded),
      ...(c.errored ? [vscode.l10n.t('{0} errored', c.errored)] : []),
      ...(c.expired ? [vscode.l10n.t('{0} expired', c.expired)] : []),
      ...(c.canceled ? [vscode.l10n.t('{0} canceled', c.canceled)] : []),
    ];
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('{0}batch "{1}" ended: {2}.', PREFIX, record.title, parts.join(', ')),
      open,
    );
    if (choice === open) await this.openResults(record.localId);
  }

  async openResults(localId?: string): Promise<void> {
    const id = localId ?? (await this.pick(vscode.l10n.t('Open the results of which batch?'), (r) => r.resultsStored))?.localId;
    if (!id) return;
    this.statusBar.noteOpened(id);
    await this.documents.openSummary(id);
  }

  /** A batch whose server is gone says so once, with the one thing left to do. */
  private async notifyGone(record: BatchRecord): Promise<void> {
    const remove = vscode.l10n.t('Remove From List');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0}batch "{1}" can never end: {2}', PREFIX, record.title, record.problem?.message ?? ''),
      remove,
    );
    if (choice === remove) await this.removeBatch(record.localId);
  }

  async cancelBatch(localId?: string): Promise<void> {
    const id = localId ?? (await this.pick(vscode.l10n.t('Cancel which batch?'), (r) => (isActive(r) && r.batchId !== null) || r.status === 'gone'))?.localId;
    if (!id) return;
    if (this.batches.get(id)?.status === 'gone') return this.removeGone(id);
    try {
      const record = await this.batches.cancel(id);
      void vscode.window.showInformationMessage(vscode.l10n.t('{0}canceling batch "{1}"; requests not yet processed end as canceled.', PREFIX, record.title));
    } catch (error) {
      // Its server turned out to be gone: nothing is left to cancel, so it leaves the list.
      if (this.batches.get(id)?.status === 'gone') return this.removeGone(id);
      void vscode.window.showErrorMessage(`${PREFIX}${errorText(error)}`);
    }
  }

  /** Cancel on a batch whose server is gone: there is nothing to cancel, so it is removed, and the user is told why. */
  private async removeGone(localId: string): Promise<void> {
    const record = this.batches.get(localId);
    if (!record) return;
    await this.batches.remove(localId);
    this.log.info(`Batch "${record.title}" removed on cancel: its server is gone.`);
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        '{0}removed batch "{1}" from the list: it was sent to an overload rehearsal that has stopped, so there was nothing left to cancel.',
        PREFIX,
        record.title,
      ),
    );
  }

  /** Forgets a batch in this workspace (the API keeps it). */
  async removeBatch(localId?: string): Promise<void> {
    const id = localId ?? (await this.pick(vscode.l10n.t('Remove which batch from the list?'), removable))?.localId;
    const record = id === undefined ? undefined : this.batches.get(id);
    if (!record) return;
    await this.batches.remove(record.localId);
    this.log.info(`Batch "${record.title}" removed from the list.`);
    void vscode.window.showInformationMessage(vscode.l10n.t('{0}removed batch "{1}" from the list.', PREFIX, record.title));
  }

  async resubmit(localId: string): Promise<void> {
    const record = await this.batches.resubmit(localId);
    this.reportSubmission(record);
  }

  async showBatches(): Promise<void> {
    const record = await this.pick(vscode.l10n.t('Batches kept in this workspace'), () => true);
    if (!record) return;
    type Action = vscode.QuickPickItem & { run: () => Thenable<void> | void };
    const actions: Action[] = [];
    if (record.resultsStored) {
      actions.push({ label: vscode.l10n.t('Open Results'), run: () => this.openResults(record.localId) });
      actions.push({ label: vscode.l10n.t('Open One Answer…'), run: () => this.openOne(record.localId) });
    }
    if ((isActive(record) || (record.status === 'ended' && !record.resultsStored)) && record.batchId !== null) {
      actions.push({ label: vscode.l10n.t('Check Now'), run: async () => void (await this.batches.refresh(record.localId)) });
    }
    if (record.status === 'in_progress' && record.batchId !== null) actions.push({ label: vscode.l10n.t('Cancel Batch'), run: () => this.cancelBatch(record.localId) });
    if (record.status === 'not_submitted') actions.push({ label: vscode.l10n.t('Submit Again'), run: () => this.resubmit(record.localId) });
    if (record.batchId) actions.push({ label: vscode.l10n.t('Copy Batch ID'), run: () => vscode.env.clipboard.writeText(record.batchId ?? '') });
    if (removable(record)) {
      actions.push({ label: vscode.l10n.t('Remove From List'), description: vscode.l10n.t('forgets it in this workspace only'), run: () => this.removeBatch(record.localId) });
    }
    const action = await vscode.window.showQuickPick(actions, { title: record.title, placeHolder: describe(record) });
    await action?.run();
  }

  private async openOne(localId: string): Promise<void> {
    const results = (await this.batches.results(localId)) ?? [];
    const pick = await vscode.window.showQuickPick(
      results.map((r) => ({ label: r.label, description: r.type, customId: r.customId })),
      { title: vscode.l10n.t('Open which answer?') },
    );
    if (pick) await this.documents.openResult(localId, pick.customId);
  }

  private async pick(title: string, filter: (record: BatchRecord) => boolean): Promise<BatchRecord | undefined> {
    const records = this.batches.list().filter(filter);
    if (records.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0}no batches to show here.', PREFIX));
      return undefined;
    }
    const chosen = await vscode.window.showQuickPick(
      records.map((r) => ({ label: r.title, description: describe(r), detail: r.problem?.message ?? (r.batchId ?? ''), localId: r.localId })),
      { title },
    );
    return chosen ? this.batches.get(chosen.localId) : undefined;
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}

function describe(record: BatchRecord): string {
  const status = record.status === 'not_submitted' ? 'not submitted' : record.status === 'gone' ? 'gone (its server stopped)' : record.status.replace('_', ' ');
  return `${status} · ${doneCount(record)}/${record.total} done · ${new Date(record.createdAt).toLocaleString()}`;
}
