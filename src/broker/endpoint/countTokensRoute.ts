// POST /v1/messages/count_tokens through the manager's countTokens (core/tokenCount.ts) when the
// endpoint's manager has it (`serve`'s, the editor's broker client): the model the body names, on
// each Anthropic route with the breakers, backoff and deadline a message meets; the body and the
// client's anthropic-beta / anthropic-version reach the API unchanged and its answer comes back
// whole. When the manager gives up: the upstream's status and error plus `x-should-retry: false`,
// as for a message. A manager without it leaves the path to the plain relay.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RelayManager, RequestManager } from '../../core/contract';
import { passHeadersFrom } from '../../core/passHeaders';
import { failureResponse } from './failureResponse';
import { endpointRequestId, heldFor, sendJson } from './messagesRoute';
import type { MessagesContext, MessagesResult } from './messagesRoute';
import { MAX_BODY_BYTES, readJsonBody, refuseBody } from './readBody';
import { queryOf } from './requestTarget';

type Counter = RequestManager & Pick<RelayManager, 'countTokens'>;

function counts(manager: RequestManager): manager is Counter {
  return typeof (manager as Partial<Counter>).countTokens === 'function';
}

/** Counts through the manager and answers; null (nothing read, nothing answered) when no manager here counts. */
export async function handleCountTokens(req: IncomingMessage, res: ServerResponse, context: MessagesContext): Promise<MessagesResult | null> {
  // The manager of the user's chain: a count asks the model its body names, without a fallback.
  const clientRequestId = endpointRequestId(context.client);
  const lease = context.managers.acquire(context.credential, context.chain, clientRequestId);
  if (lease === null) return null;
  try {
    return await countWith(await lease.manager, req, res, context, clientRequestId);
  } finally {
    lease.release();
  }
}

async function countWith(manager: RequestManager, req: IncomingMessage, res: ServerResponse, context: MessagesContext, clientRequestId: string): Promise<MessagesResult | null> {
  if (!counts(manager)) return null;
  const read = await readJsonBody(req, MAX_BODY_BYTES);
  if (!read.ok) {
    refuseBody(res, read);
    return { status: read.status, model: null, attempts: 0 };
  }
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const headers = passHeadersFrom(req.headers);
  const query = queryOf(context.pathAndQuery);
  const options = { signal: controller.signal, clientRequestId, client: context.client, priority: 'interactive' as const, ...(query ? { query } : {}), ...(headers ? { headers } : {}) };
  const outcome = await manager.countTokens(read.value, options);
  if (!outcome.ok) {
    const model = typeof read.value['model'] === 'string' ? [read.value['model']] : context.chain.slice(0, 1);
    const failure = failureResponse(outcome, heldFor(manager, model, context.now()));
    sendJson(res, failure.status, failure.body, failure.headers);
    return { status: failure.status, model: null, attempts: outcome.attempts.length };
  }
  const requestId = outcome.attempts.at(-1)?.requestId ?? null;
  sendJson(res, 200, outcome.answer, {
    ...(requestId !== null ? { 'request-id': requestId } : {}),
    'x-resilient-claude-model': outcome.model,
    'x-resilient-claude-attempts': String(outcome.attempts.length),
  });
  return { status: 200, model: outcome.model, attempts: outcome.attempts.length };
}
