// How many of a client's requests the broker holds unanswered: read but not yet answered (waiting in
// vscode-jsonrpc's queue, or running). At the limit the broker stops reading the client's socket
// until an answer goes out, so a client that sends requests faster than they are answered waits in
// its own socket instead of swelling the broker's queue (a ping flood grew it by ~140 MB per 300 000
// pings). Notifications (cancel, exit) are not counted; a chunk already read is still handled whole.
import type * as net from 'node:net';
import { Message } from 'vscode-jsonrpc/node';

/** Requests one client may have unanswered before its socket is read no further (a window has a few dozen). */
export const MAX_PENDING_REQUESTS = 1024;

export class PendingRequests {
  private pending = 0;
  private paused = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly max = MAX_PENDING_REQUESTS,
  ) {}

  /** A message was read from the client. */
  received(message: Message): void {
    if (!Message.isRequest(message)) return;
    this.pending += 1;
    if (this.pending >= this.max && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** A message is being written to the client. */
  sent(message: Message): void {
    if (!Message.isResponse(message) || this.pending === 0) return;
    this.pending -= 1;
    if (this.pending < this.max && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
