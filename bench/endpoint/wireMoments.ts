// When the simulator (in the measuring process) received each request and wrote its first
// content: what splits a request's time into the endpoint's two hops. "Client's start → the
// simulator's request" is the request path (the client, and an endpoint's reading, manager and
// SDK before the upstream sees it); "the simulator's first content → the client's first delta"
// is the relay of the first content back. Neither waits on the simulator's own timers, so both
// stay readable on a busy machine where a whole request's p50 moves by milliseconds.
import diagnostics from 'node:diagnostics_channel';
import { ServerResponse } from 'node:http';
import type { Server } from 'node:http';

export interface SimulatorWatch {
  /** performance.now() of the last request the simulator received (its head parsed). */
  readonly requestAt: number;
  /** performance.now() of the last content_block_start of block 0 it wrote. */
  readonly firstContentAt: number;
  stop(): void;
}

interface RequestStart {
  readonly server?: Server;
}

function portOf(server: Server | undefined): number | null {
  const address = server?.address();
  return typeof address === 'object' && address !== null ? address.port : null;
}

/** Watches the simulator listening on `port` (in this process) until stop(). */
export function watchSimulator(port: number): SimulatorWatch {
  const watch = { requestAt: 0, firstContentAt: 0, stop: (): void => undefined };
  const onRequest = (message: unknown): void => {
    if (portOf((message as RequestStart).server) === port) watch.requestAt = performance.now();
  };
  diagnostics.subscribe('http.server.request.start', onRequest);
  const write = ServerResponse.prototype.write;
  const watched = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]): boolean {
    if (this.socket?.localPort === port && typeof chunk === 'string' && chunk.startsWith('event: content_block_start') && chunk.includes('"index":0,')) {
      watch.firstContentAt = performance.now();
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  };
  ServerResponse.prototype.write = watched as typeof write;
  watch.stop = () => {
    diagnostics.unsubscribe('http.server.request.start', onRequest);
    if (ServerResponse.prototype.write === (watched as typeof write)) ServerResponse.prototype.write = write;
  };
  return watch;
}
