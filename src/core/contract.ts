// The request manager's configuration and interface (implemented in requestManager.ts).
import type {
  BreakerSnapshot,
  ClaudeRequest,
  CountOutcome,
  ManagerEvent,
  Outcome,
  ProviderId,
  RelayStream,
  RequestStream,
  Route,
  SendOptions,
} from './types';

/** The request a credential is asked for (the local endpoint serves each request with its own client's). */
export interface CredentialRequest {
  readonly clientRequestId: string;
}

export interface ProviderConfig {
  readonly id: ProviderId;
  /** For 'anthropic': defaults to the SDK's default base URL. */
  readonly baseURL?: string;
  /** Called per attempt so a key change applies at once. Never logged. */
  readonly apiKey?: (request?: CredentialRequest) => string | undefined | Promise<string | undefined>;
  /** Anthropic: a bearer token sent as `Authorization: Bearer` instead of an API key (a client's own
   *  login relayed by the local endpoint); when it resolves, it is used and `apiKey` is not. Never logged. */
  readonly authToken?: (request?: CredentialRequest) => string | undefined | Promise<string | undefined>;
  /** Extra headers (machine-scoped setting). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Vertex: project and region; Bedrock: region. */
  readonly projectId?: string;
  readonly region?: string;
  /** Bedrock: AWS keys for SigV4 signing, called per attempt like `apiKey`. Never logged.
   *  (For Bedrock, `apiKey` is a Bedrock API key and takes precedence.) */
  readonly awsAccessKeyId?: (request?: CredentialRequest) => string | undefined | Promise<string | undefined>;
  readonly awsSecretAccessKey?: (request?: CredentialRequest) => string | undefined | Promise<string | undefined>;
  readonly awsSessionToken?: (request?: CredentialRequest) => string | undefined | Promise<string | undefined>;
  /** Bedrock: a profile of the AWS shared config files for the default credential chain
   *  (used when no key is stored); unset = the default chain (environment, default profile, SSO, roles). */
  readonly awsProfile?: string;
  /** false: no default chain (environment, ~/.aws, ADC, metadata) — only what the callbacks give.
   *  The broker sets it: each request brings its client's own credentials, none are lent. */
  readonly ambientCredentials?: boolean;
  /** API model id → the provider's model id. Bedrock: unmapped ids become `global.anthropic.<id>`;
   *  Vertex: unmapped ids are sent as they are. */
  readonly modelIds?: Readonly<Record<string, string>>;
  /** Anthropic: the fetch its SDK client sends with (default: node:http with keep-alive,
   *  nodeFetch.ts); a benchmark gives one that answers from memory. */
  readonly fetch?: typeof fetch;
}

export interface RetryConfig {
  /** Attempts per request across all routes. */
  readonly maxAttempts: number;
  /** Attempts on one route before falling back. */
  readonly maxAttemptsPerRoute: number;
  /** Whole-request deadline. */
  readonly deadlineMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A `retry-after` above this makes the request fall back instead of sleeping. */
  readonly retryAfterCapMs: number;
  /** The longest a rate-limit hint may hold a route (default 60 s); longer hints are capped. */
  readonly holdCapMs?: number;
  /** Jitter of the exponential backoff; 'full' when absent. */
  readonly jitter?: 'full' | 'decorrelated';
}

export interface BreakerConfig {
  /** Consecutive overload/transient failures that open the breaker. */
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly maxOpenMs: number;
}

export interface BudgetConfig {
  /** Retries may be at most this fraction of requests on a route (e.g. 0.2). */
  readonly ratio: number;
  /** Retries always allowed per window regardless of ratio (a single user's low rate). */
  readonly minRetries: number;
  readonly windowMs: number;
}

/** Pacing ahead of rate limits (policies/tierPacer.ts). */
export interface PacingConfig {
  /** 'proactive': never send past a limit the headers announce (requests in flight counted), wait for its reset;
   *  'reactive': only hold once a limit is spent or a 429 asks. */
  readonly mode: 'proactive' | 'reactive';
  /** Fraction of each limit background work may use (0 < share ≤ 1); interactive work may use the rest, its
   *  requests above the share spaced to the reset (one whose slot is not due takes another route that has room). */
  readonly share: number;
}

export interface HedgeBudgetConfig {
  /** Hedged requests may be at most this fraction of a route's requests in the window (e.g. 0.05). */
  readonly ratio: number;
  /** Hedges always allowed per window regardless of ratio (a single user's low rate). */
  readonly minPerWindow: number;
  readonly windowMs: number;
}

/** Tail latency: hedging a slow first token and cutting a stalled stream. */
export interface TailConfig {
  /** Start a second attempt when the first shows no content past its threshold. */
  readonly hedge: boolean;
  /** Never hedge sooner than this after an attempt started. */
  readonly hedgeFloorMs: number;
  /** The threshold is this many times the route's high quantile of time to first token. */
  readonly hedgeFactor: number;
  /** The threshold while a route has too few answers to learn from. */
  readonly hedgeColdMs: number;
  readonly hedgeBudget: HedgeBudgetConfig;
  /** A body that sends not one byte after the headers is cut after this long on a route whose bodies
   *  are learned to start with their headers (high quantile × hedgeFactor within this); elsewhere,
   *  and until learned, after twice the hedge threshold (at least 500 ms). */
  readonly firstByteFloorMs: number;
  /** Once content flows, silence is never cut sooner than this (above the API's ping cadence). */
  readonly stallFloorMs: number;
  /** Once content flows, silence of this many times the stream's own gaps is a stall. */
  readonly stallGapMultiple: number;
}

export interface ManagerConfig {
  /** Ordered chain of models: primary first, then fallbacks. */
  readonly models: readonly string[];
  /** Ordered providers: each model is tried on each provider in this order. */
  readonly providers: readonly ProviderConfig[];
  readonly retry: RetryConfig;
  /** Default: proactive at 80% of the tier. */
  readonly pacing?: PacingConfig;
  readonly breaker: BreakerConfig;
  readonly budget: BudgetConfig;
  /** Max concurrent attempts in flight. */
  readonly concurrency: number;
  /** No response headers within this → timeout class. */
  readonly headersTimeoutMs: number;
  /** No body bytes (pings count) for this long after headers, before any content → timeout class. */
  readonly idleTimeoutMs: number;
  /** Hedging and the stall watchdog once content flows; defaults apply when absent. */
  readonly tail?: TailConfig;
  /** Injected for tests; defaults to Date.now / Math.random / setTimeout. */
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Observability hook for user-agent strings in reports. */
  readonly clientName?: string;
  /** How long a model the API answered 404 for stays skipped (default 10 min). */
  readonly unknownModelTtlMs?: number;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fire` after `ms` unless the returned cancel runs first (optional: a clock without it
   *  is driven through `sleep`; see `scheduleOn` in clock.ts). */
  timer?(ms: number, fire: () => void): () => void;
}

export interface RequestManager {
  send(request: ClaudeRequest, options?: SendOptions): Promise<Outcome>;
  stream(request: ClaudeRequest, options?: SendOptions): RequestStream;
  /** Subscribe to every request's events and the routes' (breakers, holds): the status bar's and the history's
   *  feed. A caller that follows one request passes `onEvent` in its SendOptions instead. Returns an unsubscribe. */
  onEvent(listener: (event: ManagerEvent) => void): () => void;
  breakers(): BreakerSnapshot[];
  resetBreakers(route?: Route): void;
  /** Apply new settings without losing breaker/budget state for unchanged routes. */
  updateConfig(config: ManagerConfig): void;
  dispose(): void;
}

/**
 * A manager on shared route state (the broker's) shows the rate-limit holds of the credentials
 * its requests used. A client that has sent nothing yet claims its own credentials, so the holds
 * other clients met on them show in its view (breakers(), hold events) at once.
 */
export interface CredentialClaims {
  /** The credentials the providers' callbacks name for `request` are `claimant`'s (replacing its
   *  earlier claim; with `add`, beside it: the credentials of one of its requests). Resolves whether its claim changed. */
  claimCredentials(claimant: string, request: CredentialRequest, add?: boolean): Promise<boolean>;
  /** The claimant is gone (or its credentials are): its claim no longer counts. */
  releaseCredentials(claimant: string): void;
  /** The breakers as the claimant sees them: the holds on the route and on its own credentials
   *  (before it has claimed any, the manager's `breakers()`). */
  breakersOf(claimant: string): BreakerSnapshot[];
}

/** Core's own manager (the broker's and the CLI's): its streams also hand on the API's events. */
export interface RelayManager extends RequestManager {
  stream(request: ClaudeRequest, options?: SendOptions): RelayStream;
  /** POST /v1/messages/count_tokens with the caller's body, through the routes and breakers (tokenCount.ts). Never rejects. */
  countTokens(body: Readonly<Record<string, unknown>>, options?: SendOptions): Promise<CountOutcome>;
}
