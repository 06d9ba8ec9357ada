// The broker's second door: an Anthropic-compatible HTTP endpoint on the loopback interface for
// every Claude client on the machine (Claude Code, Cline, Continue, SDK scripts). Every request
// is guarded first (requestGuard.ts: Host, Origin, credential) and refused with nothing sent
// upstream when it fails; POST /v1/messages runs on the resilient managers (messagesRoute.ts), and
// so does POST /v1/messages/count_tokens when the manager counts (countTokensRoute.ts); every
// other /v1/ path is relayed as it is (pathRelay.ts). No CORS header is ever sent.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ManagerConfig, ProviderConfig, RequestManager } from '../../core/contract';
import type { ManagerEvent } from '../../core/types';
import { clientLabel } from './clientLabel';
import { clientCredentialHeaders, EndpointManagers } from './endpointManagers';
import { NO_USER_CREDENTIAL, localError } from './failureResponse';
import { handleCountTokens } from './countTokensRoute';
import { answerMalformed } from './malformedRequest';
import { MAX_BODY_BYTES, TOO_LARGE_BODY, declaredTooLarge, refuseBody } from './readBody';
import { handleMessages } from './messagesRoute';
import { RELAY_HEADERS_TIMEOUT_MS, relayPath } from './pathRelay';
import type { Upstream } from './pathRelay';
import { refusedMethod, requestTarget } from './requestTarget';
import type { RequestCredential } from './requestGuard';
import { guardRequest } from './requestGuard';

export const ENDPOINT_HOST = '127.0.0.1';

export interface EndpointOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** The endpoint's own token (endpointToken.ts). */
  readonly token: string;
  /** Makes a manager on the user's shared route state (endpointManagers.ts). */
  readonly createManager: (config: ManagerConfig) => RequestManager | Promise<RequestManager>;
  /** Retry, breaker, budget and tail settings for the endpoint's managers (read per request). */
  readonly base: () => ManagerConfig;
  /** The user's chain of models (read per request: a settings change applies at once). */
  readonly models: () => readonly string[];
  /** Anthropic's API, where clients' own credentials are used (read when a manager is made). */
  readonly upstreamBaseUrl: () => string;
  /** The user's providers with their stored credentials; null when none is known. */
  readonly userProviders: () => readonly ProviderConfig[] | null;
  /** One line per request (never a credential). */
  readonly log: (line: string) => void;
  /** Every manager event of the endpoint's requests. */
  readonly onEvent?: (event: ManagerEvent) => void;
  /** Every request once answered (refused ones included), labelled by client (never a credential). */
  readonly onRequest?: (request: EndpointRequest) => void;
  /** How long a relayed request's upstream may take to send its answer's head (pathRelay.ts);
   *  RELAY_HEADERS_TIMEOUT_MS unless given. */
  readonly relayHeadersTimeoutMs?: number;
  readonly now?: () => number;
}

/** One request the endpoint answered, as the status bar counts it. */
export interface EndpointRequest {
  /** From the user-agent (clientLabel.ts): "Claude Code 2.1.3", "curl 8.5.0"… */
  readonly client: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The model that answered /v1/messages; null otherwise. */
  readonly model: string | null;
  readonly attempts: number;
  readonly ms: number;
}

export interface RunningEndpoint {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /**
   * Stops listening at once — the port is free when this resolves, for the endpoint that takes
   * over — and lets the requests under way finish (a streamed answer to its end) for up to
   * `graceMs`; then closes. Each connection closes once its answer is written (`connection: close`
   * when its head is still to come) and idle ones at once, so a kept-alive client connects anew.
   */
  handOver(graceMs: number): Promise<void>;
}

function refuse(res: ServerResponse, status: number, errorType: string, message: string, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(localError(errorType, message));
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'x-should-retry': 'false' });
  res.end(text);
}

/** The user's stored Anthropic credential and URL, for relaying other paths with the token. */
async function userRelayTarget(providers: readonly ProviderConfig[] | null): Promise<Omit<Upstream, 'headersTimeoutMs'> | null> {
  const anthropic = providers?.find((provider) => provider.id === 'anthropic');
  if (!anthropic) return null;
  const key = ((await anthropic.apiKey?.()) ?? '').trim();
  if (key === '') return null;
  return { baseUrl: anthropic.baseURL ?? 'https://api.anthropic.com', credentialHeaders: { 'x-api-key': key } };
}

export async function startEndpoint(options: EndpointOptions): Promise<RunningEndpoint> {
  const now = options.now ?? Date.now;
  const managers = new EndpointManagers({
    createManager: options.createManager,
    base: options.base,
    upstreamBaseUrl: options.upstreamBaseUrl,
    userProviders: options.userProviders,
    onEvent: (event) => options.onEvent?.(event),
    now,
  });
  const sockets = new Set<Socket>();
  let port = options.port;
  // Requests that sent `Expect: 100-continue` (curl does for a body over 1 MB) and have not been
  // told to send their body: it is invited only once the request is to be served, so a refused
  // one (no credential, a wrong path, a body over the limit) sends none, and its connection closes.
  const awaitingContinue = new WeakSet<IncomingMessage>();
  let handingOver = false;

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = now();
    const label = clientLabel(req.headers['user-agent']);
    const method = req.method ?? 'GET';
    const target = requestTarget(req.url);
    const path = target.path;
    const answered = (status: number, model: string | null = null, attempts = 0): void =>
      options.onRequest?.({ client: label, method, path, status, model, attempts, ms: now() - started });
    // A refusal of a request whose body is still to come (or was never invited) closes its connection:
    // the rest is not read.
    const refuseHere = (status: number, errorType: string, message: string, headers: Readonly<Record<string, string>> = {}): void =>
      refuse(res, status, errorType, message, awaitingContinue.has(req) || !req.complete ? { ...headers, connection: 'close' } : headers);
    const guard = guardRequest(req.headers, port, options.token);
    if (!guard.ok) {
      refuseHere(guard.status, guard.errorType, guard.message);
      options.log(`${label}: ${method} ${path} refused (${guard.status}: ${guard.message})`);
      answered(guard.status);
      return;
    }
    const credential: RequestCredential = guard.credential;
    const inviteBody = (): void => {
      if (awaitingContinue.delete(req)) res.writeContinue();
    };
    // Anthropic's API with the credential that serves this request, for what is relayed as it is.
    const upstream = async (): Promise<Upstream | null> => {
      const to = credential.kind === 'client' ? { baseUrl: options.upstreamBaseUrl(), credentialHeaders: clientCredentialHeaders(credential) } : await userRelayTarget(options.userProviders());
      return to === null ? null : { ...to, headersTimeoutMs: options.relayHeadersTimeoutMs ?? RELAY_HEADERS_TIMEOUT_MS };
    };
    const who = credential.kind === 'user' ? 'endpoint token' : 'own credential';
    if (!path.startsWith('/v1/')) {
      refuseHere(404, 'not_found_error', `Not found: ${method} ${path}. This endpoint serves the Anthropic API's /v1/ paths.`);
      answered(404);
      return;
    }
    const allowed = refusedMethod(method, path);
    if (allowed !== null) {
      refuseHere(405, 'invalid_request_error', `Method ${method} is not allowed on ${path}: use ${allowed}.`, { allow: allowed });
      answered(405);
      return;
    }
    // A Messages or count_tokens request over the API's size limit is refused on its Content-Length, unread.
    if ((path === '/v1/messages' || path === '/v1/messages/count_tokens') && method === 'POST' && declaredTooLarge(req.headers, MAX_BODY_BYTES)) {
      refuseBody(res, TOO_LARGE_BODY);
      options.log(`${label} (${who}): POST ${path} refused (413: over ${MAX_BODY_BYTES} bytes), ${now() - started} ms`);
      answered(413);
      return;
    }
    inviteBody();
    if (path === '/v1/messages' && method === 'POST') {
      const result = await handleMessages(req, res, { managers, chain: options.models(), credential, now, client: label, upstream, pathAndQuery: target.pathAndQuery });
      const model = result.model !== null ? ` ${result.model}` : '';
      options.log(`${label} (${who}): POST /v1/messages → ${result.status}${model}, ${result.attempts} attempt(s), ${now() - started} ms`);
      answered(result.status, result.model, result.attempts);
      return;
    }
    if (path === '/v1/messages/count_tokens' && method === 'POST') {
      const counted = await handleCountTokens(req, res, { managers, chain: options.models(), credential, now, client: label, upstream, pathAndQuery: target.pathAndQuery });
      if (counted !== null) {
        options.log(`${label} (${who}): POST /v1/messages/count_tokens → ${counted.status}, ${counted.attempts} attempt(s), ${now() - started} ms`);
        answered(counted.status, null, counted.attempts);
        return;
      }
    }
    const to = await upstream();
    if (to === null) {
      refuseHere(401, 'authentication_error', `${NO_USER_CREDENTIAL} (This path needs an Anthropic key.)`);
      answered(401);
      return;
    }
    const relayed = await relayPath(req, res, { ...to, pathAndQuery: target.pathAndQuery });
    const late = relayed.headersTimedOut ? ` (the upstream sent no answer within ${to.headersTimeoutMs} ms: cut)` : '';
    options.log(`${label} (${who}): ${method} ${path} relayed → ${relayed.status}${late}, ${now() - started} ms`);
    answered(relayed.status);
  };

  // Handed over, an answer is the last on its connection: a kept-alive client's next request
  // connects anew, and so reaches the endpoint that took the port over.
  const answering = new Set<ServerResponse>();
  const lastOnItsConnection = (res: ServerResponse): void => {
    if (!res.headersSent) {
      res.setHeader('connection', 'close');
      return;
    }
    // A stream whose head said keep-alive: its connection closes as soon as the answer is written.
    const socket = res.socket;
    res.once('finish', () => socket?.destroySoon());
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    answering.add(res);
    const done = (): void => void answering.delete(res);
    res.once('finish', done);
    res.once('close', done);
    if (handingOver) lastOnItsConnection(res);
    serve(req, res).catch((error: unknown) => {
      options.log(`Endpoint error on ${req.method ?? ''} ${(req.url ?? '').split('?')[0]}: ${error instanceof Error ? error.name : 'error'}`);
      if (!res.headersSent) refuse(res, 500, 'api_error', 'The endpoint failed to handle this request.');
      else res.destroy();
    });
  };
  const server: Server = createServer(onRequest);
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    awaitingContinue.add(req);
    onRequest(req, res);
  });
  server.on('clientError', answerMalformed);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, ENDPOINT_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      managers.dispose();
    });
    return closing;
  };
  return {
    url: `http://${ENDPOINT_HOST}:${port}`,
    port,
    close,
    handOver: async (graceMs) => {
      if (closing !== null || !server.listening) return;
      handingOver = true;
      for (const res of answering) lastOnItsConnection(res);
      server.closeIdleConnections();
      // A connection whose request ended is closed, so its client's next request reaches the new listener.
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      const cut = setTimeout(() => void close(), graceMs);
      idle.unref();
      cut.unref();
      server.close(() => {
        clearInterval(idle);
        clearTimeout(cut);
        void close();
      });
      // The listening socket is gone once the close has run its course for this turn.
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}
