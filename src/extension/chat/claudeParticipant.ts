// @claude: answers in VS Code's chat through the extension's manager, with the conversation so
// far and the attached references. It narrates what the manager does with stream.progress
// ("Opus overloaded — retrying in 2 s", "Answered by Sonnet 5.5 — Opus overloaded"), streams
// the answer as markdown, and ends with Copy Request ID and Show Diagnostics buttons. The
// model's own text is kept in the result's metadata, which is what the next turn sends back.
import * as vscode from 'vscode';
import type { ContentBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { MessagesBody } from '../../core/types';
import type { ClaudeClient } from '../claudeClient';
import { CHAIN_MODEL_ID, COPY_REQUEST_IDS_COMMAND, VENDOR } from './chatIds';
import { runChatRequest } from './chatRequest';
import { chatFailure } from './failureText';
import { credentialFix, refusedProvider } from '../requestMessages';
import { shortModelName } from '../../shared/modelNames';
import { Narrator } from './narration';
import { historyMessages } from './participantHistory';
import type { AnswerMetadata, RequestTurnShape, ResponseTurnShape } from './participantHistory';
import { referenceBlocks } from './references';
import { simulatedAnswerLine } from '../rehearsalLabels';

const MAX_TOKENS = 8192;
const SYSTEM_PROMPT =
  'You are Claude, answering a developer in the chat view of VS Code. Answer in Markdown; put code in fenced blocks ' +
  'with a language. Files and selections the user attached appear in <attachment> tags before the question.';

export class ClaudeParticipant {
  constructor(
    private readonly client: ClaudeClient,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  readonly handler: vscode.ChatRequestHandler = (request, context, stream, token) => this.answer(request, context, stream, token);

  private async answer(
    request: vscode.ChatRequest,
    context: vscode.ChatContext,
    stream: vscode.ChatResponseStream,
    token: vscode.CancellationToken,
  ): Promise<vscode.ChatResult> {
    if (!(await this.client.canSend())) {
      stream.markdown(vscode.l10n.t('Resilient Claude has no API key yet. Set one, or try an overload rehearsal against the local simulator.'));
      stream.button({ command: 'resilientClaude.setApiKey', title: vscode.l10n.t('Set API Key') });
      stream.button({ command: 'resilientClaude.startRehearsal', title: vscode.l10n.t('Start Overload Rehearsal…') });
      return {};
    }
    const { blocks, unreadable } = await referenceBlocks(request.references);
    if (unreadable.length > 0) this.log.warn(`@claude: could not read the attached ${unreadable.join(', ')}.`);
    const prompt = request.prompt.trim() === '' ? vscode.l10n.t('(no question: look at the attachments)') : request.prompt;
    const question: ContentBlockParam[] = [...blocks, { type: 'text', text: prompt }];
    // A model of ours picked in the chat's picker starts the chain there; anything else (our
    // chain entry, another vendor's model) leaves the configured chain as it is.
    const model = request.model.vendor === VENDOR && request.model.id !== CHAIN_MODEL_ID ? request.model.id : undefined;
    const body: MessagesBody = {
      system: SYSTEM_PROMPT,
      max_tokens: MAX_TOKENS,
      messages: [...historyMessages(context.history as ReadonlyArray<RequestTurnShape | ResponseTurnShape>), { role: 'user', content: question }],
      ...(model !== undefined ? { model } : {}),
    };

    const rehearsal = this.client.routes.rehearsalScenario;
    stream.progress(vscode.l10n.t('Asking {0}…', shortModelName(model ?? this.client.routes.chain[0] ?? '')));
    let answer = '';
    let announced = false;
    /** The answered-by line already shown above the answer (said once, not again under it). */
    let saidAnsweredBy: string | null = null;
    const narrator = new Narrator(vscode.l10n.t);
    const outcome = await runChatRequest(this.client, body, token, {
      onNarration: (line) => stream.progress(line),
      onPart: (part) => {
        if (part.type !== 'text' || part.text === '') return;
        if (!announced) {
          announced = true;
          // The first words after a fallback: say who answers, and why, above them (it stays in
          // sight when the progress folds; the next turn sends back the metadata's answer, without it).
          saidAnsweredBy = narrator.answeredByCurrent();
          if (saidAnsweredBy !== null) stream.markdown(`*${saidAnsweredBy}*\n\n`);
        }
        answer += part.text;
        stream.markdown(part.text);
      },
    }, narrator);

    const requestIds = outcome.attempts.map((a) => a.requestId).filter((id): id is string => id !== null);
    const metadata: AnswerMetadata = {
      answer: outcome.ok ? answer : '',
      model: outcome.ok ? outcome.model : null,
      requestIds,
      clientRequestId: outcome.clientRequestId,
    };
    if (outcome.ok) {
      const line = narrator.fellBack ? narrator.answeredBy(outcome.model, outcome.provider) : null;
      // A fallback not yet said above the answer (it came after the first words) is said under it.
      if (line !== null && line !== saidAnsweredBy) stream.markdown(`\n\n*${line}*`);
      if (outcome.incomplete) stream.markdown(`\n\n*${vscode.l10n.t('The answer was cut off and could not be continued.')}*`);
      if (rehearsal !== null) stream.markdown(`\n\n*${simulatedAnswerLine(rehearsal, vscode.l10n.t)}*`);
      this.buttons(stream, requestIds);
      return { metadata: { resilientClaude: metadata } };
    }
    if (outcome.error.class === 'canceled' || token.isCancellationRequested) return { metadata: { resilientClaude: metadata } };
    const failure = chatFailure(outcome.error, vscode.l10n.t);
    this.log.error(`@claude request ${outcome.clientRequestId} failed: ${outcome.error.class} — ${outcome.error.message} [${requestIds.join(', ')}]`);
    if (outcome.error.class === 'auth') stream.button(credentialFix(refusedProvider(outcome.attempts), vscode.l10n.t));
    this.buttons(stream, outcome.error.requestIds);
    return { errorDetails: { message: failure.message }, metadata: { resilientClaude: metadata } };
  }

  private buttons(stream: vscode.ChatResponseStream, requestIds: readonly string[]): void {
    if (requestIds.length > 0) {
      stream.button({
        command: COPY_REQUEST_IDS_COMMAND,
        title: requestIds.length === 1 ? vscode.l10n.t('Copy Request ID') : vscode.l10n.t('Copy Request IDs ({0})', requestIds.length),
        arguments: [requestIds],
      });
    }
    stream.button({ command: 'resilientClaude.showDiagnostics', title: vscode.l10n.t('Show Diagnostics') });
  }
}
