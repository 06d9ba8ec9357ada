// A loopback server for faults the simulator does not script: each request takes
// the next reply of a script (an error with chosen headers and body, a good SSE
// answer, or an SSE stream with a raw line of the test's choosing). It can echo
// the request's credential into any of them, as a misbehaving gateway would.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Reply =
  | { readonly kind: 'error'; readonly status: number; readonly headers?: Record<string, string>; readonly body: unknown }
  | { readonly kind: 'sse'; readonly text: string; readonly headers?: Record<string, string>; readonly rawLine?: string };

export interface FaultServer {
  readonly url: string;
  readonly calls: Array<{ readonly path: string; readonly body: string }>;
  close(): Promise<void>;
}

/** The credential the request carried (Bearer or x-api-key). */
function credentialOf(req: IncomingMessage): string {
  const auth = req.headers.authorization ?? '';
  const bearer = auth.startsWith('Bearer ') ? auth.slice(7) : '';
  const key = req.headers['x-api-key'];
  return bearer || (typeof key === 'string' ? key : '');
}

function echo(value: string, credential: string): string {
  return value.split('{{credential}}').join(credential);
}

function sse(res: ServerResponse, reply: Extract<Reply, { kind: 'sse' }>, credential: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_fault_ok', ...mapHeaders(reply.headers, credential) });
  sseAnswer(res, reply.text, reply.rawLine === undefined ? undefined : echo(reply.rawLine, credential));
}

/** A whole answer's events on a stream whose headers went out, then the end of the response. */
export function sseAnswer(res: ServerResponse, text: string, rawLine?: string): void {
  const send = (event: string, data: unknown): void => {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  send('message_start', { type: 'message_start', message: { id: 'msg_fault', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, usage: { input_tokens: 3, output_tokens: 1 } } });
  send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
  send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
  if (rawLine !== undefined) res.write(`event: content_block_delta\ndata: ${rawLine}\n\n`);
  send('content_block_stop', { type: 'content_block_stop', index: 0 });
  send('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } });
  send('message_stop', { type: 'message_stop' });
  res.end();
}

function mapHeaders(headers: Record<string, string> | undefined, credential: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, echo(v, credential)]));
}

export async function startFaultServer(script: Reply[]): Promise<FaultServer> {
  const calls: Array<{ path: string; body: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      calls.push({ path: req.url ?? '', body });
      const credential = credentialOf(req);
      const reply = script.shift() ?? { kind: 'sse', text: 'ok' };
      if (reply.kind === 'sse') {
        sse(res, reply, credential);
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...mapHeaders(reply.headers, credential) });
      res.end(echo(JSON.stringify(reply.body), credential));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 with nothing listening (connection refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function apiError(type: string, message: string): unknown {
  return { type: 'error', error: { type, message }, request_id: 'req_fault' };
}
