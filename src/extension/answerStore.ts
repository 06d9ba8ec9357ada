// Answers live in read-only documents of the extension's own scheme: no "Save changes?" prompt
// when one is closed, a tab titled after the question, and "File: Save As…" still copies one to
// disk. The store keeps the newest answers' text and tells the editor when one grows.
import * as vscode from 'vscode';
import { answerTitle } from './answerTitle';

export const ANSWER_SCHEME = 'resilient-claude-answer';
/** Answers kept for reopening (older ones say they are gone). */
const KEPT_ANSWERS = 100;

export class AnswerStore implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly registration: vscode.Disposable;
  private counter = 0;

  readonly onDidChange = this.changed.event;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(ANSWER_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? vscode.l10n.t('*This answer is no longer kept. Ask again, or use "Save As…" to keep answers.*\n');
  }

  /** A new answer document for the question, holding `initial`; its tab reads "<question>.md". */
  create(question: string, initial: string): vscode.Uri {
    this.counter += 1;
    const uri = vscode.Uri.from({ scheme: ANSWER_SCHEME, path: `/${this.counter}/${answerTitle(question)}.md` });
    this.texts.set(uri.toString(), initial);
    while (this.texts.size > KEPT_ANSWERS) {
      const oldest = this.texts.keys().next().value;
      if (oldest === undefined) break;
      this.texts.delete(oldest);
    }
    return uri;
  }

  append(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    const current = this.texts.get(key);
    if (current === undefined || text === '') return;
    this.texts.set(key, current + text);
    this.changed.fire(uri);
  }

  text(uri: vscode.Uri): string | undefined {
    return this.texts.get(uri.toString());
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.texts.clear();
  }
}
