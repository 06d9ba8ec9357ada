// An untitled Markdown document that receives Claude's answer as it streams:
// deltas are buffered and appended in small batches, one edit at a time.
import * as vscode from 'vscode';

const FLUSH_DELAY_MS = 40;

export class AnswerDocument {
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly document: vscode.TextDocument) {}

  static async open(question: string): Promise<AnswerDocument> {
    const quoted = question
      .trim()
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: `${quoted}\n\n` });
    await vscode.window.showTextDocument(document, { preview: false });
    return new AnswerDocument(document);
  }

  get uri(): vscode.Uri {
    return this.document.uri;
  }

  get text(): string {
    return this.document.getText();
  }

  append(text: string): void {
    if (text === '' || this.closed) return;
    this.pending += text;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
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
    await this.flush();
  }

  private flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.pending === '' || this.document.isClosed) return;
      const text = this.pending;
      this.pending = '';
      const edit = new vscode.WorkspaceEdit();
      const end = this.document.lineAt(this.document.lineCount - 1).range.end;
      edit.insert(this.document.uri, end, text);
      await vscode.workspace.applyEdit(edit);
    });
    return this.writing;
  }
}
