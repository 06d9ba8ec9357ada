// The simulator's HTTP server: routes Anthropic API, Vertex, status-page and
// test-hook requests to their handlers. Never crashes on bad input: every
// failure becomes an API-shaped error response.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendError, sendJson } from './error-responses';
import { newRequestId } from './ids';
import { Lifecycle } from './lifecycle';
import { parseMessageRequest } from './message-request';
import { respondToMessage } from './message-responder';
import { listModels, pageOfModels } from './model-catalog';
import { OutcomeEngine } from './outcome-engine';
import { statusForOutcome } from './outcome-status';
import { rateLimitHeaders } from './rate-limit-headers';
import { parseJson, readBody } from './request-body';
import { ScenarioError } from './scenario-error';
import { resolveScenario } from './scenario-loader';
import { StatsRecorder } from './stats';
import { statusSummary } from './status-page';
import type { Scenario } from './scenario-types';
import type { SimulatorStats } from './stats';

export interface SimulatorOptions {
  /** A scenario object, a path to a JSON scenario file, or a shipped name ("healthy"). */
  scenario: Scenario | string;
  /** 0 picks a free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, requests presenting any other key get 401 authentication_error. */
  apiKey?: string;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:43121 — use as the SDK's baseURL. */
  url: string;
  /** Switches scenario; also resets the phase clock. */
  setScenario(scenario: Scenario | string): void;
  stats(): SimulatorStats;
  /** Clears stats, restarts the phase clock, the seeded RNG and sequences. */
  reset(): void;
  /** Closes every socket, including stalled ones. */
  close(): Promise<void>;
}

const VERTEX_PATH = /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;
const MODEL_PATH = /^\/v1\/models\/([^/]+)$/;

interface SimulatorState {
  engine: OutcomeEngine;
  stats: StatsRecorder;
  lifecycle: Lifecycle;
  apiKey: string | undefined;
}

function presentedKey(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const authorization = req.headers['authorization'];
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1];
  }
  return undefined;
}

function apiKeyOk(state: SimulatorState, req: IncomingMessage): boolean {
  return state.apiKey === undefined || presentedKey(req) === state.apiKey;
}

function authMessage(req: IncomingMessage): string {
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

async function handleMessages(
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
  const parsed = parseMessageRequest(body.value, vertex?.model);
  if (!parsed.ok) {
    recordRejected(vertex?.model ?? '', 400, vertex?.stream ?? false);
    sendError(res, 400, parsed.message, requestId);
    return;
  }
  const request = parsed.value;
  if (vertex?.stream) request.stream = true;

  const leave = state.engine.enter(request.model);
  res.once('close', leave);
  const now = Date.now();
  const decision = state.engine.decide(request.model, now);
  state.stats.record({
    time,
    model: request.model,
    outcome: decision.outcome,
    status: statusForOutcome(decision.outcome, request.stream, decision.behavior.midStreamErrorType),
    requestId,
    stream: request.stream,
    path,
    apiKeyOk: true,
  });
  const headers = rateLimitHeaders(decision.behavior, state.engine.requestWindow(request.model, now), request.inputTokens, now);
  await respondToMessage({ req, res, request, decision, requestId, lifecycle: state.lifecycle, rateLimitHeaders: headers });
}

async function handleCountTokens(state: SimulatorState, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  if (!apiKeyOk(state, req)) return sendError(res, 401, authMessage(req), requestId);
  const body = await readJsonBody(req, res, requestId);
  if (!body.ok) return;
  const withMaxTokens = typeof body.value === 'object' && body.value !== null ? { max_tokens: 1, ...body.value } : body.value;
  const parsed = parseMessageRequest(withMaxTokens);
  if (!parsed.ok) return sendError(res, 400, parsed.message, requestId);
  sendJson(res, 200, { input_tokens: parsed.value.inputTokens }, requestId);
}

function handleModels(state: SimulatorState, req: IncomingMessage, res: ServerResponse, requestId: string, url: URL): void {
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

async function handleScenarioHook(state: SimulatorState, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const body = await readJsonBody(req, res, requestId);
  if (!body.ok) return;
  const value = body.value;
  try {
    const isNameOnly =
      typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as Record<string, unknown>)['name'] === 'string';
    const scenario = resolveScenario(isNameOnly ? ((value as Record<string, unknown>)['name'] as string) : (value as Scenario));
    state.engine.setScenario(scenario);
    state.stats.reset(state.engine.scenarioStartedAt);
    sendJson(res, 200, { ok: true, scenario: scenario.name ?? null }, requestId);
  } catch (err) {
    if (err instanceof ScenarioError) return sendError(res, 400, err.message, requestId);
    throw err;
  }
}

async function route(state: SimulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  const url = new URL(req.url ?? '/', 'http://simulator.local');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const wrongMethod = (allowed: string): void =>
    sendError(res, 405, `Method ${method} not allowed; use ${allowed}`, requestId, { type: 'invalid_request_error' });

  if (path === '/v1/messages') {
    return method === 'POST' ? handleMessages(state, req, res, requestId, path, undefined) : wrongMethod('POST');
  }
  if (path === '/v1/messages/count_tokens') {
    return method === 'POST' ? handleCountTokens(state, req, res, requestId) : wrongMethod('POST');
  }
  if (path === '/v1/models' || MODEL_PATH.test(path)) {
    return method === 'GET' ? handleModels(state, req, res, requestId, url) : wrongMethod('GET');
  }
  const vertex = VERTEX_PATH.exec(path);
  if (vertex) {
    if (method !== 'POST') return wrongMethod('POST');
    const model = decodeURIComponent(vertex[1]!);
    if (model === 'count-tokens') return handleCountTokens(state, req, res, requestId);
    return handleMessages(state, req, res, requestId, path, { model, stream: vertex[2] === 'streamRawPredict' });
  }
  if (path === '/api/v2/summary.json' && method === 'GET') {
    const spec = state.engine.activePhase()?.statusPage ?? state.engine.currentScenario.statusPage;
    return sendJson(res, 200, statusSummary(spec, state.engine.scenarioStartedAt), requestId);
  }
  if (path === '/_sim/stats' && method === 'GET') return sendJson(res, 200, state.stats.snapshot(), requestId);
  if (path === '/_sim/reset' && method === 'POST') {
    state.engine.reset();
    state.stats.reset(state.engine.scenarioStartedAt);
    return sendJson(res, 200, { ok: true }, requestId);
  }
  if (path === '/_sim/scenario' && method === 'POST') return handleScenarioHook(state, req, res, requestId);
  sendError(res, 404, `Not found: ${method} ${path}`, requestId);
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const scenario = resolveScenario(options.scenario);
  const engine = new OutcomeEngine(scenario);
  const stats = new StatsRecorder();
  stats.reset(engine.scenarioStartedAt);
  const lifecycle = new Lifecycle();
  const state: SimulatorState = { engine, stats, lifecycle, apiKey: options.apiKey };

  const server = createServer((req, res) => {
    route(state, req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        sendError(res, 500, `Simulator error: ${err instanceof Error ? err.message : String(err)}`, newRequestId());
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (socket) => lifecycle.track(socket));
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${host}:${address.port}`,
        setScenario(next) {
          engine.setScenario(resolveScenario(next));
          stats.reset(engine.scenarioStartedAt);
        },
        stats: () => stats.snapshot(),
        reset() {
          engine.reset();
          stats.reset(engine.scenarioStartedAt);
        },
        close() {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            lifecycle.close();
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}
