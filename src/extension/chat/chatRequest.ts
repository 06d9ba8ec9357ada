// One chat request through the extension's manager, shared by the provider and @claude: the
// request is named before it starts so its events are known to be its own, the narration
// follows them, and cancellation aborts the upstream request at once (the manager stops its
// attempt; no further attempts are made).
import * as vscode from 'vscode';
import { newClientRequestId } from '../../core/clientRequestId';
import type { MessagesBody, Outcome, RequestStream, StreamPart } from '../../core/types';
import type { ClaudeClient } from '../claudeClient';
import { Narrator } from './narration';

/** A request about to start: its id, its abort signal (tied to the token) and its narration. */
export class FollowedRequest implements vscode.Disposable {
  readonly clientRequestId = newClientRequestId();
  private readonly controller = new AbortController();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly client: ClaudeClient,
    token: vscode.CancellationToken,
    readonly narrator: Narrator,
    onNarration: (line: string) => void,
  ) {
    if (token.isCancellationRequested) this.controller.abort();
    this.subscriptions = [
      token.onCancellationRequested(() => this.controller.abort()),
      client.observer.onEvent((event) => {
        if (!('clientRequestId' in event) || event.clientRequestId !== this.clientRequestId) return;
        const line = narrator.line(event);
        if (line !== null) onNarration(line);
      }),
    ];
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  stream(body: MessagesBody): Promise<RequestStream> {
    return this.client.stream(body, this.controller.signal, this.clientRequestId);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

export interface ChatRequestHooks {
  /** Every part of the answer, in order (text deltas, thinking, complete tool calls). */
  readonly onPart: (part: StreamPart) => void;
  /** A narration line ("Opus overloaded — retrying in 2 s"). */
  readonly onNarration?: (line: string) => void;
}

export async function runChatRequest(
  client: ClaudeClient,
  body: MessagesBody,
  token: vscode.CancellationToken,
  hooks: ChatRequestHooks,
  narrator: Narrator = new Narrator(vscode.l10n.t),
): Promise<Outcome> {
  const request = new FollowedRequest(client, token, narrator, (line) => hooks.onNarration?.(line));
  try {
    const stream = await request.stream(body);
    for await (const part of stream.parts) {
      if (request.aborted) break;
      hooks.onPart(part);
    }
    return await stream.outcome;
  } finally {
    request.dispose();
  }
}
