// Every /v1/ path other than /v1/messages (count_tokens when the endpoint's manager cannot count,
// models, Message Batches, and whatever the API adds) relayed as it is: method, path, query string, body and headers go to the
// upstream unchanged, with the credential replaced by the one that serves the request; the
// answer comes back unchanged (status, headers, body streamed), less hop-by-hop headers, cookies
// and any CORS header.
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';

const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'x-api-key',
  'authorization',
  'origin',
  'cookie',
]);

const NOT_RETURNED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'trailer', 'upgrade', 'set-cookie']);

export interface RelayTarget {
  /** The upstream's base URL (its path, if any, is kept in front of the request's). */
  readonly baseUrl: string;
  /** The credential header(s) the upstream receives. */
  readonly credentialHeaders: Readonly<Record<string, string>>;
  /** The request's path (dot segments resolved, see requestTarget.ts) and query. */
  readonly pathAndQuery: string;
}

/** The upstream URL for a request path and query (e.g. /v1/models?limit=5). */
export function upstreamUrl(baseUrl: string, pathAndQuery: string): URL {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  return new URL(`${base.origin}${prefix}${pathAndQuery}`);
}

/** Where a request is relayed to and with which credential, before its path is known. */
export type Upstream = Omit<RelayTarget, 'pathAndQuery'>;

/** A request relayed after the endpoint read it (the messages route's askTheApi). */
export interface ReadRequest {
  /** Its body, as read. */
  readonly body: Buffer;
  /** Headers an error answer carries besides the upstream's (the endpoint made its attempt for the client). */
  readonly errorHeaders: Readonly<Record<string, string>>;
}

/** How a relayed request ended when its client left before its answer was written: as a client gone. */
export const CLIENT_GONE = 499;

/** Relays one request — its body as it arrives (streamed with backpressure: never held whole), or
 *  as read already; resolves, once the answer is written, with the upstream's status (502 when it
 *  could not be reached), or 499 when the client left first: the upstream request is then cut at
 *  once, its socket closed. An answer that comes before the request's body is through (the
 *  upstream refused it early) closes the client's connection after it, so the rest is not relayed. */
export function relayPath(req: IncomingMessage, res: ServerResponse, target: RelayTarget, read?: ReadRequest): Promise<number> {
  if (res.destroyed) return Promise.resolve(CLIENT_GONE);
  const body = read?.body;
  const url = upstreamUrl(target.baseUrl, target.pathAndQuery);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name) || name.startsWith('access-control-')) continue;
    headers[name] = value;
  }
  Object.assign(headers, target.credentialHeaders);
  if (body !== undefined) headers['content-length'] = String(body.length);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let status = 502;
    // The upstream broke off its answer: the client's is cut too, and counted with the upstream's status.
    let upstreamBroke = false;
    const upstream = transport.request(url, { method: req.method, headers }, (answer) => {
      status = answer.statusCode ?? 502;
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || NOT_RETURNED.has(name) || name.startsWith('access-control-')) continue;
        out[name] = value;
      }
      if (read !== undefined && status >= 400) Object.assign(out, read.errorHeaders);
      if (body === undefined && !req.complete) out['connection'] = 'close';
      res.writeHead(status, out);
      answer.pipe(res);
      answer.once('error', () => {
        upstreamBroke = true;
        res.destroy();
      });
    });
    upstream.once('error', (error) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(502, { 'content-type': 'application/json', 'x-should-retry': 'false', ...(body === undefined && !req.complete ? { connection: 'close' } : {}) });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `The upstream ${url.host} could not be reached (${(error as NodeJS.ErrnoException).code ?? 'error'}).` }, request_id: null }));
      } else {
        upstreamBroke = true;
        res.destroy();
      }
    });
    res.once('close', () => {
      const whole = res.writableFinished;
      // Nothing of the upstream request outlives the answer but a socket its agent keeps for reuse.
      if (!whole || !upstream.writableFinished) upstream.destroy();
      resolve(whole || upstreamBroke ? status : CLIENT_GONE);
    });
    if (body !== undefined) upstream.end(body);
    else req.pipe(upstream);
  });
}
