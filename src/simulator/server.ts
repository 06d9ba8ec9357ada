// The simulator's HTTP server: routes Anthropic API, Vertex, Bedrock, status-page and
// test-hook requests to their handlers. Never crashes on bad input: every
// failure becomes an API-shaped error response.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BEDROCK_PATH, handleBedrockInvoke } from './bedrock-routes';
import { handleBatchRoute, isBatchPath } from './batch-routes';
import { SimBatchStore } from './batch-store';
import { MODEL_PATH, handleCountTokens, handleMessages, handleModels, handleScenarioHook } from './endpoint-handlers';
import type { SimulatorState } from './endpoint-handlers';
import { sendError, sendJson } from './error-responses';
import { newRequestId } from './ids';
import { Lifecycle } from './lifecycle';
import { OutcomeEngine } from './outcome-engine';
import { PromptCache } from './prompt-cache';
import { resolveScenario, resolveShippedScenario } from './scenario-loader';
import { StatsRecorder } from './stats';
import { incidentPage, statusSummary } from './status-page';
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
  /**
   * Multiplies every scenario duration (latency, time to first token, pings, pauses, phase
   * times; token pace divided): 0.01 plays a 20 s phase in 200 ms. Default 1.
   */
  timeScale?: number;
  /**
   * Serves the test hooks under `/_sim/` (stats, reset, scenario switch, batch calls). Off by
   * default: only a test harness that drives the simulator over HTTP turns them on.
   */
  controlRoutes?: boolean;
  /**
   * Accepts only shipped scenario names, here and in setScenario (no file path, no scenario
   * object): for a simulator embedded in the extension.
   */
  shippedScenariosOnly?: boolean;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:43121 — use as the SDK's baseURL. */
  url: string;
  /** Switches scenario; also resets the phase clock. */
  setScenario(scenario: Scenario | string): void;
  stats(): SimulatorStats;
  /** TCP connections clients have opened since the simulator started, and those open now. */
  connections(): { readonly opened: number; readonly open: number };
  /** Clears stats, restarts the phase clock, the seeded RNG and sequences. */
  reset(): void;
  /** Closes every socket, including stalled ones. */
  close(): Promise<void>;
}

const VERTEX_PATH = /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;

/** http://<the address the request came to>: the simulator's own origin, for links it hands out. */
function localOrigin(req: IncomingMessage): string {
  const local = req.socket.localAddress ?? '127.0.0.1';
  const host = local.includes(':') && !local.startsWith('::ffff:') ? `[${local}]` : local.replace(/^::ffff:/, '');
  return `http://${host}:${req.socket.localPort ?? 80}`;
}

async function route(state: SimulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  const url = new URL(req.url ?? '/', 'http://simulator.local');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const wrongMethod = (allowed: string): void =>
    sendError(res, 405, `Method ${method} not allowed; use ${allowed}`, requestId, { type: 'invalid_request_error' });
  if (path.startsWith('/_sim/') && !state.controlRoutes) return sendError(res, 404, `Not found: ${method} ${path}`, requestId);

  if (path === '/v1/messages') {
    return method === 'POST' ? handleMessages(state, req, res, requestId, path, undefined) : wrongMethod('POST');
  }
  if (isBatchPath(path)) return handleBatchRoute(state, req, res, requestId, url);
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
  const bedrock = BEDROCK_PATH.exec(path);
  if (bedrock) return handleBedrockInvoke(state, req, res, path, bedrock[1]!, bedrock[2] === 'invoke-with-response-stream');
  if (path === '/api/v2/summary.json' && method === 'GET') {
    const spec = state.engine.activePhase()?.statusPage ?? state.engine.currentScenario.statusPage;
    return sendJson(res, 200, statusSummary(spec, state.engine.scenarioStartedAt, Date.now(), localOrigin(req)), requestId);
  }
  const incident = /^\/incidents\/([\w-]+)$/.exec(path);
  if (incident && method === 'GET') {
    const spec = state.engine.activePhase()?.statusPage ?? state.engine.currentScenario.statusPage;
    const page = incidentPage(spec, incident[1]!);
    if (page === null) return sendError(res, 404, `Not found: ${method} ${path}`, requestId);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
    res.end(page);
    return;
  }
  if (path === '/_sim/stats' && method === 'GET') return sendJson(res, 200, state.stats.snapshot(), requestId);
  if (path === '/_sim/reset' && method === 'POST') {
    state.engine.reset();
    state.promptCache.clear();
    state.stats.reset(state.engine.scenarioStartedAt);
    return sendJson(res, 200, { ok: true }, requestId);
  }
  if (path === '/_sim/scenario' && method === 'POST') return handleScenarioHook(state, req, res, requestId);
  sendError(res, 404, `Not found: ${method} ${path}`, requestId);
}

export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const resolveOption = (scenario: Scenario | string): Scenario =>
    options.shippedScenariosOnly ? resolveShippedScenario(scenario) : resolveScenario(scenario);
  const scenario = resolveOption(options.scenario);
  const engine = new OutcomeEngine(scenario, options.timeScale);
  const stats = new StatsRecorder();
  stats.reset(engine.scenarioStartedAt);
  const lifecycle = new Lifecycle();
  const state: SimulatorState = { engine, stats, lifecycle, apiKey: options.apiKey, batches: new SimBatchStore(), promptCache: new PromptCache(),
    controlRoutes: options.controlRoutes === true,
  };

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
          engine.setScenario(resolveOption(next));
          stats.reset(engine.scenarioStartedAt);
        },
        stats: () => stats.snapshot(),
        connections: () => lifecycle.connections(),
        reset() {
          engine.reset();
          state.promptCache.clear();
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
