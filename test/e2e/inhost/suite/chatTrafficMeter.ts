// A TCP relay in front of the simulator that meters what flows back to the client per
// connection, when the client ends it and when it closes: it shows a cancelled request's
// upstream connection ended and its bytes stopped, which the simulator's own stats cannot.
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

export interface MeteredConnection {
  readonly openedAt: number;
  /** Bytes relayed from the simulator to the client so far. */
  bytesDown: number;
  /** When the last bytes came from the simulator. */
  lastByteAt: number | null;
  /** When the client ended its side (FIN) or the connection closed, whichever came first. */
  endedAt: number | null;
  closedAt: number | null;
}

export interface TrafficMeter {
  readonly url: string;
  readonly connections: readonly MeteredConnection[];
  close(): Promise<void>;
}

export async function meterTraffic(targetUrl: string): Promise<TrafficMeter> {
  const target = new URL(targetUrl);
  const connections: MeteredConnection[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const record: MeteredConnection = { openedAt: Date.now(), bytesDown: 0, lastByteAt: null, endedAt: null, closedAt: null };
    connections.push(record);
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    upstream.on('data', (chunk: Buffer) => {
      record.bytesDown += chunk.length;
      record.lastByteAt = Date.now();
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('end', () => {
      record.endedAt ??= Date.now();
    });
    const end = (): void => {
      record.endedAt ??= Date.now();
      record.closedAt ??= Date.now();
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolveClose());
      }),
  };
}
