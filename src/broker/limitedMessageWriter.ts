// The broker's writer to one client's socket: vscode-jsonrpc's MessageWriter contract, each message
// framed and handed to the socket at once (one write, no queue of its own: what waits is the
// socket's buffer, and it is measured). A client that leaves more than `maxUnreadBytes` unread —
// it does not read its socket, or is stuck — is cut off (its socket destroyed) before one more
// message is queued for it: the broker's memory is not where a client's backlog grows without end.
// A single message larger than the limit still goes to a client that reads.
import type * as net from 'node:net';
import { AbstractMessageWriter } from 'vscode-jsonrpc/node';
import type { Message, MessageWriter } from 'vscode-jsonrpc/node';
import type { PendingRequests } from './pendingRequests';

/** Bytes a client may leave unread before it is cut off (a window busy for a while is far below). */
export const MAX_UNREAD_BYTES = 32 * 1024 * 1024;

/** The client was cut off for leaving too much unread. */
export class UnreadBacklogError extends Error {
  constructor(unreadBytes: number, limit: number) {
    super(`it left ${unreadBytes} bytes unread (at most ${limit}).`);
    this.name = 'UnreadBacklogError';
  }
}

export class LimitedMessageWriter extends AbstractMessageWriter implements MessageWriter {
  constructor(
    private readonly socket: net.Socket,
    private readonly maxUnreadBytes = MAX_UNREAD_BYTES,
    private readonly pending?: PendingRequests,
  ) {
    super();
  }

  write(message: Message): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    const unread = this.socket.writableLength;
    if (unread > this.maxUnreadBytes) {
      this.socket.destroy();
      const error = new UnreadBacklogError(unread, this.maxUnreadBytes);
      this.fireError(error, message, 1);
      return Promise.reject(error);
    }
    this.pending?.sent(message);
    let body: Buffer;
    try {
      body = Buffer.from(JSON.stringify(message), 'utf8');
    } catch (error) {
      // Not JSON (a BigInt, a cycle): the message is lost, as with vscode-jsonrpc's writer, and the sender told.
      this.fireError(error, message, 1);
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    this.socket.write(Buffer.concat([Buffer.from(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii'), body]));
    return Promise.resolve();
  }

  end(): void {
    this.socket.end();
  }

  override dispose(): void {
    super.dispose();
    this.socket.destroy();
  }
}
