// "Ask Claude…" and "Ask Claude About Selection": the answer streams into a read-only Markdown
// document titled after the question (AnswerStore), under a cancellable progress notification
// that names the question and follows the manager (retries with their real wait, fallbacks).
// A question asked before any key is set goes on once a key is saved or a rehearsal starts.
// Answers are kept in the workspace's storage: a reloaded window reopens them.
import * as vscode from 'vscode';
import { redactSecrets } from '../core/redact';
import type { ClaudeRequest, FailureOutcome, ManagerEvent, Outcome, RequestEvent } from '../core/types';
import { AnswerDocument } from './answerDocument';
import type { AnswerStore } from './answerStore';
import type { ClaudeClient } from './claudeClient';
import { selectionPlace } from './answerTitle';
import { simulatedAnswerLine } from './rehearsalLabels';
import { answerNote, credentialFix, failureNotice, fallbackAnnouncement, progressMessage, questionLabel, refusedProvider } from './requestMessages';
import type { FailureAction } from './requestMessages';

const MAX_TOKENS = 4096;
/** When registered (by the chat integration): (question: string) → answers in the Chat view. Preferred over opening the view here. */
export const ASK_IN_CHAT_COMMAND = 'resilientClaude.askInChat';
/** The @claude chat participant (package.json chatParticipants). */
const CHAT_PARTICIPANT = 'claude';
/** How long "Fell back to …" stays in the status bar after a request that fell back. */
const FALLBACK_NOTE_MS = 15_000;

type Answered = 'answered' | 'failed' | 'not sent';

export class AskCommands {
  constructor(
    private readonly client: ClaudeClient,
    private readonly answers: AnswerStore,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async ask(): Promise<void> {
    const asked = await this.askQuestion({
      title: vscode.l10n.t('Ask Claude'),
      prompt: vscode.l10n.t('Your question; the answer opens in a new Markdown document.'),
    });
    if (asked === undefined) return;
    if (asked.inChat) {
      await this.answerInChat(asked.question);
      return;
    }
    await this.run(asked.question, asked.question);
  }

  async askAboutSelection(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    const selected = editor?.document.getText(editor.selection) ?? '';
    if (!editor || selected.trim() === '') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select some text first, then ask Claude about it.'));
      return;
    }
    const asked = await this.askQuestion({ title: vscode.l10n.t('Ask Claude About Selection'), value: vscode.l10n.t('Explain this code.') });
    if (asked === undefined) return;
    const fence = selected.includes('```') ? '~~~~' : '```';
    const about = selectionPlace(vscode.workspace.asRelativePath(editor.document.uri, false), editor.selection);
    const content = `${asked.question}\n\n${about}:\n${fence}${editor.document.languageId}\n${selected}\n${fence}`;
    if (asked.inChat) {
      await this.answerInChat(content);
      return;
    }
    await this.run(asked.question, content, about);
  }

  /**
   * After a reload: the answers that were open come back from the workspace's storage, and one
   * still being written when the window went says it was interrupted and offers to ask again.
   */
  async restoreAnswers(): Promise<void> {
    const interrupted = this.answers.leftWriting;
    for (const answer of interrupted) {
      const uri = this.answers.uriOf(answer.id, answer.question);
      await this.answers.load(answer.id);
      this.answers.append(uri, `\n\n---\n*${vscode.l10n.t('Interrupted: the window closed or reloaded before this answer was complete.')}*\n`);
      await this.answers.finish(uri, 'interrupted');
    }
    const shown = new Set(
      vscode.window.tabGroups.all.flatMap((g) => g.tabs.flatMap((t) => (t.input instanceof vscode.TabInputText ? [t.input.uri.toString()] : []))),
    );
    const reopen = [...this.answers.openAnswers(), ...interrupted.filter((a) => !this.answers.openAnswers().some((o) => o.id === a.id))];
    for (const answer of reopen) {
      const uri = this.answers.uriOf(answer.id, answer.question);
      if (shown.has(uri.toString()) || (await this.answers.load(answer.id)) === undefined) continue;
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: false, preserveFocus: true });
    }
    if (reopen.length > 0) this.log.info(`Reopened ${reopen.length} answer(s) kept from the last window; ${interrupted.length} interrupted.`);
    for (const answer of interrupted) void this.offerAskAgain(answer.id, answer.question);
  }

  private async offerAskAgain(id: string, question: string): Promise<void> {
    const again = vscode.l10n.t('Ask Again');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Resilient Claude: the answer to “{0}” was interrupted: the window reloaded before it was complete.', questionLabel(question)),
      again,
    );
    if (choice !== again) return;
    await this.run(question, (await this.answers.asked(id)) ?? question);
  }

  /**
   * The question box. When the Chat view can take it (VS Code's chat is on), the box has an
   * "Answer in Chat" button next to Enter (which answers in a document, as always).
   */
  private async askQuestion(options: { title: string; prompt?: string; value?: string }): Promise<{ question: string; inChat: boolean } | undefined> {
    const chat = await this.chatAvailable();
    const box = vscode.window.createInputBox();
    box.title = options.title;
    if (options.prompt !== undefined) box.prompt = options.prompt;
    if (options.value !== undefined) box.value = options.value;
    box.ignoreFocusOut = true;
    const inChatButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('comment-discussion'), tooltip: vscode.l10n.t('Answer in Chat') };
    if (chat) box.buttons = [inChatButton];
    try {
      return await new Promise((resolve) => {
        const accept = (inChat: boolean): void => {
          const question = box.value.trim();
          if (question === '') {
            box.validationMessage = vscode.l10n.t('Type a question.');
            return;
          }
          resolve({ question, inChat });
          box.hide();
        };
        box.onDidChangeValue(() => (box.validationMessage = undefined));
        box.onDidAccept(() => accept(false));
        box.onDidTriggerButton((button) => {
          if (button === inChatButton) accept(true);
        });
        box.onDidHide(() => resolve(undefined));
        box.show();
      });
    } finally {
      box.dispose();
    }
  }

  private async chatAvailable(): Promise<boolean> {
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes(ASK_IN_CHAT_COMMAND)) return true;
    // With the AI features off the Chat view and its commands are gone.
    const off = vscode.workspace.getConfiguration('chat').get<boolean>('disableAIFeatures', false);
    return !off && commands.includes('workbench.action.chat.open');
  }

  /** Sends the question to @claude in the Chat view (the same resilient client answers there). */
  private async answerInChat(question: string): Promise<void> {
    if ((await vscode.commands.getCommands(true)).includes(ASK_IN_CHAT_COMMAND)) {
      await vscode.commands.executeCommand(ASK_IN_CHAT_COMMAND, question);
      return;
    }
    this.log.info('Question sent to @claude in the Chat view.');
    await vscode.commands.executeCommand('workbench.action.chat.open', { query: `@${CHAT_PARTICIPANT} ${question}` });
  }

  private async run(question: string, content: string, about?: string): Promise<Answered> {
    if (!(await this.client.canSend())) {
      // The question waits for the setup: it is sent once a key is saved or a rehearsal runs.
      if (!(await this.offerSetup()) || !(await this.client.canSend())) return 'not sent';
      this.log.info('Setup done; sending the question that was waiting for it.');
    }
    const document = await AnswerDocument.open(this.answers, question, content, about);
    const rehearsal = this.client.routes.rehearsalScenario;
    const request: ClaudeRequest = { messages: [{ role: 'user', content }], max_tokens: MAX_TOKENS };
    let outcome: Outcome;
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Claude: “{0}”', questionLabel(question)), cancellable: true },
        (progress, token) => this.stream(request, document, progress, token),
      );
    } catch (error) {
      // The manager reports request failures as outcomes; this is the extension failing to start one.
      const message = redactSecrets(error instanceof Error ? error.message : String(error));
      this.log.error(`Could not send the request: ${message}`);
      await document.finish(`\n\n---\n*${vscode.l10n.t('Failed: the request could not be sent.')}*\n`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Resilient Claude could not send the request: {0}', message));
      return 'failed';
    }
    await document.finish(
      answerNote(outcome, vscode.l10n.t) + (rehearsal !== null ? `\n*${simulatedAnswerLine(rehearsal, vscode.l10n.t)}*\n` : ''),
    );
    if (!outcome.ok && outcome.error.class !== 'canceled') {
      // A wrong key fixed from the error goes on with the same question.
      if ((await this.reportFailure(outcome)) === 'keySaved') return this.run(question, content, about);
    }
    return outcome.ok ? 'answered' : 'failed';
  }

  private async stream(
    request: ClaudeRequest,
    document: AnswerDocument,
    progress: vscode.Progress<{ message?: string }>,
    token: vscode.CancellationToken,
  ): Promise<Outcome> {
    const controller = new AbortController();
    let fellBack: Extract<ManagerEvent, { type: 'fallback' }> | null = null;
    const onEvent = (event: RequestEvent): void => {
      if (event.type === 'fallback') fellBack = event;
      const message = progressMessage(event, vscode.l10n.t);
      if (message !== null) progress.report({ message });
    };
    const subscriptions = [token.onCancellationRequested(() => controller.abort())];
    try {
      progress.report({ message: vscode.l10n.t('Asking {0}…', this.client.routes.chain[0] ?? '') });
      const stream = await this.client.stream(request, controller.signal, onEvent);
      for await (const delta of stream) {
        document.append(delta);
        if (controller.signal.aborted) break;
      }
      const outcome = await stream.outcome;
      // A quick answer closes the progress toast before anyone reads it: the fallback stays said in the status bar.
      const fallback: Extract<ManagerEvent, { type: 'fallback' }> | null = fellBack;
      if (outcome.ok && fallback !== null) {
        vscode.window.setStatusBarMessage(`$(arrow-swap) ${fallbackAnnouncement(fallback, vscode.l10n.t)}`, FALLBACK_NOTE_MS);
      }
      return outcome;
    } finally {
      for (const s of subscriptions) s.dispose();
    }
  }

  /** The error toast with what can be done; 'keySaved' when the user set a new key from it. */
  private async reportFailure(outcome: FailureOutcome): Promise<FailureAction | 'keySaved' | undefined> {
    const notice = failureNotice(outcome.error, vscode.l10n.t);
    // Refused credentials are mended where they live: the API key, AWS credentials or the Vertex token.
    const fix = credentialFix(refusedProvider(outcome.attempts), vscode.l10n.t);
    const labels: Record<FailureAction, string> = {
      setApiKey: fix.title,
      copyRequestIds: vscode.l10n.t('Copy Request IDs'),
      showDiagnostics: vscode.l10n.t('Show Diagnostics'),
    };
    this.log.error(`Request failed: ${outcome.error.class} — ${outcome.error.message} [${outcome.error.requestIds.join(', ')}]`);
    const choice = await vscode.window.showErrorMessage(notice.message, ...notice.actions.map((a) => labels[a]));
    const action = notice.actions.find((a) => labels[a] === choice);
    if (action === 'setApiKey') {
      return (await vscode.commands.executeCommand<boolean>(fix.command)) === true ? 'keySaved' : action;
    }
    if (action === 'showDiagnostics') await vscode.commands.executeCommand('resilientClaude.showDiagnostics');
    if (action === 'copyRequestIds') {
      await vscode.env.clipboard.writeText(outcome.error.requestIds.join('\n'));
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Copied {0} request ID(s) to the clipboard.', outcome.error.requestIds.length),
      );
    }
    return action;
  }

  /** No credentials: set a key or start a rehearsal. True when one of them was done. */
  private async offerSetup(): Promise<boolean> {
    const setKey = vscode.l10n.t('Set API Key');
    const rehearse = vscode.l10n.t('Start Overload Rehearsal…');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Resilient Claude has no API key yet. Set one, or try a rehearsal against the local simulator; your question is sent as soon as you do.'),
      setKey,
      rehearse,
    );
    if (choice === setKey) return (await vscode.commands.executeCommand<boolean>('resilientClaude.setApiKey')) === true;
    if (choice === rehearse) {
      await vscode.commands.executeCommand('resilientClaude.startRehearsal');
      return this.client.routes.rehearsalScenario !== null;
    }
    return false;
  }
}

