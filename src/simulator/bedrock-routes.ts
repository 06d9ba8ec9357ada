// Amazon Bedrock's runtime endpoints for Anthropic models:
//   POST /model/{modelId}/invoke                      → one JSON message
//   POST /model/{modelId}/invoke-with-response-stream → AWS event-stream of Anthropic events
// The model comes from the URL (see bedrock-model-id.ts), the body is the
// Messages API body with an `anthropic_version` (`bedrock-2023-05-31`, or an API
// version date: the Bedrock SDK 1.x copies its `anthropic-version` header, e.g.
// `2026-10-21`) and no `model` or `stream`. Requests must be signed (`Authorization: AWS4-HMAC-SHA256 …`,
// not verified) or carry a Bedrock API key (`Authorization: Bearer …`).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bedrockErrorForOutcome, sendBedrockError } from './bedrock-errors';
import type { BedrockError } from './bedrock-errors';
import { parseBedrockModelId, scenarioModelKey } from './bedrock-model-id';
import { bedrockFraming, respondToBedrockMessage } from './bedrock-responder';
import { modelProblem } from './endpoint-handlers';
import type { SimulatorState } from './endpoint-handlers';
import { parseMessageRequest } from './message-request';
import { parseJson, readBody } from './request-body';
import type { Outcome } from './scenario-types';

export const BEDROCK_PATH = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)$/;

export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';
const API_VERSION_DATE = /^\d{4}-\d{2}-\d{2}$/;

type AuthCheck = { ok: true; keyOk: boolean } | { ok: false; error: BedrockError };

/** Signed or Bearer requests pass; with a simulator key, the access key id (or Bearer token) must equal it. */
function checkAuthorization(req: IncomingMessage, apiKey: string | undefined): AuthCheck {
  const header = req.headers['authorization'];
  const authorization = typeof header === 'string' ? header.trim() : '';
  if (authorization === '') {
    return { ok: false, error: { status: 403, exception: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' } };
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
  if (bearer) return { ok: true, keyOk: apiKey === undefined || bearer[1] === apiKey };
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) {
    return { ok: false, error: { status: 403, exception: 'IncompleteSignatureException', message: 'Authorization header requires the AWS4-HMAC-SHA256 scheme.' } };
  }
  const credential = /Credential=([^/,\s]+)\//.exec(authorization);
  if (!credential || !/SignedHeaders=/.test(authorization) || !/Signature=[0-9a-f]+/.test(authorization)) {
    return {
      ok: false,
      error: { status: 403, exception: 'IncompleteSignatureException', message: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters." },
    };
  }
  return { ok: true, keyOk: apiKey === undefined || credential[1] === apiKey };
}

const INVALID_KEY: BedrockError = { status: 403, exception: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };

function validationError(message: string): BedrockError {
  return { status: 400, exception: 'ValidationException', message };
}

/** Bedrock-specific body rules, checked before the Messages API's own. */
function bedrockBodyProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Malformed input request: expected a JSON object, please reformat your input and try again.';
  const fields = body as Record<string, unknown>;
  for (const key of ['model', 'stream']) {
    if (key in fields) return `Malformed input request: #: extraneous key [${key}] is not permitted, please reformat your input and try again.`;
  }
  const version = fields['anthropic_version'];
  if (version === undefined) return 'Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.';
  if (version !== BEDROCK_ANTHROPIC_VERSION && !(typeof version === 'string' && API_VERSION_DATE.test(version))) {
    return `Malformed input request: #/anthropic_version: ${JSON.stringify(version)} is not a supported version (use ${BEDROCK_ANTHROPIC_VERSION} or an API version date), please reformat your input and try again.`;
  }
  return undefined;
}

function statusFor(outcome: Outcome, stream: boolean, rateLimited: boolean, midStreamErrorType: string): number {
  if (outcome === 'ok' || outcome === 'stall' || (outcome === 'midstream' && stream)) return 200;
  if (outcome === 'reset') return 0;
  if (outcome === 'html502') return 502;
  return bedrockErrorForOutcome(outcome, rateLimited, midStreamErrorType)?.status ?? 500;
}

export async function handleBedrockInvoke(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  modelSegment: string,
  stream: boolean,
): Promise<void> {
  const time = Date.now();
  const requestId = randomUUID();
  const id = parseBedrockModelId(modelSegment);
  const modelKey = id.ok ? scenarioModelKey(state.engine.currentScenario, id.value) : modelSegment;
  const reject = (outcome: '400' | '401' | '413', error: BedrockError, keyOk: boolean): void => {
    state.stats.record({ time, model: modelKey, outcome, status: error.status, requestId, stream, path, apiKeyOk: keyOk });
    sendBedrockError(res, error, requestId);
  };

  const auth = checkAuthorization(req, state.apiKey);
  if (!auth.ok) return reject('401', auth.error, false);
  if (!auth.keyOk) return reject('401', INVALID_KEY, false);
  if (req.method !== 'POST') return reject('400', validationError(`Method ${req.method ?? ''} is not supported; use POST.`), true);

  const body = await readBody(req);
  if (body.kind === 'aborted') return;
  if (body.kind === 'too_large') {
    res.setHeader('connection', 'close');
    return reject('413', validationError('Input is too long for requested model.'), true);
  }
  if (!id.ok) return reject('400', validationError(id.message), true);
  const json = parseJson(body.text);
  if (!json.ok) return reject('400', validationError(`Malformed input request: ${json.message}`), true);
  const problem = bedrockBodyProblem(json.value);
  if (problem) return reject('400', validationError(problem), true);
  const parsed = parseMessageRequest(json.value, { modelFromPath: id.value.anthropicId });
  if (!parsed.ok) return reject('400', validationError(`Malformed input request: ${parsed.message}`), true);
  const request = parsed.value;
  request.stream = stream;
  const unsupported = modelProblem(state, request, modelKey);
  if (unsupported) return reject('400', validationError(unsupported), true);

  const leave = state.engine.enter(modelKey);
  res.once('close', leave);
  const decision = state.engine.decide(modelKey, Date.now());
  const rateLimited = decision.requestsPerMinute !== undefined;
  state.stats.record({
    time,
    model: modelKey,
    outcome: decision.outcome,
    status: statusFor(decision.outcome, stream, rateLimited, decision.behavior.midStreamErrorType),
    requestId,
    stream,
    path,
    apiKeyOk: true,
    ...(decision.outcome === '429' && rateLimited ? { overLimit: true } : {}),
  });
  await respondToBedrockMessage({
    req,
    res,
    request,
    decision,
    requestId,
    lifecycle: state.lifecycle,
    rateLimitHeaders: {},
    promptCache: state.promptCache,
    credential: undefined,
    framing: bedrockFraming(time),
  });
}
