// The language model provider (vendor `resilient-claude`): every chat and extension using
// `vscode.lm` can pick Claude through our manager — retries, fallback, breakers, 529 history
// and request ids included.
//
// Fallback is visible without touching the answer: the provider never adds text of its own to
// the response (what the caller receives, and sends back next turn, is exactly what the model
// wrote). Waits and fallbacks show as a transient status bar message ("Claude (resilient):
// Answered by Sonnet 5.5 — Opus overloaded"), in the log, and in the status bar indicator.
import * as vscode from 'vscode';
import type { ClaudeClient } from '../claudeClient';
import { CHAIN_MODEL_ID } from './chatIds';
import { FollowedRequest } from './chatRequest';
import { chatFailure } from './failureText';
import type { ChatFailure } from './failureText';
import type { ModelList } from './modelList';
import type { RequestMessageShape } from './partShapes';
import { Narrator } from './narration';
import { runProviderPipeline } from './providerPipeline';
import type { PipelineResult } from './providerPipeline';
import type { TokenCounter } from './tokenCounter';
import { weighMessage } from './tokenCounter';
import type { ResponsePartFactory } from './toResponseParts';
const NOTICE_MS = 10_000;

const vscodeParts: ResponsePartFactory<vscode.LanguageModelResponsePart> = {
  text: (value) => new vscode.LanguageModelTextPart(value),
  toolCall: (callId, name, input) => new vscode.LanguageModelToolCallPart(callId, name, input),
  data: (bytes, mimeType) => new vscode.LanguageModelDataPart(bytes, mimeType),
};

/** A LanguageModelError with VS Code's code for the failure (NoPermissions, Blocked, NotFound) when there is one. */
export function toLanguageModelError(failure: ChatFailure): vscode.LanguageModelError {
  switch (failure.code) {
    case 'NoPermissions':
      return vscode.LanguageModelError.NoPermissions(failure.message);
    case 'Blocked':
      return vscode.LanguageModelError.Blocked(failure.message);
    case 'NotFound':
      return vscode.LanguageModelError.NotFound(failure.message);
    default:
      return new vscode.LanguageModelError(failure.message);
  }
}

export class ClaudeChatProvider implements vscode.LanguageModelChatProvider {
  private notice: vscode.Disposable | undefined;

  readonly onDidChangeLanguageModelChatInformation: vscode.Event<void>;

  constructor(
    private readonly client: ClaudeClient,
    private readonly models: ModelList,
    private readonly counter: TokenCounter,
    private readonly log: vscode.LogOutputChannel,
    private readonly onCalibrated: () => void,
  ) {
    this.onDidChangeLanguageModelChatInformation = models.onDidChange;
  }

  async provideLanguageModelChatInformation(): Promise<vscode.LanguageModelChatInformation[]> {
    return this.models.models();
  }

  async provideLanguageModelChatResponse(
    model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    if (!(await this.client.canSend())) {
      throw vscode.LanguageModelError.NoPermissions(
        vscode.l10n.t('Resilient Claude has no API key yet. Run "Resilient Claude: Set API Key", or start an overload rehearsal.'),
      );
    }
    const request = new FollowedRequest(this.client, token, new Narrator(vscode.l10n.t), (line) => this.show(line));
    let result: PipelineResult;
    try {
      result = await runProviderPipeline(
        { stream: (body) => request.stream(body), make: vscodeParts, counter: this.counter },
        model,
        messages as readonly RequestMessageShape[],
        options,
        (part) => progress.report(part),
        () => request.aborted,
      );
    } finally {
      request.dispose();
    }
    const { outcome, omitted } = result;
    for (const what of omitted) this.log.warn(`Chat request ${outcome.clientRequestId} to ${model.id}: left out ${what}.`);
    if (outcome.ok) {
      this.onCalibrated();
      if (request.narrator.fellBack) this.show(request.narrator.answeredBy(outcome.model, outcome.provider));
      for (const adaptation of outcome.adaptations) this.log.info(`Chat request ${outcome.clientRequestId}: ${adaptation}`);
      if (outcome.incomplete) {
        throw new vscode.LanguageModelError(
          vscode.l10n.t('Claude: the answer was cut off and could not be continued (request {0}).', outcome.attempts.at(-1)?.requestId ?? outcome.clientRequestId),
        );
      }
      return;
    }
    if (outcome.error.class === 'canceled' || token.isCancellationRequested) throw new vscode.CancellationError();
    const failure = chatFailure(outcome.error, vscode.l10n.t);
    this.log.error(`Chat request ${outcome.clientRequestId} failed: ${outcome.error.class} — ${outcome.error.message} [${failure.requestIds.join(', ')}]`);
    throw toLanguageModelError(failure);
  }

  async provideTokenCount(
    model: vscode.LanguageModelChatInformation,
    text: string | vscode.LanguageModelChatRequestMessage,
  ): Promise<number> {
    const counted = model.id === CHAIN_MODEL_ID ? (this.client.routes.chain[0] ?? model.id) : model.id;
    return this.counter.count(counted, weighMessage(text as string | RequestMessageShape));
  }

  /** A transient status bar message: the fallback is visible, the answer untouched. */
  private show(line: string): void {
    this.log.info(`Chat: ${line}`);
    this.notice?.dispose();
    this.notice = vscode.window.setStatusBarMessage(`$(sparkle) ${vscode.l10n.t('Claude (resilient): {0}', line)}`, NOTICE_MS);
  }

  dispose(): void {
    this.notice?.dispose();
  }
}
