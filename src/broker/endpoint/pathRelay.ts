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

/** Relays one request — its body as it arrives, or as read already; resolves with the upstream
 *  status (or 502 when it could not be reached). */
export function relayPath(req: IncomingMessage, res: ServerResponse, target: RelayTarget, read?: ReadRequest): Promise<number> {
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
    const upstream = transport.request(url, { method: req.method, headers }, (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || NOT_RETURNED.has(name) || name.startsWith('access-control-')) continue;
        out[name] = value;
      }
      if (read !== undefined && (answer.statusCode ?? 502) >= 400) Object.assign(out, read.errorHeaders);
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.once('end', () => resolve(answer.statusCode ?? 502));
      answer.once('error', () => {
        res.destroy();
        resolve(answer.statusCode ?? 502);
      });
    });
    upstream.once('error', (error) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json', 'x-should-retry': 'false' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `The upstream ${url.host} could not be reached (${(error as NodeJS.ErrnoException).code ?? 'error'}).` }, request_id: null }));
      } else {
        res.destroy();
      }
      resolve(502);
    });
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    if (body !== undefined) upstream.end(body);
    else req.pipe(upstream);
  });
}
