// Owns what must end when the simulator closes: open sockets (stalled ones
// included) and pending waits.
import type { Socket } from 'node:net';

export class Lifecycle {
  private readonly sockets = new Set<Socket>();
  private opened = 0;
  private readonly wakers = new Set<() => void>();
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  /** Connections clients have opened so far (how well they reuse them), and those still open. */
  connections(): { readonly opened: number; readonly open: number } {
    return { opened: this.opened, open: this.sockets.size };
  }

  track(socket: Socket): void {
    this.opened += 1;
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Waits `ms` milliseconds, or less if the simulator closes first. */
  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** Destroys every socket and ends every wait. */
  close(): void {
    this.closed = true;
    for (const wake of [...this.wakers]) wake();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
