// The broker's reader of one client's socket: vscode-jsonrpc's MessageReader contract over the
// limited framing of messageFraming.ts. A client that breaks a limit is cut off at once (its
// socket destroyed, nothing more read); bad JSON inside a good frame is reported and skipped, as
// vscode-jsonrpc's reader does. Requests read are counted in `pending` (pendingRequests.ts).
import type * as net from 'node:net';
import { AbstractMessageReader, Disposable } from 'vscode-jsonrpc/node';
import type { DataCallback, Message } from 'vscode-jsonrpc/node';
import { FramingError, MessageFramer } from './messageFraming';
import type { FramingLimits } from './messageFraming';
import type { PendingRequests } from './pendingRequests';

export class LimitedMessageReader extends AbstractMessageReader {
  private readonly framer: MessageFramer;

  constructor(
    private readonly socket: net.Socket,
    limits?: FramingLimits,
    private readonly pending?: PendingRequests,
  ) {
    super();
    this.framer = new MessageFramer(limits);
  }

  listen(callback: DataCallback): Disposable {
    const onData = (chunk: Buffer): void => {
      let bodies: Buffer[];
      try {
        bodies = this.framer.push(chunk);
      } catch (error) {
        this.socket.off('data', onData);
        this.socket.destroy();
        this.fireError(error instanceof FramingError ? error : new FramingError(String(error)));
        return;
      }
      for (const body of bodies) {
        let message: unknown;
        try {
          message = JSON.parse(body.toString('utf8'));
        } catch (error) {
          this.fireError(error);
          continue;
        }
        this.pending?.received(message as Message);
        callback(message as Message);
      }
    };
    const onError = (error: Error): void => this.fireError(error);
    const onClose = (): void => this.fireClose();
    this.socket.on('data', onData);
    this.socket.on('error', onError);
    this.socket.on('close', onClose);
    return Disposable.create(() => {
      this.socket.off('data', onData);
      this.socket.off('error', onError);
      this.socket.off('close', onClose);
    });
  }
}
