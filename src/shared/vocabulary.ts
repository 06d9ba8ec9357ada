// The words every layer speaks: error classes, providers, breaker states and the
// model-id shape. Types and constants only, no logic and no imports, so core,
// history, the webview protocol, the broker and the settings share one copy.

/** The error taxonomy: one classifier maps every failure to exactly one class. */
export const ERROR_CLASSES = [
  'overloaded',
  'rate_limited',
  'spend_limit',
  'transient',
  'timeout',
  'auth',
  'bad_request',
  'canceled',
  'unreachable',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

/** Providers in their default failover order. */
export const PROVIDERS = ['anthropic', 'bedrock', 'vertex'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

/** How each provider is named to a person, in full (messages, errors, the route in the log). */
export const PROVIDER_NAMES: Readonly<Record<ProviderId, string>> = {
  anthropic: 'Anthropic',
  bedrock: 'Amazon Bedrock',
  vertex: 'Google Vertex AI',
};

/** …and where space is short: the status bar, the breaker list, "Sonnet via Bedrock". */
export const PROVIDER_SHORT_NAMES: Readonly<Record<ProviderId, string>> = {
  anthropic: 'Anthropic',
  bedrock: 'Bedrock',
  vertex: 'Vertex AI',
};

export const BREAKER_STATES = ['closed', 'half_open', 'open'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

/** A model id as the API, Bedrock (`global.anthropic.…:0`) or a gateway spells it. */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;

export type Priority = 'interactive' | 'background';

/** The overall indicator of a statuspage.io summary (status.claude.com). */
export type StatusIndicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

/** One open incident of the status page, as the panel shows it. */
export interface StatusIncident {
  readonly name: string;
  /** investigating, identified, monitoring, … */
  readonly status: string;
  /** none, minor, major, critical */
  readonly impact: string;
  /** The incident's public page, when the summary gives an http(s) link. */
  readonly url: string | null;
  readonly updatedAt: string | null;
}
