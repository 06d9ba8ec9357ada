// A loopback proxy in front of the simulator that keeps what each request carried (path, headers,
// body) and each answer's body, so a test can see exactly what reached the API and what it said.
// It forwards bytes untouched both ways.
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

export interface RecordingProxy {
  readonly url: string;
  readonly seen: Seen[];
  /** The body of each answer the API gave, as it sent it, once complete (in the order they ended). */
  readonly answers: { readonly path: string; readonly status: number; readonly body: string }[];
  close(): Promise<void>;
}

export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const seen: Seen[] = [];
  const answers: RecordingProxy['answers'] = [];
  const to = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // Not JSON: recorded as empty.
      }
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      const upstream = httpRequest({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        const parts: Buffer[] = [];
        up.on('data', (c: Buffer) => parts.push(c));
        up.on('end', () => answers.push({ path: req.url ?? '', status: up.statusCode ?? 502, body: Buffer.concat(parts).toString('utf8') }));
        up.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      upstream.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
