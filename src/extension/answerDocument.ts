// One answer as it streams into its read-only document (see AnswerStore): deltas are buffered
// and handed to the store in small batches, so the editor re-reads the document a few times a
// second rather than once per token.
import * as vscode from 'vscode';
import type { AnswerStore } from './answerStore';

const FLUSH_DELAY_MS = 40;

export class AnswerDocument {
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  private constructor(
    private readonly store: AnswerStore,
    readonly uri: vscode.Uri,
  ) {}

  /**
   * Opens a new answer document titled after the question, which it quotes at the top (with
   * `about`, e.g. the file and lines a selection came from, on the line below). `content` is
   * what is sent, kept so the question can be asked again after a reload.
   */
  static async open(store: AnswerStore, question: string, content: string, about?: string): Promise<AnswerDocument> {
    const quoted = question
      .trim()
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    const uri = await store.create(question, content, `${quoted}\n${about === undefined ? '' : `>\n> ${about}\n`}\n`);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: false });
    return new AnswerDocument(store, uri);
  }

  get text(): string {
    return (this.store.text(this.uri) ?? '') + this.pending;
  }

  append(text: string): void {
    if (text === '' || this.closed) return;
    this.pending += text;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, FLUSH_DELAY_MS);
  }

  /** Writes what is buffered, then the closing note, and stops accepting text. */
  async finish(note: string): Promise<void> {
    this.append(note);
    this.closed = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.flush();
    await this.store.finish(this.uri);
  }

  private flush(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.store.append(this.uri, text);
  }
}
