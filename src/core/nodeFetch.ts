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
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Duplex, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** A pooled socket idle this long is closed (or a second before the server's own keep-alive
 *  timeout, when it names one), so a request is not sent on a socket the server is closing. The
 *  agent's `timeout` arms the socket's idle timer: on a socket in the pool the agent destroys it
 *  when it fires; on a socket a request is using it only emits 'timeout', which nothing here
 *  listens to, so a slow but live answer is never cut by the transport (the engine's stall watch
 *  judges a stream, policies/stallWatchdog.ts). */
export const POOL_IDLE_MS = 4_000;
const agents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: POOL_IDLE_MS }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: POOL_IDLE_MS }),
} as const;

type FetchInput = Parameters<typeof fetch>[0];

/** Bytes a body holds before the socket is paused (a whole answer's events, usually: no pause and
 *  resume per chunk, each of which would cost a turn of the event loop). */
const BUFFERED: QueuingStrategy<Uint8Array> = { highWaterMark: 256 * 1024, size: (chunk) => chunk.byteLength };

function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

/** The response's content-encoding (read from the raw headers: `res.headers` would build a second
 *  copy of them all). */
function encodingOf(raw: readonly string[]): string {
  let encoding = '';
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 16 && name.toLowerCase() === 'content-encoding') encoding = encoding === '' ? raw[i + 1]! : `${encoding}, ${raw[i + 1]!}`;
  }
  return encoding.trim().toLowerCase();
}

/** The answer as fetch gives it, its headers appended to the Response's own: one Headers, each
 *  header validated once (a Headers handed to the constructor is converted, validated and copied
 *  into a second one). */
function responseOf(body: ReadableStream<Uint8Array> | null, res: IncomingMessage, status: number): Response {
  const response = new Response(body, { status, statusText: res.statusMessage ?? '' });
  const headers = response.headers;
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // A header fetch would refuse too is left out.
    }
  }
  return response;
}

/** The body as sent, decoded as fetch decodes it. */
function decoded(res: IncomingMessage, encoding: string): Readable {
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : null;
  if (decoder === null) return res;
  res.on('error', (error) => decoder.destroy(error));
  return res.pipe(decoder);
}

/** A body dropped unread (its Response and stream unreachable) ends its request: the socket is
 *  destroyed, as Node's own fetch releases such a body when it is collected. The registered target
 *  is the body's stream, the held value its Exchange, which reaches the stream only weakly until a
 *  reader takes it (see Exchange). */
const dropped = new FinalizationRegistry<Exchange>((exchange) => exchange.dropped());

/**
 * One request and its answer. It is the signal's one abort listener for the request's whole life
 * (an object listener: no closure per request), removed as soon as the request has ended — no
 * answer, an answer without a body, or a body read to its end, broken off, cancelled or dropped
 * unread — so a signal reused for many requests keeps none. It is also the source of the answer's
 * body: read as the consumer pulls, errors as fetch's, cancel closes the socket.
 *
 * The socket reaches the Exchange (through its listeners), so the Exchange holds the body's stream
 * only through WeakRefs until the stream is locked by a reader: a Response nobody holds, and its
 * stream, can then be collected, and `dropped` destroys the socket. Once a reader has taken the
 * stream and pulled, the Exchange holds its controller: a reader awaiting the next chunk is kept
 * alive by the socket that will bring it, so a body being read is never cut.
 */
class Exchange implements EventListenerObject, UnderlyingDefaultSource<Uint8Array> {
  /** The promise has settled (with a Response or an error). */
  private answered = false;
  /** The request has ended; the abort listener is gone. */
  private ended = false;
  private res: IncomingMessage | null = null;
  private source: Readable | null = null;
  /** The body's stream and controller, weakly: the Response (or its stream) alone holds them. */
  private stream: WeakRef<ReadableStream<Uint8Array>> | null = null;
  private weakController: WeakRef<ReadableStreamDefaultController<Uint8Array>> | null = null;
  /** The controller, held once a reader has locked the stream and pulled. */
  private reading: ReadableStreamDefaultController<Uint8Array> | null = null;
  /** Dropped once the promise settles: the promise holds its Response, which must stay collectable. */
  private resolve: ((response: Response) => void) | null;
  private reject: ((error: unknown) => void) | null;

  constructor(
    private readonly req: ClientRequest,
    private readonly method: string,
    private readonly signal: AbortSignal | null | undefined,
    resolve: (response: Response) => void,
    reject: (error: unknown) => void,
  ) {
    this.resolve = resolve;
    this.reject = reject;
    signal?.addEventListener('abort', this);
  }

  /** The signal aborted: before the answer the promise rejects, during the body the body errors. */
  handleEvent(): void {
    const reason: unknown = this.signal!.reason;
    if (this.answered) {
      this.fail(reason);
      return;
    }
    this.end();
    this.settle()?.reject(reason);
    this.req.destroy();
  }

  answer(res: IncomingMessage): void {
    if (this.answered) {
      res.destroy();
      return;
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 599) {
      this.end();
      res.destroy();
      this.settle()?.reject(fetchFailed(new Error(`Unexpected status ${status}`)));
      return;
    }
    const noBody = this.method === 'HEAD' || status === 204 || status === 205 || status === 304;
    const settled = this.settle()!;
    if (noBody) {
      this.end();
      res.resume();
      settled.resolve(responseOf(null, res, status));
      return;
    }
    this.res = res;
    this.source = decoded(res, encodingOf(res.rawHeaders));
    const body = new ReadableStream<Uint8Array>(this, BUFFERED);
    this.stream = new WeakRef(body);
    dropped.register(body, this, this);
    settled.resolve(responseOf(body, res, status));
  }

  /** No answer came (the socket's error). */
  requestFailed(error: Error): void {
    if (this.answered) return;
    this.end();
    this.settle()?.reject(this.signal?.aborted === true ? this.signal.reason : fetchFailed(error));
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.weakController = new WeakRef(controller);
    this.listen(this.source!, this.res!);
  }

  pull(controller: ReadableStreamDefaultController<Uint8Array>): void {
    if (this.reading === null && this.stream?.deref()?.locked === true) this.reading = controller;
    this.source!.resume();
  }

  cancel(): void {
    this.end();
    this.res!.destroy();
  }

  /** The body's stream was collected unread: nothing can read the rest, so the socket goes. */
  dropped(): void {
    if (this.ended) return;
    this.end();
    this.res?.destroy();
  }

  /** The socket's side, in closures that reach the body only through this Exchange. */
  private listen(source: Readable, res: IncomingMessage): void {
    source.on('data', (chunk: Buffer) => {
      const controller = this.controller();
      if (controller === null) {
        this.dropped();
        return;
      }
      controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if ((controller.desiredSize ?? 0) <= 0) source.pause();
    });
    source.once('end', () => {
      if (this.ended) return;
      this.end();
      this.controller()?.close();
    });
    source.once('error', (error) => this.fail(this.signal?.aborted === true ? this.signal.reason : new TypeError('terminated', { cause: error })));
    res.once('close', () => {
      if (!res.complete) this.fail(this.signal?.aborted === true ? this.signal.reason : new TypeError('terminated', { cause: new Error('other side closed') }));
    });
  }

  private controller(): ReadableStreamDefaultController<Uint8Array> | null {
    return this.reading ?? this.weakController?.deref() ?? null;
  }

  /** The promise's functions, once (the promise has settled from here on). */
  private settle(): { resolve: (response: Response) => void; reject: (error: unknown) => void } | null {
    const { resolve, reject } = this;
    if (this.answered || resolve === null || reject === null) return null;
    this.answered = true;
    this.resolve = null;
    this.reject = null;
    return { resolve, reject };
  }

  /** The body ends in error (and its socket is closed: a broken body leaves nothing to reuse). */
  private fail(error: unknown): void {
    if (this.ended) return;
    this.end();
    this.controller()?.error(error);
    this.res!.destroy();
  }

  private end(): void {
    this.ended = true;
    this.signal?.removeEventListener('abort', this);
    if (this.stream !== null) dropped.unregister(this);
  }
}

/** The URL, or null when it is not one (parsed once: no URL.canParse before it). */
function parsedUrl(href: string): URL | null {
  try {
    return new URL(href);
  } catch {
    return null;
  }
}

/** fetch over node:http(s) for a text or byte body (else the platform's fetch). */
export function nodeFetch(input: FetchInput, init?: RequestInit): Promise<Response> {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
  const body = init?.body;
  const plainBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
  const url = href === null ? null : parsedUrl(href);
  if (url === null || !plainBody || (url.protocol !== 'http:' && url.protocol !== 'https:')) return fetch(input, init);
  const signal = init?.signal;
  if (signal?.aborted === true) return Promise.reject(signal.reason);

  const headers: OutgoingHttpHeaders = {};
  // The SDK hands a Headers already (a copy of it would validate every header once more).
  const given = init?.headers;
  for (const [name, value] of given instanceof Headers ? given : new Headers(given)) headers[name] = value;
  if (typeof body === 'string' || body instanceof Uint8Array) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  const method = (init?.method ?? 'GET').toUpperCase();
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<Response>((resolve, reject) => {
    let exchange: Exchange | null = null;
    const req = send(url, { method, headers, agent: agents[url.protocol as 'http:' | 'https:'] }, (res) => exchange!.answer(res));
    exchange = new Exchange(req, method, signal, resolve, reject);
    req.on('error', (error) => exchange!.requestFailed(error));
    // A 101 is no answer to fetch (Node would otherwise destroy the socket and settle nothing).
    req.on('upgrade', (res: IncomingMessage, socket: Duplex) => {
      socket.destroy();
      exchange!.requestFailed(new Error(`Unexpected status ${res.statusCode ?? 101}`));
    });
    // Whatever else ends the request without an answer or an error still settles it.
    req.on('close', () => exchange!.requestFailed(new Error('the connection closed without an answer')));
    req.end(typeof body === 'string' || body instanceof Uint8Array ? body : undefined);
  });
}
