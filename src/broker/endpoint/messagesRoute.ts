// POST /v1/messages through the resilient manager: the requested model first, then the
// fallbacks the rule in modelChain.ts allows, with breakers, budgets, pacing and hedging shared
// with every other client of the broker. A success is the answer (JSON, or server-sent events
// as they arrive) with the model that answered and the attempts it took in the headers; when
// the manager gives up, the upstream's status and error plus `x-should-retry: false`.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Answering, ClaudeRequest, FailureOutcome, Outcome, RelayStream, RequestEvent, RequestStream, SendOptions, SuccessOutcome } from '../../core/types';
import type { RequestManager } from '../../core/contract';
import { passHeadersFrom } from '../../core/passHeaders';
import type { EndpointManagers } from './endpointManagers';
import { clientIdPart } from './clientLabel';
import { NO_USER_CREDENTIAL, failureResponse, givenUpHeaders, localError } from './failureResponse';
import { modelsForRequest } from './modelChain';
import type { RequestCredential } from './requestGuard';
import { MAX_BODY_BYTES, readJsonBody, refuseBody } from './readBody';
import { SseAnswer } from './sseAnswer';
import { relayPath } from './pathRelay';
import { queryOf } from './requestTarget';
import type { Upstream } from './pathRelay';

const PING_EVERY_MS = 10_000;

export interface MessagesContext {
  readonly managers: EndpointManagers;
  readonly chain: readonly string[];
  readonly credential: RequestCredential;
  readonly now: () => number;
  /** Who sent it (clientLabel.ts): in the request's id and on its attempts, for the failure log. */
  readonly client: string;
  /** Anthropic's API with the request's credential (null when there is none), for a request the
   *  manager refuses without asking the API: it is then relayed once as it is (askTheApi). */
  readonly upstream: () => Promise<Upstream | null>;
  /** The request's path as resolved, with its query string (requestTarget.ts). */
  readonly pathAndQuery: string;
}

/** How a request ended, for the endpoint's log line. */
export interface MessagesResult {
  readonly status: number;
  readonly model: string | null;
  readonly attempts: number;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function successHeaders(outcome: SuccessOutcome): Record<string, string> {
  const requestId = outcome.attempts.at(-1)?.requestId ?? null;
  return {
    ...(requestId !== null ? { 'request-id': requestId } : {}),
    'x-resilient-claude-model': outcome.model,
    'x-resilient-claude-attempts': String(outcome.attempts.length),
  };
}

/** Until when a route of this request is held by a rate limit (ms from now), or null. */
export function heldFor(manager: RequestManager, models: readonly string[], now: number): number | null {
  let earliest: number | null = null;
  for (const breaker of manager.breakers()) {
    if (!models.includes(breaker.model) || breaker.heldUntil === null || breaker.heldUntil <= now) continue;
    earliest = earliest === null ? breaker.heldUntil : Math.min(earliest, breaker.heldUntil);
  }
  return earliest === null ? null : earliest - now;
}

function sendFailure(res: ServerResponse, outcome: FailureOutcome, manager: RequestManager, models: readonly string[], now: number): MessagesResult {
  const failure = failureResponse(outcome, heldFor(manager, models, now));
  sendJson(res, failure.status, failure.body, failure.headers);
  return { status: failure.status, model: null, attempts: outcome.attempts.length };
}

/**
 * The manager's own checks (a malformed body, max_tokens over every model's limit, models the API
 * said it does not know) refuse a request before any attempt on the Anthropic API — none at all, or
 * only another provider's refusal (a named model the API said it does not know, refused by Bedrock
 * too). The API is the judge of its requests:
 * such a request is sent to it once, as the client sent it, and its answer — its 400 or 404 with its words
 * and request id, or an answer where our checks were stricter than it — goes back unchanged (an
 * error with `x-should-retry: false`, and `retry-after` while a route of the request is held). Only
 * with no Anthropic credential to send it with does the manager's refusal stand.
 */
async function failOrAskTheApi(req: IncomingMessage, res: ServerResponse, outcome: FailureOutcome, asked: Asked, manager: RequestManager, context: MessagesContext): Promise<MessagesResult> {
  const unasked = outcome.error.class === 'bad_request' && !outcome.attempts.some((attempt) => attempt.provider === 'anthropic');
  const upstream = unasked ? await context.upstream() : null;
  if (upstream === null) return sendFailure(res, outcome, manager, asked.models, context.now());
  const errorHeaders = givenUpHeaders(heldFor(manager, asked.models, context.now()));
  const { status } = await relayPath(req, res, { ...upstream, pathAndQuery: context.pathAndQuery }, { body: Buffer.from(JSON.stringify(asked.asSent)), errorHeaders });
  return { status, model: null, attempts: outcome.attempts.length + 1 };
}

/** The id of one endpoint request: who sent it, and a random part (a UUID, which Node hands out
 *  from a batch it fills at once: cheaper on every request than random bytes of our own). */
export function endpointRequestId(client: string): string {
  return `ep_${clientIdPart(client)}_${randomUUID()}`;
}

/** Core's manager and a window's broker client hand on the API's own events; a broker client on a
 *  broker that sends only parts (one from before answer events) gives typed parts alone. */
function relaysEvents(stream: RequestStream): stream is RelayStream {
  return 'events' in stream;
}

function usesThinking(body: Record<string, unknown>): boolean {
  const thinking = body['thinking'];
  return typeof thinking === 'object' && thinking !== null && (thinking as { type?: unknown }).type !== 'disabled';
}

export async function handleMessages(req: IncomingMessage, res: ServerResponse, context: MessagesContext): Promise<MessagesResult> {
  const read = await readJsonBody(req, MAX_BODY_BYTES);
  if (!read.ok) {
    refuseBody(res, read);
    return { status: read.status, model: null, attempts: 0 };
  }
  const { stream: wantsStream, ...body } = read.value;
  if (wantsStream !== undefined && wantsStream !== null && typeof wantsStream !== 'boolean') {
    sendJson(res, 400, localError('invalid_request_error', 'stream: Input should be a valid boolean'), { 'x-should-retry': 'false' });
    return { status: 400, model: null, attempts: 0 };
  }
  const requested = typeof body['model'] === 'string' ? body['model'] : undefined;
  const models = modelsForRequest(requested, context.chain);
  const clientRequestId = endpointRequestId(context.client);
  const lease = context.managers.acquire(context.credential, models, clientRequestId);
  if (lease === null) {
    sendJson(res, 401, localError('authentication_error', NO_USER_CREDENTIAL), { 'x-should-retry': 'false' });
    return { status: 401, model: null, attempts: 0 };
  }
  try {
    const manager = await lease.manager;
    const request = body as unknown as ClaudeRequest;
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    // The client's anthropic-beta and anthropic-version reach the API unchanged (a fallback's adaptations aside).
    const headers = passHeadersFrom(req.headers);
    // A model the client named and the API does not know is answered with the API's 404, not by a fallback.
    const named = requested !== undefined && requested !== '' ? { namedModel: true } : {};
    // Its query string (`?beta=true` from the SDKs' beta clients and Claude Code) goes with every attempt.
    const query = queryOf(context.pathAndQuery);
    const options = { signal: controller.signal, clientRequestId, client: context.client, priority: 'interactive' as const, ...named, ...(query ? { query } : {}), ...(headers ? { headers } : {}) };
    return await answer(req, res, manager, { request, body, asSent: read.value, models, streams: wantsStream === true, options }, context);
  } finally {
    lease.release();
  }
}

/** One client request as the manager runs it. */
interface Asked {
  readonly request: ClaudeRequest;
  /** The client's body without `stream`. */
  readonly body: Record<string, unknown>;
  /** The client's body as it sent it. */
  readonly asSent: Record<string, unknown>;
  readonly models: readonly string[];
  readonly streams: boolean;
  readonly options: SendOptions;
}

/** Runs the request and writes its answer: JSON, or server-sent events when the client streams. */
async function answer(req: IncomingMessage, res: ServerResponse, manager: RequestManager, asked: Asked, context: MessagesContext): Promise<MessagesResult> {
  const { request, body, models, options } = asked;
  if (!asked.streams) {
    const outcome = await manager.send(request, options);
    if (!outcome.ok) return failOrAskTheApi(req, res, outcome, asked, manager, context);
    sendJson(res, 200, outcome.message, successHeaders(outcome));
    return { status: 200, model: outcome.model, attempts: outcome.attempts.length };
  }

  // Which route is answering, from the request's own events (for the headers sent with the first part).
  let currentModel = models[0] ?? (typeof body['model'] === 'string' ? body['model'] : '');
  let attemptsEnded = 0;
  let answeringRequestId: string | null = null;
  const onEvent = (event: RequestEvent): void => {
    if (event.type === 'fallback') currentModel = event.to.model;
    else if (event.type === 'attempt') attemptsEnded += 1;
  };
  const onAnswering = (answering: Answering): void => {
    currentModel = answering.model;
    answeringRequestId = answering.requestId;
  };
  const sse = new SseAnswer(res);
  // Keep-alives while the answer streams, from its head on (no timer is set up on the way upstream).
  let pinger: ReturnType<typeof setInterval> | null = null;
  const keepAlive = (): void => {
    pinger = setInterval(() => sse.ping(), PING_EVERY_MS);
  };
  const liveHeaders = (): Record<string, string> => ({
    ...(answeringRequestId !== null ? { 'request-id': answeringRequestId } : {}),
    'x-resilient-claude-model': currentModel,
    'x-resilient-claude-attempts': String(attemptsEnded + 1),
  });
  try {
    const stream = manager.stream(request, { ...options, onEvent, onAnswering });
    let outcome: Outcome;
    if (relaysEvents(stream)) {
      for await (const item of stream.events) {
        if (!sse.hasStarted) {
          sse.sendHeaders(liveHeaders());
          sse.relay(item);
          keepAlive();
          continue;
        }
        sse.relay(item);
      }
      outcome = await stream.outcome;
      if (sse.hasStarted && outcome.ok && sse.hasEnded) {
        sse.close();
        return { status: 200, model: outcome.model, attempts: outcome.attempts.length };
      }
    } else {
      const live = !usesThinking(body);
      for await (const part of stream.parts) {
        if (!live) continue;
        if (!sse.hasStarted) {
          sse.start(liveHeaders(), currentModel);
          keepAlive();
        }
        sse.part(part);
      }
      outcome = await stream.outcome;
    }
    if (!outcome.ok) {
      if (!sse.hasStarted) return failOrAskTheApi(req, res, outcome, asked, manager, context);
      sse.fail(failureResponse(outcome, null).errorType, outcome.error.message);
      // A client that left mid-stream is counted as gone (499), not as answered.
      return { status: outcome.error.class === 'canceled' ? 499 : 200, model: currentModel, attempts: outcome.attempts.length };
    }
    if (sse.hasStarted) {
      sse.finish(outcome);
    } else {
      const { content: _content, stop_reason: _stop, stop_sequence: _sequence, ...head } = outcome.message;
      void _content;
      void _stop;
      void _sequence;
      sse.start(successHeaders(outcome), outcome.model, outcome.message.id, { ...head.usage, output_tokens: 0 });
      sse.whole(outcome.message);
    }
    return { status: 200, model: outcome.model, attempts: outcome.attempts.length };
  } finally {
    if (pinger !== null) clearInterval(pinger);
  }
}
