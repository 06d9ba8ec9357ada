// What one request's run is given: the manager's long-lived state and settings, and the
// caller's side of this request (its signal, priority, id and where its parts go).
import type { Clock, ManagerConfig } from './contract';
import type { ConcurrencyLimiter } from './policies/limiter';
import type { ProviderClients } from './providers';
import type { RouteState } from './routeState';
import type { TailState } from './tailState';
import type { Answering, RequestEvent, PassHeaders, Priority } from './types';
import type { RelayItem, RelayView } from './answerRelay';

export interface RunDependencies {
  readonly config: ManagerConfig;
  readonly clock: Clock;
  readonly random: () => number;
  readonly routes: RouteState;
  readonly limiter: ConcurrencyLimiter;
  readonly clients: ProviderClients;
  /** Where the run's events go: the request's own listener and the manager's bus. */
  readonly emit: (event: RequestEvent) => void;
  /** Every configured secret value (keys, tokens), scrubbed from whatever a server sends back. */
  readonly secrets?: () => readonly string[];
  /** First-token learning, hedge budgets and counts per route; no hedging without it. */
  readonly tail?: TailState;
  /** The clock of an attempt's own timers (headers, stall, hedge); the real one unless a test injects one. */
  readonly attemptClock?: Clock;
}

export interface RunOptions {
  readonly signal: AbortSignal;
  readonly priority: Priority;
  readonly clientRequestId: string;
  /** Each event handed on to the caller (with the typed part it makes). */
  readonly onItem: (item: RelayItem) => void;
  /** What the caller reads (what a broken stream may still redo depends on it). */
  readonly view: () => RelayView;
  /** The caller's anthropic-beta / anthropic-version, sent with every attempt. */
  readonly headers?: PassHeaders;
  /** Told which attempt answers, when it claims the first content (SendOptions.onAnswering). */
  readonly onAnswering?: (answering: Answering) => void;
  /** The caller named the first model (SendOptions.namedModel): a 404 for it ends the request. */
  readonly namedModel?: boolean;
  /** The caller's query string for the Anthropic API's attempts (SendOptions.query). */
  readonly query?: Readonly<Record<string, string>>;
}
