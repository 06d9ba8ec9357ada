// Answers live in read-only documents of the extension's own scheme: no "Save changes?" prompt
// when one is closed, a tab titled after the question, and "File: Save As…" still copies one to
// disk. The store keeps the newest answers in the workspace's storage — the text in a file per
// answer, what was asked beside it, the list and which ones are open in the workspace state — so
// a reloaded window reopens them, and an answer still being written when the window went says so.
import * as vscode from 'vscode';
import { answerTitle } from './answerTitle';

export const ANSWER_SCHEME = 'resilient-claude-answer';
/** Answers kept for reopening (older ones say they are gone). */
const KEPT_ANSWERS = 100;
const INDEX_KEY = 'resilientClaude.answers';
/** A streaming answer reaches its file at most this often (and once more when it ends). */
const SAVE_EVERY_MS = 300;

/** `writing` until the answer ends; one still `writing` in a new window was cut off by the window's end. */
export type AnswerState = 'writing' | 'done' | 'interrupted';

export interface KeptAnswer {
  readonly id: string;
  readonly question: string;
  readonly state: AnswerState;
  readonly createdAt: number;
}

interface AnswerIndex {
  readonly answers: readonly KeptAnswer[];
  /** Ids of the answers open in an editor tab, in tab order. */
  readonly open: readonly string[];
}

function isKeptAnswer(value: unknown): value is KeptAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['id'] === 'string' &&
    /^[a-z0-9]{1,40}$/.test(v['id']) &&
    typeof v['question'] === 'string' &&
    (v['state'] === 'writing' || v['state'] === 'done' || v['state'] === 'interrupted') &&
    typeof v['createdAt'] === 'number'
  );
}

function readIndex(memento: vscode.Memento): AnswerIndex {
  const raw = memento.get<unknown>(INDEX_KEY);
  if (typeof raw !== 'object' || raw === null) return { answers: [], open: [] };
  const r = raw as Record<string, unknown>;
  const answers = Array.isArray(r['answers']) ? r['answers'].filter(isKeptAnswer) : [];
  const ids = new Set(answers.map((a) => a.id));
  const open = Array.isArray(r['open']) ? r['open'].filter((id): id is string => typeof id === 'string' && ids.has(id)) : [];
  return { answers, open };
}

function newId(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0')}`;
}

/** The answer id in a document's URI (`/<id>/<title>.md`), or null for another scheme. */
export function answerIdOf(uri: vscode.Uri): string | null {
  if (uri.scheme !== ANSWER_SCHEME) return null;
  return /^\/([a-z0-9]{1,40})\//.exec(uri.path)?.[1] ?? null;
}

export class AnswerStore implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private index: AnswerIndex;
  private readonly saveTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[];
  /** The answers a previous window left: still `writing` at load time. */
  readonly leftWriting: readonly KeptAnswer[];

  readonly onDidChange = this.changed.event;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly folder: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.index = readIndex(memento);
    this.leftWriting = this.index.answers.filter((a) => a.state === 'writing');
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(ANSWER_SCHEME, this),
      vscode.window.tabGroups.onDidChangeTabs(() => this.noteOpenTabs()),
      this.changed,
    ];
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = answerIdOf(uri);
    const text = id === null ? undefined : await this.load(id);
    return text ?? vscode.l10n.t('*This answer is no longer kept. Ask again, or use "Save As…" to keep answers.*\n');
  }

  /** A new answer document for the question, holding `initial`; its tab reads "<question>.md". */
  async create(question: string, content: string, initial: string): Promise<vscode.Uri> {
    const id = newId();
    this.texts.set(id, initial);
    await Promise.all([this.write(`${id}.md`, initial), this.write(`${id}.ask.txt`, content)]);
    const answers = [...this.index.answers, { id, question, state: 'writing' as const, createdAt: Date.now() }];
    const dropped = answers.slice(0, Math.max(0, answers.length - KEPT_ANSWERS));
    for (const old of dropped) this.forget(old.id);
    await this.saveIndex({ answers: answers.slice(dropped.length), open: this.index.open.filter((o) => !dropped.some((d) => d.id === o)) });
    return this.uriOf(id, question);
  }

  uriOf(id: string, question: string): vscode.Uri {
    return vscode.Uri.from({ scheme: ANSWER_SCHEME, path: `/${id}/${answerTitle(question)}.md` });
  }

  append(uri: vscode.Uri, text: string): void {
    const id = answerIdOf(uri);
    const current = id === null ? undefined : this.texts.get(id);
    if (id === null || current === undefined || text === '') return;
    this.texts.set(id, current + text);
    this.changed.fire(uri);
    if (!this.saveTimers.has(id)) {
      this.saveTimers.set(
        id,
        setTimeout(() => {
          this.saveTimers.delete(id);
          void this.saveText(id);
        }, SAVE_EVERY_MS),
      );
    }
  }

  /** The answer ended (answered, failed or canceled): its whole text is saved and it counts as done. */
  async finish(uri: vscode.Uri, state: Exclude<AnswerState, 'writing'> = 'done'): Promise<void> {
    const id = answerIdOf(uri);
    if (id === null) return;
    const timer = this.saveTimers.get(id);
    if (timer !== undefined) clearTimeout(timer);
    this.saveTimers.delete(id);
    await this.saveText(id);
    await this.saveIndex({ ...this.index, answers: this.index.answers.map((a) => (a.id === id ? { ...a, state } : a)) });
  }

  text(uri: vscode.Uri): string | undefined {
    const id = answerIdOf(uri);
    return id === null ? undefined : this.texts.get(id);
  }

  /** What was sent for the answer (the question, with the selection it was about), to ask it again. */
  async asked(id: string): Promise<string | undefined> {
    return this.read(`${id}.ask.txt`);
  }

  /** The answers that were open in editor tabs when the window last changed its tabs. */
  openAnswers(): KeptAnswer[] {
    return this.index.open.flatMap((id) => this.index.answers.filter((a) => a.id === id));
  }

  /** Loads an answer's text from its file (once), so documents reopen with it. */
  async load(id: string): Promise<string | undefined> {
    const cached = this.texts.get(id);
    if (cached !== undefined) return cached;
    if (!this.index.answers.some((a) => a.id === id)) return undefined;
    const text = await this.read(`${id}.md`);
    if (text !== undefined && !this.texts.has(id)) this.texts.set(id, text);
    return this.texts.get(id);
  }

  private noteOpenTabs(): void {
    const open: string[] = [];
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
        const id = uri === undefined ? null : answerIdOf(uri);
        if (id !== null && !open.includes(id) && this.index.answers.some((a) => a.id === id)) open.push(id);
      }
    }
    if (open.join() !== this.index.open.join()) void this.saveIndex({ ...this.index, open });
  }

  private async saveIndex(index: AnswerIndex): Promise<void> {
    this.index = index;
    await this.memento.update(INDEX_KEY, index);
  }

  private async saveText(id: string): Promise<void> {
    const text = this.texts.get(id);
    if (text !== undefined) await this.write(`${id}.md`, text);
  }

  private forget(id: string): void {
    this.texts.delete(id);
    for (const name of [`${id}.md`, `${id}.ask.txt`]) {
      void Promise.resolve(vscode.workspace.fs.delete(vscode.Uri.joinPath(this.folder, name))).catch(() => undefined);
    }
  }

  private async write(name: string, text: string): Promise<void> {
    try {
      await vscode.workspace.fs.createDirectory(this.folder);
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(this.folder, name), new TextEncoder().encode(text));
    } catch (error) {
      this.log.warn(`Answers: could not keep ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async read(name: string): Promise<string | undefined> {
    try {
      return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder, name)));
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    for (const timer of this.saveTimers.values()) clearTimeout(timer);
    // What streamed last still reaches its file (best effort: the window is going).
    for (const id of this.saveTimers.keys()) void this.saveText(id);
    this.saveTimers.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.texts.clear();
  }
}
