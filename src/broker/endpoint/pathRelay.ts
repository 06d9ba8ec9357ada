// Every /v1/ path other than /v1/messages (count_tokens when the endpoint's manager cannot count,
// models, Message Batches, and whatever the API adds) relayed as it is: method, path, query string, body and headers go to the
// upstream unchanged, with the credential replaced by the one that serves the request; the
// answer comes back unchanged (status, headers, body streamed), less hop-by-hop headers, cookies
// and any CORS header. An upstream that sends no answer head within the relay's time limit — counted
// from the last byte of the request that went up, so an upload of any size has its full time to be
// acknowledged — is cut, and the client gets the API's 504 (timeout_error), which it may retry.
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
  /** How long the upstream may take to send its answer's head after the request's last progress
   *  (its last byte relayed, or the start); then the request is cut and answered with a 504. */
  readonly headersTimeoutMs: number;
}

/** The relay's time limit for an answer's head (EndpointOptions.relayHeadersTimeoutMs): twice the
 *  manager's default for a Messages request, as a Message Batches or Files upload is acknowledged
 *  only once the API has taken the whole of it in. */
export const RELAY_HEADERS_TIMEOUT_MS = 120_000;

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

/** How a relayed request ended: the status its client got (or 499), and whether that was the
 *  relay's own 504 because the upstream sent no head in time. */
export interface RelayOutcome {
  readonly status: number;
  readonly headersTimedOut: boolean;
}

/** The API's own words for a request it could not answer in time (a 504 the official SDKs retry). */
function timeoutBody(host: string, ms: number): string {
  const message = `The upstream ${host} sent no answer within ${ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`} of the request; the endpoint cut it. It may be retried.`;
  return JSON.stringify({ type: 'error', error: { type: 'timeout_error', message }, request_id: null });
}

/** Relays one request — its body as it arrives (streamed with backpressure: never held whole), or
 *  as read already; resolves, once the answer is written, with the upstream's status (502 when it
 *  could not be reached, 504 when it sent no head in time), or 499 when the client left first: the
 *  upstream request is then cut at once, its socket closed. An answer that comes before the
 *  request's body is through (the upstream refused it early) closes the client's connection after
 *  it, so the rest is not relayed. */
export function relayPath(req: IncomingMessage, res: ServerResponse, target: RelayTarget, read?: ReadRequest): Promise<RelayOutcome> {
  if (res.destroyed) return Promise.resolve({ status: CLIENT_GONE, headersTimedOut: false });
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
    let headIn = false;
    let headersTimedOut = false;
    let noHead: ReturnType<typeof setTimeout> | undefined;
    const closeAfter = (): Record<string, string> => (body === undefined && !req.complete ? { connection: 'close' } : {});
    const upstream = transport.request(url, { method: req.method, headers }, (answer) => {
      headIn = true;
      clearTimeout(noHead);
      status = answer.statusCode ?? 502;
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || NOT_RETURNED.has(name) || name.startsWith('access-control-')) continue;
        out[name] = value;
      }
      if (read !== undefined && status >= 400) Object.assign(out, read.errorHeaders);
      Object.assign(out, closeAfter());
      res.writeHead(status, out);
      answer.pipe(res);
      answer.once('error', () => {
        upstreamBroke = true;
        res.destroy();
      });
    });
    // No head yet: the time limit starts again with each piece of the request that goes up.
    const awaitHead = (): void => {
      if (headIn || headersTimedOut) return;
      clearTimeout(noHead);
      noHead = setTimeout(() => {
        if (res.headersSent || res.destroyed) return;
        headersTimedOut = true;
        req.unpipe(upstream);
        status = 504;
        const text = timeoutBody(url.host, target.headersTimeoutMs);
        res.writeHead(504, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'x-should-retry': 'true', ...read?.errorHeaders, ...closeAfter() });
        res.end(text);
        upstream.destroy();
      }, target.headersTimeoutMs);
    };
    awaitHead();
    if (body === undefined) req.on('data', awaitHead);
    upstream.once('finish', awaitHead);
    upstream.on('error', (error) => {
      clearTimeout(noHead);
      if (headersTimedOut) return;
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(502, { 'content-type': 'application/json', 'x-should-retry': 'false', ...closeAfter() });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `The upstream ${url.host} could not be reached (${(error as NodeJS.ErrnoException).code ?? 'error'}).` }, request_id: null }));
      } else {
        upstreamBroke = true;
        res.destroy();
      }
    });
    res.once('close', () => {
      clearTimeout(noHead);
      const whole = res.writableFinished;
      // Nothing of the upstream request outlives the answer but a socket its agent keeps for reuse.
      if (!whole || !upstream.writableFinished) upstream.destroy();
      resolve({ status: whole || upstreamBroke ? status : CLIENT_GONE, headersTimedOut });
    });
    if (body !== undefined) upstream.end(body);
    else req.pipe(upstream);
  });
}
