// The Message Batches endpoints on the Anthropic wire format: create, list,
// retrieve, cancel, delete and the `.jsonl` results, plus `GET /_sim/batches`
// (every batch call answered, for tests).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiKeyOk, authMessage } from './endpoint-handlers';
import type { SimulatorState } from './endpoint-handlers';
import { sendError, sendJson } from './error-responses';
import { effectiveBatchBehavior } from './batch-types';
import type { BatchCreateRequest } from './batch-store';
import { parseJson, readBody } from './request-body';

/** The API's limits on one batch. */
export const MAX_BATCH_REQUESTS = 100_000;
export const MAX_BATCH_BYTES = 256 * 1024 * 1024;
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

const COLLECTION = '/v1/messages/batches';
const ONE = /^\/v1\/messages\/batches\/([^/]+)(\/cancel|\/results)?$/;

export function isBatchPath(path: string): boolean {
  return path === COLLECTION || ONE.test(path) || path === '/_sim/batches';
}

function originOf(req: IncomingMessage): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

function parseCreate(body: unknown): { ok: true; requests: BatchCreateRequest[] } | { ok: false; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'Request body must be a JSON object' };
  const requests = (body as Record<string, unknown>)['requests'];
  if (requests === undefined) return { ok: false, message: 'requests: Field required' };
  if (!Array.isArray(requests)) return { ok: false, message: 'requests: Input should be a valid list' };
  if (requests.length === 0) return { ok: false, message: 'requests: List should have at least 1 item after validation, not 0' };
  if (requests.length > MAX_BATCH_REQUESTS) {
    return { ok: false, message: `requests: List should have at most ${MAX_BATCH_REQUESTS} items after validation, not ${requests.length}` };
  }
  const seen = new Set<string>();
  const out: BatchCreateRequest[] = [];
  for (let i = 0; i < requests.length; i++) {
    const item: unknown = requests[i];
    if (typeof item !== 'object' || item === null) return { ok: false, message: `requests.${i}: Input should be a valid dictionary` };
    const customId = (item as Record<string, unknown>)['custom_id'];
    const params = (item as Record<string, unknown>)['params'];
    if (typeof customId !== 'string' || !CUSTOM_ID.test(customId)) {
      return { ok: false, message: `requests.${i}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'` };
    }
    if (seen.has(customId)) return { ok: false, message: `requests.${i}.custom_id: custom_id must be unique within a batch (${customId} repeats)` };
    seen.add(customId);
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return { ok: false, message: `requests.${i}.params: Field required` };
    out.push({ customId, params });
  }
  return { ok: true, requests: out };
}

async function create(state: SimulatorState, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<number> {
  const body = await readBody(req, MAX_BATCH_BYTES);
  if (body.kind === 'aborted') return 0;
  if (body.kind === 'too_large') {
    res.setHeader('connection', 'close');
    sendError(res, 413, `A Message Batch may hold at most ${MAX_BATCH_BYTES} bytes.`, requestId);
    return 413;
  }
  const behavior = state.engine.currentScenario.batches;
  const outcome = state.batches.nextCreateOutcome(behavior);
  if (outcome === '529') return (sendError(res, 529, 'Overloaded', requestId), 529);
  if (outcome === '500') return (sendError(res, 500, 'Internal server error', requestId), 500);
  if (outcome === '429') {
    sendError(res, 429, 'This request would exceed your rate limit. Please try again later.', requestId, { headers: { 'retry-after': '1' } });
    return 429;
  }
  const json = parseJson(body.text);
  if (!json.ok) return (sendError(res, 400, json.message, requestId), 400);
  const parsed = parseCreate(json.value);
  if (!parsed.ok) return (sendError(res, 400, parsed.message, requestId), 400);
  const batch = state.batches.create(parsed.requests, behavior, state.engine, state.engine.currentScenario.seed ?? 1);
  if (outcome === 'created_500') return (sendError(res, 500, 'Internal server error', requestId), 500);
  sendJson(res, 200, state.batches.view(batch, originOf(req)), requestId);
  return 200;
}

function listPage(state: SimulatorState, req: IncomingMessage, url: URL): Record<string, unknown> | { error: string } {
  const all = state.batches.list();
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return { error: 'limit: Input should be an integer between 1 and 1000' };
  const afterId = url.searchParams.get('after_id');
  const start = afterId === null ? 0 : all.findIndex((b) => b.id === afterId) + 1;
  const page = all.slice(start, start + limit).map((b) => state.batches.view(b, originOf(req)));
  return {
    data: page,
    has_more: start + limit < all.length,
    first_id: (page[0]?.['id'] as string | undefined) ?? null,
    last_id: (page[page.length - 1]?.['id'] as string | undefined) ?? null,
  };
}

async function answerCall(state: SimulatorState, req: IncomingMessage, res: ServerResponse, requestId: string, url: URL): Promise<number> {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  if (!apiKeyOk(state, req)) return (sendError(res, 401, authMessage(req), requestId), 401);
  if (!effectiveBatchBehavior(state.engine.currentScenario.batches).access) {
    sendError(res, 403, 'This API key does not have permission to use the Message Batches API.', requestId);
    return 403;
  }
  if (path === COLLECTION) {
    if (method === 'POST') return create(state, req, res, requestId);
    if (method !== 'GET') return (sendError(res, 405, `Method ${method} not allowed; use GET or POST`, requestId, { type: 'invalid_request_error' }), 405);
    const page = listPage(state, req, url);
    if ('error' in page) return (sendError(res, 400, String(page.error), requestId), 400);
    return (sendJson(res, 200, page, requestId), 200);
  }
  const match = ONE.exec(path)!;
  const id = decodeURIComponent(match[1]!);
  const batch = state.batches.get(id);
  if (!batch) return (sendError(res, 404, `message_batch: ${id} not found`, requestId), 404);
  const action = match[2];
  if (action === '/cancel') {
    if (method !== 'POST') return (sendError(res, 405, `Method ${method} not allowed; use POST`, requestId, { type: 'invalid_request_error' }), 405);
    state.batches.cancel(batch);
    return (sendJson(res, 200, state.batches.view(batch, originOf(req)), requestId), 200);
  }
  if (action === '/results') {
    if (method !== 'GET') return (sendError(res, 405, `Method ${method} not allowed; use GET`, requestId, { type: 'invalid_request_error' }), 405);
    if (!state.batches.isEnded(batch)) {
      return (sendError(res, 400, `Message Batch ${id} has not finished processing; its results are not available yet.`, requestId), 400);
    }
    const text = state.batches.resultsJsonl(batch);
    res.writeHead(200, { 'content-type': 'application/binary', 'content-length': Buffer.byteLength(text), 'request-id': requestId });
    res.end(text);
    return 200;
  }
  if (method === 'DELETE') {
    if (!state.batches.isEnded(batch)) {
      return (sendError(res, 400, `Message Batch ${id} is still processing; cancel it first.`, requestId), 400);
    }
    state.batches.delete(id);
    return (sendJson(res, 200, { id, type: 'message_batch_deleted' }, requestId), 200);
  }
  if (method !== 'GET') return (sendError(res, 405, `Method ${method} not allowed; use GET or DELETE`, requestId, { type: 'invalid_request_error' }), 405);
  return (sendJson(res, 200, state.batches.view(batch, originOf(req)), requestId), 200);
}

export async function handleBatchRoute(state: SimulatorState, req: IncomingMessage, res: ServerResponse, requestId: string, url: URL): Promise<void> {
  if (url.pathname === '/_sim/batches') return sendJson(res, 200, { calls: state.batches.calls }, requestId);
  const time = Date.now();
  const status = await answerCall(state, req, res, requestId, url);
  state.batches.calls.push({ time, method: req.method ?? 'GET', path: url.pathname, status, requestId });
}
