// The one message protocol between the broker (one request manager per user) and its clients
// (editor windows through vscode-languageclient, the CLI through vscode-jsonrpc). Both sides
// import this file; whatever arrives is untrusted and goes through the `parse…` functions here,
// which never throw and accept only the shapes below. The manager's own payloads (the request
// body, events, outcomes) travel generically: checked for their envelope here, validated in
// depth by the manager that receives them, so a change to core's types costs this file nothing.
import type { AnswerEvent, Answering, BreakerSnapshot, CountOutcome, ManagerEvent, Outcome, PassHeaders, Priority, RequestEvent, Route, StreamPart } from '../core/types';
import type { EndpointRequest } from './endpoint/endpointServer';
import { isRecord } from '../shared/isRecord';
import { safeClientLabel } from '../core/requestClient';
import { BREAKER_STATES } from '../shared/vocabulary';

/** Bumped on any incompatible change: a client and a broker of different versions use different sockets. */
export const BROKER_PROTOCOL_VERSION = 5;

/**
 * A request of the protocol: its method, parameters and result tied together at compile time
 * (as vscode-jsonrpc's RequestType does), with the validators for what arrives from the other
 * side: `params` on the broker, `result` on the client. A validator answers undefined for
 * anything it refuses (JSON never carries undefined, so a null result stays a result).
 */
export interface BrokerRequestType<P, R> {
  readonly method: string;
  readonly params: (value: unknown) => P | undefined;
  readonly result: (value: unknown) => R | undefined;
}

/** A notification of the protocol, with the validator for what arrives. */
export interface BrokerNotificationType<P> {
  readonly method: string;
  readonly params: (value: unknown) => P | undefined;
}

const orUndefined =
  <T>(parse: (value: unknown) => T | null) =>
  (value: unknown): T | undefined =>
    parse(value) ?? undefined;

/** 'endpoint': a window's own channel that holds the local endpoint (not counted as another window). */
export type ClientKind = 'window' | 'cli' | 'endpoint';

/** `initializationOptions` of the LSP `initialize` request every client sends first. */
export interface HelloOptions {
  readonly protocolVersion: number;
  readonly kind: ClientKind;
  /** For the broker's log: `resilient-claude-vscode/0.1.0`, `cli`. */
  readonly name: string;
  /** A fresh challenge the broker answers with its proof (peerProof.ts) before any credential is sent. */
  readonly challenge: string;
}

/** What the broker adds to the LSP InitializeResult. */
export interface BrokerHandshake {
  readonly broker: BrokerInfo;
  /** HMAC of the client's challenge with the key in the user's private folder. */
  readonly proof: string;
}

/** Added to the LSP InitializeResult as `broker`. */
export interface BrokerInfo {
  readonly pid: number;
  readonly protocolVersion: number;
  readonly startedAt: number;
  readonly clients: ClientCounts;
  /** The broker sends a request's AnswerEvents when its client asks (StreamParams.events); a broker
   *  without it sends only parts, and its clients rebuild the events from them. */
  readonly answerEvents?: boolean;
}

export interface ClientCounts {
  readonly windows: number;
  readonly clis: number;
}

/** A provider as configured, without its credential callbacks; `secretFields` names them. */
export interface WireProvider {
  readonly id: string;
  readonly secretFields: readonly string[];
  readonly [field: string]: unknown;
}

/** A ManagerConfig as JSON: no clock, no random, providers without functions. */
export interface WireManagerConfig {
  readonly providers: readonly WireProvider[];
  readonly [field: string]: unknown;
}

/** Per provider (same order as the config's), its credentials by field name, resolved by the client. */
export type ProviderSecrets = readonly Readonly<Record<string, string>>[];

export interface AttachParams {
  readonly config: WireManagerConfig;
  /** The history file the broker records this manager's traffic in (the one writer), or null for none. */
  readonly historyFile: string | null;
}

export interface AttachResult {
  readonly managerId: string;
  readonly breakers: readonly BreakerSnapshot[];
  readonly clients: ClientCounts;
  /** What the broker's validation changed in the configuration (same words as the in-process manager's). */
  readonly problems: readonly string[];
}

export interface StreamParams {
  readonly managerId: string;
  /** The Messages body, as the caller gave it to `manager.stream`. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly priority: Priority;
  readonly clientRequestId: string;
  readonly secrets: ProviderSecrets;
  /** The caller's anthropic-beta / anthropic-version, applied by the broker's manager to every attempt. */
  readonly headers?: PassHeaders;
  /** Which program sent the request (requestClient.ts), for the failure log; cut to a plain label on arrival. */
  readonly client?: string;
  /** The caller reads the API's events (RelayStream.events): the broker sends them
   *  (AnswerEventNotification), one a notification, and no parts. */
  readonly events?: boolean;
  /** The caller named the first model (SendOptions.namedModel): a 404 for it ends the request. */
  readonly namedModel?: boolean;
  /** The caller's query string for the Messages path (SendOptions.query): short names and values. */
  readonly query?: Readonly<Record<string, string>>;
}

/** A client's own credentials, per provider of its manager as a request carries them: the broker
 *  names them (an HMAC) so the holds on them show in this client's breakers, and keeps nothing else. */
export interface CredentialsParams {
  readonly managerId: string;
  readonly secrets: ProviderSecrets;
}

export interface ResetParams {
  readonly managerId: string;
  readonly route: Route | null;
}

export interface PartParams {
  readonly clientRequestId: string;
  readonly part: StreamPart;
}

export interface AnswerEventParams {
  readonly clientRequestId: string;
  readonly event: AnswerEvent;
}

export interface RequestEventParams {
  readonly clientRequestId: string;
  readonly event: RequestEvent;
}

export interface AnsweringParams {
  readonly clientRequestId: string;
  readonly answering: Answering;
}

export interface EventParams {
  readonly managerId: string;
  readonly event: ManagerEvent;
}

export interface BreakersParams {
  readonly managerId: string;
  readonly breakers: readonly BreakerSnapshot[];
}

/**
 * A window that wants the local endpoint (hosted by the broker, one per user): the port it wishes
 * (0: any), and what serves requests that present the endpoint's token — the window's chain and
 * providers with their credentials, resolved in the window (kept by the broker in memory only,
 * replaced when the window sends new ones, dropped when it leaves).
 */
export interface EndpointWantParams {
  readonly port: number;
  /** The window's configuration; its `models` is the chain a token request falls back along. */
  readonly config: WireManagerConfig;
  readonly secrets: ProviderSecrets;
  /** Anthropic's API (or the user's gateway), where clients' own credentials are used. */
  readonly upstreamBaseUrl: string;
  /** The history file the broker records the endpoint's traffic in, or null for none. */
  readonly historyFile: string | null;
  /** The port this window's terminals hold (it ran the endpoint itself while the broker was
   *  unreachable): tried first when the endpoint starts for `port` 0. */
  readonly heldPort?: number;
}

/** Where the endpoint listens (the same for every window), or why it could not start. */
export type EndpointWantResult =
  | { readonly ok: true; readonly url: string; readonly port: number; readonly tokenFile: string }
  | { readonly ok: false; readonly message: string };

export interface EndpointEventParams {
  readonly event: ManagerEvent;
}

// ---------------------------------------------------------------------------------------
// Validators: each returns the value or null; none throws.

const MAX_ID = 128;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const PRIORITIES: readonly Priority[] = ['interactive', 'background'];

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isNumberOrNull(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

export function parseHelloOptions(value: unknown): HelloOptions | null {
  if (!isRecord(value)) return null;
  const { protocolVersion, kind, name, challenge } = value;
  if (typeof protocolVersion !== 'number' || (kind !== 'window' && kind !== 'cli' && kind !== 'endpoint') || typeof name !== 'string' || name.length > 200) return null;
  if (typeof challenge !== 'string' || !/^[0-9a-f]{64}$/.test(challenge)) return null;
  return { protocolVersion, kind, name, challenge };
}

/** The InitializeResult of a connection the broker does not serve (connectionRefusal.ts): why. An
 *  answer rather than an error, so a window's language client shows no popup of its own. */
export interface BrokerRefusal {
  readonly refused: string;
}

/** Why the broker refused this connection, or null when it did not. */
export function parseRefusal(value: unknown): string | null {
  if (!isRecord(value)) return null;
  const refused = value['refused'];
  return typeof refused === 'string' && refused.length > 0 && refused.length <= 500 ? refused : null;
}

/** The broker's part of an InitializeResult: who it is and its proof. */
export function parseHandshake(value: unknown): BrokerHandshake | null {
  if (!isRecord(value)) return null;
  const broker = parseBrokerInfo(value['broker']);
  const proof = value['proof'];
  if (!broker || typeof proof !== 'string' || proof.length > 128) return null;
  return { broker, proof };
}

export function parseClientCounts(value: unknown): ClientCounts | null {
  if (!isRecord(value) || !isCount(value['windows']) || !isCount(value['clis'])) return null;
  return { windows: value['windows'], clis: value['clis'] };
}

export function parseBrokerInfo(value: unknown): BrokerInfo | null {
  if (!isRecord(value)) return null;
  const clients = parseClientCounts(value['clients']);
  const { pid, protocolVersion, startedAt } = value;
  if (!clients || !isCount(pid) || typeof protocolVersion !== 'number' || typeof startedAt !== 'number') return null;
  return { pid, protocolVersion, startedAt, clients, ...(value['answerEvents'] === true ? { answerEvents: true } : {}) };
}

function parseWireProvider(value: unknown): WireProvider | null {
  if (!isRecord(value) || typeof value['id'] !== 'string') return null;
  const fields = value['secretFields'];
  if (!Array.isArray(fields) || !fields.every((f) => typeof f === 'string' && FIELD_NAME.test(f))) return null;
  return { ...value, id: value['id'], secretFields: fields as string[] };
}

export function parseWireConfig(value: unknown): WireManagerConfig | null {
  if (!isRecord(value) || !Array.isArray(value['providers']) || value['providers'].length === 0) return null;
  const providers = value['providers'].map(parseWireProvider);
  if (providers.some((p) => p === null)) return null;
  return { ...value, providers: providers as WireProvider[] };
}

export function parseAttachParams(value: unknown): AttachParams | null {
  if (!isRecord(value)) return null;
  const config = parseWireConfig(value['config']);
  const historyFile = value['historyFile'];
  if (!config || (historyFile !== null && (typeof historyFile !== 'string' || historyFile === ''))) return null;
  return { config, historyFile };
}

export function parseAttachResult(value: unknown): AttachResult | null {
  if (!isRecord(value) || !isId(value['managerId'])) return null;
  const breakers = parseBreakers(value['breakers']);
  const clients = parseClientCounts(value['clients']);
  const problems = value['problems'];
  if (!breakers || !clients || !Array.isArray(problems) || !problems.every((p) => typeof p === 'string')) return null;
  return { managerId: value['managerId'], breakers, clients, problems };
}

function parseSecrets(value: unknown): ProviderSecrets | null {
  if (!Array.isArray(value)) return null;
  for (const entry of value) {
    if (!isRecord(entry)) return null;
    for (const [name, secret] of Object.entries(entry)) if (!FIELD_NAME.test(name) || typeof secret !== 'string') return null;
  }
  return value as ProviderSecrets;
}

const PASS_HEADER_NAMES: readonly string[] = ['anthropic-beta', 'anthropic-version'];
/** A header value HTTP can carry: no control characters (CR, LF, NUL…), bounded. */
const HEADER_VALUE = /^[^\x00-\x08\x0a-\x1f\x7f]{1,4096}$/;

/** Only anthropic-beta and anthropic-version, each a header value: never a credential or another header. */
function parsePassHeaders(value: unknown): PassHeaders | null {
  if (!isRecord(value)) return null;
  const headers: Record<string, string> = {};
  for (const [name, text] of Object.entries(value)) {
    if (!PASS_HEADER_NAMES.includes(name) || typeof text !== 'string' || !HEADER_VALUE.test(text)) return null;
    headers[name] = text;
  }
  return headers;
}

/** A request's query string as a broker takes it: a few short names and values; anything else is dropped. */
function queryOf(value: unknown): { readonly query?: Readonly<Record<string, string>> } {
  if (!isRecord(value)) return {};
  const entries = Object.entries(value);
  const plain = entries.length <= 8 && entries.every(([name, text]) => /^[\w.-]{1,64}$/.test(name) && typeof text === 'string' && text.length <= 256);
  return plain && entries.length > 0 ? { query: Object.fromEntries(entries) as Record<string, string> } : {};
}

export function parseStreamParams(value: unknown): StreamParams | null {
  if (!isRecord(value) || !isId(value['managerId']) || !isRecord(value['request'])) return null;
  const priority = value['priority'];
  const secrets = parseSecrets(value['secrets']);
  if (!PRIORITIES.includes(priority as Priority) || !isId(value['clientRequestId']) || !secrets) return null;
  const headers = value['headers'] === undefined ? undefined : parsePassHeaders(value['headers']);
  if (headers === null) return null;
  // A label that is no plain name is dropped, not the request (it only names the sender in the failure log).
  const client = safeClientLabel(value['client']);
  const parsed = { managerId: value['managerId'], request: value['request'], priority: priority as Priority, clientRequestId: value['clientRequestId'], secrets };
  return { ...parsed, ...(headers === undefined ? {} : { headers }), ...(client === null ? {} : { client }), ...(value['events'] === true ? { events: true } : {}), ...(value['namedModel'] === true ? { namedModel: true } : {}), ...queryOf(value['query']) };
}

function parseRoute(value: unknown): Route | null {
  if (!isRecord(value) || typeof value['provider'] !== 'string' || typeof value['model'] !== 'string') return null;
  return { provider: value['provider'] as Route['provider'], model: value['model'] };
}

export function parseCredentialsParams(value: unknown): CredentialsParams | null {
  if (!isRecord(value) || !isId(value['managerId'])) return null;
  const secrets = parseSecrets(value['secrets']);
  return secrets ? { managerId: value['managerId'], secrets } : null;
}

export function parseResetParams(value: unknown): ResetParams | null {
  if (!isRecord(value) || !isId(value['managerId'])) return null;
  const route = value['route'] === null ? null : parseRoute(value['route']);
  if (value['route'] !== null && route === null) return null;
  return { managerId: value['managerId'], route };
}

function parsePart(value: unknown): StreamPart | null {
  if (!isRecord(value)) return null;
  switch (value['type']) {
    case 'text':
      return typeof value['text'] === 'string' ? { type: 'text', text: value['text'] } : null;
    case 'thinking':
      return typeof value['thinking'] === 'string' ? { type: 'thinking', thinking: value['thinking'] } : null;
    case 'tool_use':
      return typeof value['id'] === 'string' && typeof value['name'] === 'string' && 'input' in value
        ? { type: 'tool_use', id: value['id'], name: value['name'], input: value['input'] }
        : null;
    default:
      return null;
  }
}

export function parsePartParams(value: unknown): PartParams | null {
  if (!isRecord(value) || !isId(value['clientRequestId'])) return null;
  const part = parsePart(value['part']);
  return part ? { clientRequestId: value['clientRequestId'], part } : null;
}

const NOTICE_TYPES: readonly string[] = ['recovered', 'ended_at_tool_use', 'incomplete'];

/** An event of an answer: the API's (an object with a string `type`; its fields are the API's) or
 *  a manager notice (a known type, its words, and an error to relay when it has one). */
function parseAnswerEvent(value: unknown): AnswerEvent | null {
  if (!isRecord(value)) return null;
  if (value['source'] === 'api') {
    const event = value['event'];
    return isRecord(event) && typeof event['type'] === 'string' ? (value as unknown as AnswerEvent) : null;
  }
  const notice = value['notice'];
  if (value['source'] !== 'manager' || !isRecord(notice) || !NOTICE_TYPES.includes(notice['type'] as string) || typeof notice['message'] !== 'string') return null;
  const error = notice['error'];
  if (error !== undefined && (!isRecord(error) || typeof error['type'] !== 'string' || typeof error['message'] !== 'string')) return null;
  return value as unknown as AnswerEvent;
}

export function parseAnswerEventParams(value: unknown): AnswerEventParams | null {
  if (!isRecord(value) || !isId(value['clientRequestId'])) return null;
  const event = parseAnswerEvent(value['event']);
  return event ? { clientRequestId: value['clientRequestId'], event } : null;
}

/** The envelope of one request's event: its request's id, a known `type` and a time; the rest is the manager's. */
export function parseRequestEventParams(value: unknown): RequestEventParams | null {
  if (!isRecord(value) || !isId(value['clientRequestId'])) return null;
  const event = value['event'];
  if (!isRecord(event) || typeof event['type'] !== 'string' || typeof event['time'] !== 'number') return null;
  return { clientRequestId: value['clientRequestId'], event: event as unknown as RequestEvent };
}

/** Which attempt answers a request: its route and the server's request id (or null). */
export function parseAnsweringParams(value: unknown): AnsweringParams | null {
  if (!isRecord(value) || !isId(value['clientRequestId']) || !isRecord(value['answering'])) return null;
  const answering = value['answering'];
  const route = parseRoute(answering);
  const requestId = answering['requestId'];
  if (route === null || (requestId !== null && typeof requestId !== 'string')) return null;
  return { clientRequestId: value['clientRequestId'], answering: { requestId, provider: route.provider, model: route.model } };
}

/** The envelope of a manager event: a known `type` and a time; the rest is the manager's. */
export function parseEventParams(value: unknown): EventParams | null {
  if (!isRecord(value) || !isId(value['managerId'])) return null;
  const event = value['event'];
  if (!isRecord(event) || typeof event['type'] !== 'string' || typeof event['time'] !== 'number') return null;
  return { managerId: value['managerId'], event: event as unknown as ManagerEvent };
}

function parseBreaker(value: unknown): BreakerSnapshot | null {
  if (!isRecord(value) || typeof value['provider'] !== 'string' || typeof value['model'] !== 'string') return null;
  if (!(BREAKER_STATES as readonly unknown[]).includes(value['state']) || typeof value['since'] !== 'number') return null;
  if (!isNumberOrNull(value['nextProbeAt']) || !isCount(value['consecutiveFailures'])) return null;
  return value as unknown as BreakerSnapshot;
}

export function parseBreakers(value: unknown): BreakerSnapshot[] | null {
  if (!Array.isArray(value)) return null;
  const breakers = value.map(parseBreaker);
  return breakers.some((b) => b === null) ? null : (breakers as BreakerSnapshot[]);
}

export function parseBreakersParams(value: unknown): BreakersParams | null {
  if (!isRecord(value) || !isId(value['managerId'])) return null;
  const breakers = parseBreakers(value['breakers']);
  return breakers ? { managerId: value['managerId'], breakers } : null;
}

/** The envelope of an outcome: ok, the request's id, its text and attempts; the rest is the manager's. */
export function parseOutcome(value: unknown): Outcome | null {
  if (!isRecord(value) || typeof value['ok'] !== 'boolean' || !isId(value['clientRequestId'])) return null;
  if (typeof value['text'] !== 'string' || !Array.isArray(value['attempts'])) return null;
  if (value['ok'] === false && (!isRecord(value['error']) || typeof value['error']['class'] !== 'string')) return null;
  return value as unknown as Outcome;
}

/** The envelope of a count's outcome: ok, the request's id and attempts, the API's answer or an error. */
export function parseCountOutcome(value: unknown): CountOutcome | null {
  if (!isRecord(value) || typeof value['ok'] !== 'boolean' || !isId(value['clientRequestId']) || !Array.isArray(value['attempts'])) return null;
  if (value['ok'] === true && (!isRecord(value['answer']) || typeof value['model'] !== 'string')) return null;
  if (value['ok'] === false && (!isRecord(value['error']) || typeof value['error']['class'] !== 'string')) return null;
  return value as unknown as CountOutcome;
}

function isPort(value: unknown): value is number {
  return isCount(value) && value <= 65_535;
}

const LOOPBACK_URL = /^http:\/\/127\.0\.0\.1:\d{1,5}$/;

export function parseEndpointWantParams(value: unknown): EndpointWantParams | null {
  if (!isRecord(value) || !isPort(value['port'])) return null;
  const config = parseWireConfig(value['config']);
  const secrets = parseSecrets(value['secrets']);
  const { upstreamBaseUrl, historyFile } = value;
  if (!config || !secrets || secrets.length !== config.providers.length) return null;
  if (typeof upstreamBaseUrl !== 'string' || !/^https?:\/\//.test(upstreamBaseUrl) || upstreamBaseUrl.length > 2048) return null;
  if (historyFile !== null && (typeof historyFile !== 'string' || historyFile === '')) return null;
  const heldPort = value['heldPort'];
  if (heldPort !== undefined && (!isPort(heldPort) || heldPort === 0)) return null;
  return { port: value['port'], config, secrets, upstreamBaseUrl, historyFile, ...(heldPort !== undefined ? { heldPort } : {}) };
}

export function parseEndpointWantResult(value: unknown): EndpointWantResult | null {
  if (!isRecord(value)) return null;
  if (value['ok'] === false) return typeof value['message'] === 'string' ? { ok: false, message: value['message'] } : null;
  const { url, port, tokenFile } = value;
  if (value['ok'] !== true || typeof url !== 'string' || !LOOPBACK_URL.test(url) || !isPort(port) || typeof tokenFile !== 'string' || tokenFile === '') return null;
  return { ok: true, url, port, tokenFile };
}

/** One request the endpoint answered: who sent it (a label, never a credential), what and how it ended. */
export function parseEndpointRequest(value: unknown): EndpointRequest | null {
  if (!isRecord(value)) return null;
  const { client, method, path, status, model, attempts, ms } = value;
  if (typeof client !== 'string' || client.length > 200 || typeof method !== 'string' || method.length > 20 || typeof path !== 'string' || path.length > 2048) return null;
  if (!isCount(status) || (model !== null && typeof model !== 'string') || !isCount(attempts) || typeof ms !== 'number' || !Number.isFinite(ms)) return null;
  return { client, method, path, status, model, attempts, ms };
}

export function parseEndpointEventParams(value: unknown): EndpointEventParams | null {
  if (!isRecord(value)) return null;
  const event = value['event'];
  if (!isRecord(event) || typeof event['type'] !== 'string' || typeof event['time'] !== 'number') return null;
  return { event: event as unknown as ManagerEvent };
}

// ---------------------------------------------------------------------------------------
// The messages (declared after their validators).

/** client → broker: join a manager (created for this configuration if none runs). */
export const AttachRequest: BrokerRequestType<AttachParams, AttachResult> = {
  method: 'resilientClaude/attach',
  params: orUndefined(parseAttachParams),
  result: orUndefined(parseAttachResult),
};

/** client → broker: run one request on the manager; the result is its Outcome. Cancel with $/cancelRequest. */
export const StreamRequest: BrokerRequestType<StreamParams, Outcome> = {
  method: 'resilientClaude/stream',
  params: orUndefined(parseStreamParams),
  result: orUndefined(parseOutcome),
};

/** client → broker: count a body's tokens on the manager (its `request`); the result is the count's outcome. */
export const CountTokensRequest: BrokerRequestType<StreamParams, CountOutcome> = {
  method: 'resilientClaude/countTokens',
  params: orUndefined(parseStreamParams),
  result: orUndefined(parseCountOutcome),
};

/** client → broker: these credentials are mine (CredentialsParams); answers the manager's breakers with their holds. */
export const CredentialsRequest: BrokerRequestType<CredentialsParams, BreakerSnapshot[]> = {
  method: 'resilientClaude/credentials',
  params: orUndefined(parseCredentialsParams),
  result: orUndefined(parseBreakers),
};

/** client → broker: reset breakers (one route or all). */
export const ResetBreakersRequest: BrokerRequestType<ResetParams, null> = {
  method: 'resilientClaude/resetBreakers',
  params: orUndefined(parseResetParams),
  result: (value) => (value === null ? null : undefined),
};

/**
 * client → broker: are you still answering? Sent while requests are in flight; the broker answers at
 * once from its event loop, so only a frozen (stopped, hung) broker leaves it unanswered. An older
 * broker's "method not found" is an answer too.
 */
export const PingRequest: BrokerRequestType<null, null> = {
  method: 'resilientClaude/ping',
  params: (value) => (value === null || value === undefined ? null : undefined),
  result: (value) => (value === null ? null : undefined),
};

/** broker → client: a part (text, thinking, a complete tool call) of one of this client's requests, in order. */
export const PartNotification: BrokerNotificationType<PartParams> = { method: 'resilientClaude/part', params: orUndefined(parsePartParams) };

/** broker → client: an event of the answer of one of this client's requests that asked for them
 *  (StreamParams.events), in order: the API's as the broker's manager relays them, and its notices. */
export const AnswerEventNotification: BrokerNotificationType<AnswerEventParams> = { method: 'resilientClaude/answerEvent', params: orUndefined(parseAnswerEventParams) };

/** broker → client: an event of one of this client's requests, as it happens (all of them before the request's answer). */
export const RequestEventNotification: BrokerNotificationType<RequestEventParams> = { method: 'resilientClaude/requestEvent', params: orUndefined(parseRequestEventParams) };

/** broker → client: which attempt answers one of this client's requests (SendOptions.onAnswering), before its first part. */
export const AnsweringNotification: BrokerNotificationType<AnsweringParams> = { method: 'resilientClaude/answering', params: orUndefined(parseAnsweringParams) };

/** broker → client: an event of a manager the client is attached to (every client's traffic: status bar, history). */
export const EventNotification: BrokerNotificationType<EventParams> = { method: 'resilientClaude/event', params: orUndefined(parseEventParams) };

/** broker → client: the manager's breakers after a change (sent before the matching event). */
export const BreakersNotification: BrokerNotificationType<BreakersParams> = { method: 'resilientClaude/breakers', params: orUndefined(parseBreakersParams) };

/** broker → client: how many clients share the broker. */
export const ClientsNotification: BrokerNotificationType<ClientCounts> = { method: 'resilientClaude/clients', params: orUndefined(parseClientCounts) };

/**
 * client → broker: this window wants the local endpoint. The first such request starts it (on the
 * wished port; one that is taken is said so in the result); later ones get the same URL. Sent
 * again whenever the window's settings or credentials change: the credentials of the latest
 * window that has one serve token requests. The endpoint runs while a connected window wants it.
 */
export const EndpointWantRequest: BrokerRequestType<EndpointWantParams, EndpointWantResult> = {
  method: 'resilientClaude/endpoint/want',
  params: orUndefined(parseEndpointWantParams),
  result: orUndefined(parseEndpointWantResult),
};

/** client → broker: this window no longer wants the endpoint (the setting turned off); leaving does the same. */
export const EndpointReleaseRequest: BrokerRequestType<null, null> = {
  method: 'resilientClaude/endpoint/release',
  params: (value) => (value === null || value === undefined ? null : undefined),
  result: (value) => (value === null ? null : undefined),
};

/** broker → client (windows that want the endpoint): one request the endpoint answered, labelled by client. */
export const EndpointRequestNotification: BrokerNotificationType<EndpointRequest> = { method: 'resilientClaude/endpoint/request', params: orUndefined(parseEndpointRequest) };

/** broker → client (windows that want the endpoint): an event of the endpoint's managers (status bar, 529 history, failures). */
export const EndpointEventNotification: BrokerNotificationType<EndpointEventParams> = { method: 'resilientClaude/endpoint/event', params: orUndefined(parseEndpointEventParams) };
