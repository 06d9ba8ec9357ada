// Batch results as read-only documents: a summary of the whole batch and one
// document per request, served from the stored results under their own scheme
// (a content provider's documents cannot be edited or saved over).
import * as vscode from 'vscode';
import { resultMarkdown, summaryMarkdown } from '../../core/batch/batchResults';
import type { BatchHost } from './batchHost';

export const BATCH_SCHEME = 'resilient-claude-batch';
const SUMMARY = '_summary';

function safeName(text: string): string {
  return text.replace(/[\\/:*?"<>|#%]+/g, '_').slice(0, 80) || 'batch';
}

export function summaryUri(localId: string, title: string): vscode.Uri {
  return vscode.Uri.from({ scheme: BATCH_SCHEME, path: `/${localId}/${SUMMARY}/${safeName(`Batch results — ${title}`)}.md` });
}

export function resultUri(localId: string, customId: string, label: string): vscode.Uri {
  return vscode.Uri.from({ scheme: BATCH_SCHEME, path: `/${localId}/${customId}/${safeName(label)}.md` });
}

export class BatchDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor(private readonly batches: BatchHost) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(BATCH_SCHEME, this);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const [, localId = '', part = ''] = uri.path.split('/');
    const record = this.batches.get(localId);
    if (!record) return vscode.l10n.t('This batch is no longer kept in this workspace.');
    const results = await this.batches.results(localId);
    if (!results) return vscode.l10n.t('Batch "{0}" has no results yet ({1}).', record.title, record.status);
    if (part === SUMMARY) return summaryMarkdown(record, results);
    const entry = results.find((r) => r.customId === part);
    return entry ? resultMarkdown(record, entry) : vscode.l10n.t('No request {0} in this batch.', part);
  }

  /** Opens the summary of a batch, beside nothing else: one read-only Markdown document. */
  async openSummary(localId: string): Promise<void> {
    const record = this.batches.get(localId);
    if (!record) return;
    const document = await vscode.workspace.openTextDocument(summaryUri(localId, record.title));
    await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await vscode.window.showTextDocument(document, { preview: false });
  }

  async openResult(localId: string, customId: string): Promise<void> {
    const entry = (await this.batches.results(localId))?.find((r) => r.customId === customId);
    if (!entry) return;
    const document = await vscode.workspace.openTextDocument(resultUri(localId, customId, entry.label));
    await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await vscode.window.showTextDocument(document, { preview: false });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
