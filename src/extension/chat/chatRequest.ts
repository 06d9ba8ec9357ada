// One chat request through the extension's manager, shared by the provider and @claude: the
// narration follows the request's own events, and cancellation aborts the upstream request at
// once (the manager stops its attempt; no further attempts are made).
import * as vscode from 'vscode';
import type { MessagesBody, Outcome, RequestEvent, RequestStream, StreamPart } from '../../core/types';
import type { ClaudeClient } from '../claudeClient';
import { Narrator } from './narration';
import { CHAT_CLIENT } from '../../core/requestClient';

/** A request about to start: its id, its abort signal (tied to the token) and its narration. */
export class FollowedRequest implements vscode.Disposable {
  private readonly controller = new AbortController();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly client: ClaudeClient,
    token: vscode.CancellationToken,
    readonly narrator: Narrator,
    private readonly onNarration: (line: string) => void,
  ) {
    if (token.isCancellationRequested) this.controller.abort();
    this.subscriptions = [token.onCancellationRequested(() => this.controller.abort())];
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  stream(body: MessagesBody): Promise<RequestStream> {
    return this.client.stream(body, this.controller.signal, (event) => this.narrate(event), CHAT_CLIENT);
  }

  private narrate(event: RequestEvent): void {
    const line = this.narrator.line(event);
    if (line !== null) this.onNarration(line);
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
