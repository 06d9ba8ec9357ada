// One chat request through the extension's manager, shared by the provider and @claude: the
// request is named before it starts so its events are known to be its own, the narration
// follows them, each part reaches the caller as it arrives, and cancellation aborts the
// upstream request at once (the manager stops its attempt; no further attempts are made).
import * as vscode from 'vscode';
import { newClientRequestId } from '../../core/clientRequestId';
import type { MessagesBody, Outcome, StreamPart } from '../../core/types';
import type { ClaudeClient } from '../claudeClient';
import { Narrator } from './narration';

export interface ChatRequestHooks {
  /** Every part of the answer, in order (text deltas, thinking, complete tool calls). */
  readonly onPart: (part: StreamPart) => void;
  /** A narration line ("Opus overloaded — retrying in 2 s"). */
  readonly onNarration?: (line: string) => void;
}

export interface ChatRequestResult {
  readonly outcome: Outcome;
  readonly narrator: Narrator;
  readonly clientRequestId: string;
}

export async function runChatRequest(
  client: ClaudeClient,
  body: MessagesBody,
  token: vscode.CancellationToken,
  hooks: ChatRequestHooks,
  narrator: Narrator = new Narrator(vscode.l10n.t),
): Promise<ChatRequestResult> {
  const controller = new AbortController();
  const clientRequestId = newClientRequestId();
  const subscriptions = [
    token.onCancellationRequested(() => controller.abort()),
    client.onEvent((event) => {
      if (!('clientRequestId' in event) || event.clientRequestId !== clientRequestId) return;
      const line = narrator.line(event);
      if (line !== null) hooks.onNarration?.(line);
    }),
  ];
  try {
    if (token.isCancellationRequested) controller.abort();
    const stream = await client.stream(body, controller.signal, clientRequestId);
    for await (const part of stream.parts) {
      if (controller.signal.aborted) break;
      hooks.onPart(part);
    }
    return { outcome: await stream.outcome, narrator, clientRequestId };
  } finally {
    for (const s of subscriptions) s.dispose();
  }
}
