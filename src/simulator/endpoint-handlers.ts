// Handlers for the simulator's endpoints: Messages (Anthropic and Vertex),
// token counting, models, and the scenario test hook.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendJson } from './error-responses';
import type { Lifecycle } from './lifecycle';
import { parseMessageRequest } from './message-request';
import type { MessageRequest } from './message-request';
import { respondToMessage } from './message-responder';
import { catalogLimits, listModels, pageOfModels, supportsThinking } from './model-catalog';
import type { OutcomeEngine } from './outcome-engine';
import type { PromptCache } from './prompt-cache';
import { statusForOutcome } from './outcome-status';
import { rateLimitHeaders } from './rate-limit-headers';
import { parseJson, readBody } from './request-body';
import { ScenarioError } from './scenario-error';
import { resolveShippedScenario } from './scenario-loader';
import { validateScenario } from './scenario-validation';
import type { StatsRecorder } from './stats';
import type { SimBatchStore } from './batch-store';
import type { Outcome, Scenario } from './scenario-types';

export const MODEL_PATH = /^\/v1\/models\/([^/]+)$/;

export interface SimulatorState {
  engine: OutcomeEngine;
  stats: StatsRecorder;
  lifecycle: Lifecycle;
  apiKey: string | undefined;
  batches: SimBatchStore;
  promptCache: PromptCache;
  /** Whether the `/_sim/*` test hooks answer. */
  controlRoutes: boolean;
}

/** The message of the 400 a model gives to a request it cannot serve, or undefined. */
export function modelProblem(state: SimulatorState, request: MessageRequest, modelKey: string): string | undefined {
  if (request.thinking && !supportsThinking(request.model, state.engine.behaviorFor(modelKey))) return 'thinking is not supported on this model';
  const limits = catalogLimits(request.model);
  if (limits && request.maxTokens > limits.maxOutput) {
    return `max_tokens: ${request.maxTokens} > ${limits.maxOutput}, which is the maximum allowed number of output tokens for ${request.model}`;
  }
  if (limits && request.inputTokens > limits.maxInput) return `prompt is too long: ${request.inputTokens} tokens > ${limits.maxInput} maximum`;
  return undefined;
}

export function presentedKey(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const authorization = req.headers['authorization'];
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1];
  }
  return undefined;
}

export function apiKeyOk(state: SimulatorState, req: IncomingMessage): boolean {
  return state.apiKey === undefined || presentedKey(req) === state.apiKey;
}

export function authMessage(req: IncomingMessage): string {
  return presentedKey(req) === undefined ? 'x-api-key header is required' : 'invalid x-api-key';
}

async function readJsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<{ ok: true; value: unknown } | { ok: false; status: number }> {
  const body = await readBody(req);
  if (body.kind === 'aborted') return { ok: false, status: 0 };
  if (body.kind === 'too_large') {
    res.setHeader('connection', 'close');
    sendError(res, 413, 'Request exceeds the maximum allowed number of bytes.', requestId);
    return { ok: false, status: 413 };
  }
  const parsed = parseJson(body.text);
  if (!parsed.ok) {
    sendError(res, 400, parsed.message, requestId);
    return { ok: false, status: 400 };
  }
  return parsed;
}

export async function handleMessages(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  path: string,
  vertex: { model: string; stream: boolean } | undefined,
): Promise<void> {
  const time = Date.now();
  const keyOk = apiKeyOk(state, req);
  const recordRejected = (model: string, status: number, stream: boolean): void => {
    state.stats.record({ time, model, outcome: status === 401 ? '401' : status === 413 ? '413' : '400', status, requestId, stream, path, apiKeyOk: keyOk });
  };
  if (!keyOk) {
    recordRejected(vertex?.model ?? '', 401, vertex?.stream ?? false);
    sendError(res, 401, authMessage(req), requestId);
    return;
  }
  const body = await readJsonBody(req, res, requestId);
  if (!body.ok) {
    if (body.status !== 0) recordRejected(vertex?.model ?? '', body.status, vertex?.stream ?? false);
    return;
  }
  const parsed = parseMessageRequest(body.value, { modelFromPath: vertex?.model });
  if (!parsed.ok) {
    recordRejected(vertex?.model ?? '', 400, vertex?.stream ?? false);
    sendError(res, 400, parsed.message, requestId);
    return;
  }
  const request = parsed.value;
  if (vertex?.stream) request.stream = true;
  const problem = modelProblem(state, request, request.model);
  if (problem) {
    recordRejected(request.model, 400, request.stream);
    sendError(res, 400, problem, requestId);
    return;
  }

  const leave = state.engine.enter(request.model);
  res.once('close', leave);
  const now = Date.now();
  const credential = presentedKey(req);
  const decision = state.engine.decide(request.model, now, credential);
  const echo = decision.behavior.echoCredential && credential !== undefined;
  state.stats.record({
    time,
    model: request.model,
    outcome: decision.outcome,
    status: statusForOutcome(decision.outcome, request.stream, decision.behavior.midStreamErrorType),
    requestId: echo ? `${requestId}[credential]` : requestId,
    stream: request.stream,
    path,
    apiKeyOk: true,
    ...(decision.outcome === '429' && decision.requestsPerMinute !== undefined ? { overLimit: true } : {}),
  });
  const headers = rateLimitHeaders(decision.behavior, state.engine.requestWindow(request.model, now, credential), request.inputTokens, now, credential);
  await respondToMessage({
    req,
    res,
    request,
    decision,
    requestId: echo ? `${requestId}${credential}` : requestId,
    lifecycle: state.lifecycle,
    rateLimitHeaders: headers,
    promptCache: state.promptCache,
    credential,
  });
}

/** The outcomes a count meets when the scenario says counts fail too; the others count. */
const COUNT_FAILURES: ReadonlySet<Outcome> = new Set<Outcome>(['529', '429', 'spend', '500', '502', '503', '504', 'html502', 'reset', '401', '404', '413']);

export async function handleCountTokens(state: SimulatorState, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  if (!apiKeyOk(state, req)) return sendError(res, 401, authMessage(req), requestId);
  const body = await readJsonBody(req, res, requestId);
  if (!body.ok) return;
  const parsed = parseMessageRequest(body.value, { counting: true });
  if (!parsed.ok) return sendError(res, 400, parsed.message, requestId);
  const request = parsed.value;
  if (state.engine.behaviorFor(request.model).countTokensFails) {
    const decision = state.engine.decide(request.model, Date.now(), presentedKey(req));
    state.stats.record({ time: Date.now(), model: request.model, outcome: decision.outcome, status: statusForOutcome(decision.outcome, false, decision.behavior.midStreamErrorType), requestId, stream: false, path: '/v1/messages/count_tokens', apiKeyOk: true });
    if (COUNT_FAILURES.has(decision.outcome)) {
      await respondToMessage({ req, res, request: { ...request, stream: false }, decision, requestId, lifecycle: state.lifecycle, rateLimitHeaders: {}, promptCache: state.promptCache, credential: undefined });
      return;
    }
  }
  sendJson(res, 200, { input_tokens: request.inputTokens }, requestId);
}

export function handleModels(state: SimulatorState, req: IncomingMessage, res: ServerResponse, requestId: string, url: URL): void {
  if (!apiKeyOk(state, req)) return sendError(res, 401, authMessage(req), requestId);
  const all = listModels(state.engine.currentScenario);
  const match = MODEL_PATH.exec(url.pathname);
  if (match) {
    const id = decodeURIComponent(match[1]!);
    const model = all.find((m) => m.id === id);
    if (!model) return sendError(res, 404, `model: ${id}`, requestId);
    return sendJson(res, 200, model, requestId);
  }
  const page = pageOfModels(all, url.searchParams);
  if ('error' in page) return sendError(res, 400, page.error, requestId);
  sendJson(res, 200, page, requestId);
}

export async function handleScenarioHook(state: SimulatorState, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const body = await readJsonBody(req, res, requestId);
  if (!body.ok) return;
  const value = body.value;
  try {
    const isNameOnly =
      typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as Record<string, unknown>)['name'] === 'string';
    // A name from a request is only ever a shipped scenario's: never a path to read.
    let scenario: Scenario;
    if (isNameOnly) scenario = resolveShippedScenario((value as Record<string, unknown>)['name'] as string);
    else if (typeof value === 'string') scenario = resolveShippedScenario(value);
    else scenario = validateScenario(value);
    state.engine.setScenario(scenario);
    state.stats.reset(state.engine.scenarioStartedAt);
    sendJson(res, 200, { ok: true, scenario: scenario.name ?? null }, requestId);
  } catch (err) {
    if (err instanceof ScenarioError) return sendError(res, 400, err.message, requestId);
    throw err;
  }
}
