// The fetch our Anthropic SDK clients are given: node:http and node:https with keep-alive agents,
// for what the manager sends (a request with a text or byte body, or none, to an http(s) URL;
// anything else goes to the platform's fetch). Node 20's fetch (undici's web-streams machinery)
// costs about 3 ms of CPU per streamed answer on a small machine, this about 1.6 — paid on every
// attempt, and by the local endpoint on every request it relays (bench/endpoint/relayAB.ts).
// It answers as fetch does: a Response whose body is a web ReadableStream (the SDK and
// eventTap.ts read it unchanged; a compressed body is decoded), `TypeError('fetch failed')` with
// the socket's error as its cause when no response comes, the signal's reason when aborted, and
// `TypeError('terminated')` with its cause when the body breaks off. Redirects are not followed
// (the API sends none; a 3xx is an error to the SDK either way).
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Idle sockets are closed after 4 s (or a second before the server's own keep-alive timeout),
 *  so a request is not sent on a socket the server is closing. */
const IDLE_MS = 4_000;
const agents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_MS }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_MS }),
} as const;

type FetchInput = Parameters<typeof fetch>[0];

/** Bytes a body holds before the socket is paused (a whole answer's events, usually: no pause and
 *  resume per chunk, each of which would cost a turn of the event loop). */
const BUFFERED: QueuingStrategy<Uint8Array> = { highWaterMark: 256 * 1024, size: (chunk) => chunk.byteLength };

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

function headersFrom(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // A header fetch would refuse too is left out.
    }
  }
  return headers;
}

/** The body as sent, decoded as fetch decodes it. */
function decoded(res: IncomingMessage): Readable {
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : null;
  if (decoder === null) return res;
  res.on('error', (error) => decoder.destroy(error));
  return res.pipe(decoder);
}

/** The body as a web stream: read as the consumer pulls, errors as fetch's, cancel closes the socket. */
function webBody(source: Readable, res: IncomingMessage, settle: () => void, signal: AbortSignal | null | undefined): ReadableStream<Uint8Array> {
  let done = false;
  let cancelBody = (): void => undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const onAbort = (): void => {
        fail(signal!.reason);
        res.destroy();
      };
      const finish = (): void => {
        done = true;
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const fail = (error: unknown): void => {
        if (done) return;
        finish();
        controller.error(error);
      };
      source.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) source.pause();
      });
      source.once('end', () => {
        if (done) return;
        finish();
        controller.close();
      });
      source.once('error', (error) => fail(signal?.aborted === true ? signal.reason : new TypeError('terminated', { cause: error })));
      res.once('close', () => {
        if (!res.complete) fail(signal?.aborted === true ? signal.reason : new TypeError('terminated', { cause: new Error('other side closed') }));
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      cancelBody = (): void => {
        finish();
        res.destroy();
      };
    },
    pull() {
      source.resume();
    },
    cancel() {
      cancelBody();
    },
  }, BUFFERED);
}

/** fetch over node:http(s) for a text or byte body (else the platform's fetch). */
export function nodeFetch(input: FetchInput, init?: RequestInit): Promise<Response> {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
  const body = init?.body;
  const plainBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
  const url = href === null ? null : URL.canParse(href) ? new URL(href) : null;
  if (url === null || !plainBody || (url.protocol !== 'http:' && url.protocol !== 'https:')) return fetch(input, init);
  const signal = init?.signal;
  if (signal?.aborted === true) return Promise.reject(signal.reason);

  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of new Headers(init?.headers)) headers[name] = value;
  if (typeof body === 'string' || body instanceof Uint8Array) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  const method = (init?.method ?? 'GET').toUpperCase();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    const onAbort = (): void => {
      if (!answered) {
        answered = true;
        reject(signal!.reason);
      }
      req.destroy();
    };
    const settle = (): void => signal?.removeEventListener('abort', onAbort);
    const req = send(url, { method, headers, agent: agents[url.protocol as 'http:' | 'https:'] }, (res) => {
      if (answered) {
        res.destroy();
        return;
      }
      answered = true;
      signal?.removeEventListener('abort', onAbort);
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 599) {
        res.destroy();
        reject(fetchFailed(new Error(`Unexpected status ${status}`)));
        return;
      }
      const noBody = method === 'HEAD' || status === 204 || status === 205 || status === 304;
      if (noBody) res.resume();
      const stream = noBody ? null : webBody(decoded(res), res, settle, signal);
      resolve(new Response(stream, { status, statusText: res.statusMessage ?? '', headers: headersFrom(res) }));
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    req.once('error', (error) => {
      if (answered) return;
      answered = true;
      settle();
      reject(signal?.aborted === true ? signal.reason : fetchFailed(error));
    });
    req.end(typeof body === 'string' || body instanceof Uint8Array ? body : undefined);
  });
}
