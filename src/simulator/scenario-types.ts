import type { BatchBehavior } from './batch-types';
// The scenario language of the simulator: what each model does, when, and what
// the status page says. See docs/SCENARIOS.md for the prose version.

/** One scripted outcome, as used in `sequence` and as the outcome keys in stats. */
export type Outcome =
  | 'ok'
  | '529'
  | '429'
  | '500'
  | '502'
  | '503'
  | '504'
  | 'spend'
  | 'html502'
  | 'reset'
  | 'stall'
  | 'midstream'
  | '401'
  | '404'
  | '413';

export const OUTCOMES: readonly Outcome[] = [
  'ok',
  '529',
  '429',
  '500',
  '502',
  '503',
  '504',
  'spend',
  'html502',
  'reset',
  'stall',
  'midstream',
  '401',
  '404',
  '413',
];

export interface RateLimitBehavior {
  requestsPerMinute: number;
  retryAfterS?: number;
  /** The credentials (API keys or bearer tokens) this limit applies to, each counted in a window
   *  of its own, as the API counts per organization; others are not limited. Absent: every
   *  request, in one window. */
  keys?: string[];
}

export interface ModelBehavior {
  latencyMs?: number;
  ttftMs?: number;
  tokensPerSecond?: number;
  outputTokens?: number;
  capacity?: number;
  rateLimit?: RateLimitBehavior;
  p529?: number;
  p429?: number;
  retryAfterS?: number;
  p500?: number;
  p502?: number;
  p503?: number;
  p504?: number;
  pSpendLimit?: number;
  pHtml502?: number;
  pReset?: number;
  pStall?: number;
  pMidStreamError?: number;
  midStreamAfterTokens?: number;
  midStreamErrorType?: string;
  unknown?: boolean;
  deprecated?: boolean;
  sequence?: Outcome[];
  /** Time from the first content block's readiness: extra ms per input token (slow prefill). */
  ttftPerInputTokenMs?: number;
  /** Upper bound of the whole time to first token, in ms. */
  ttftMaxMs?: number;
  /** While a stream waits for content (first token, pauses), an SSE `ping` every this many ms. */
  pingIntervalMs?: number;
  /** Streams pause for `pauseMs` (pinging) after this many content deltas. */
  pauseAfterTokens?: number;
  pauseMs?: number;
  /** Which block a mid-stream error cuts: `midStreamAfterTokens` counts that block's deltas. */
  midStreamBlock?: MidStreamBlock;
  /** With `tools` in the request and tool_choice auto: call the first tool (or the marked ones). */
  useTools?: boolean;
  /** Overrides the catalogue: whether `thinking` is accepted for this model. */
  supportsThinking?: boolean;
  /** Words in a thinking block. */
  thinkingTokens?: number;
  /** Smallest prefix, in input tokens, that a cache_control breakpoint caches. */
  cacheMinTokens?: number;
  /** Streams stay open (silent) after `message_stop` until the client leaves. */
  keepOpenAfterStop?: boolean;
  /** A stream's body ends this many ms after `message_stop` (a real server's last chunk can come
   *  apart from it); 0: in the same write. */
  endAfterStopMs?: number;
  /** Test-only fault: the request's credential is echoed into the request-id, error types and a broken SSE line. */
  echoCredential?: boolean;
  /** count_tokens meets the model's outcomes too: its failures (529, 429, 5xx, reset) answer a count
   *  as they answer a message; otherwise a count always succeeds. */
  countTokensFails?: boolean;
  /** Streams served as recorded (files of one event a line, as the API sent it: the JSON of each SSE
   *  event's data, or its `event:`/`data:` lines): the model's nth streamed answer is the nth file,
   *  the last one repeating. Paths are relative to the working directory. */
  recordedStreams?: string[];
  /** With outcome `midstream`: the recording is cut after this many events by the mid-stream error. */
  recordedCutAfterEvents?: number;
}

export type MidStreamBlock = 'text' | 'thinking' | 'tool_use';

export const MID_STREAM_BLOCKS: readonly MidStreamBlock[] = ['text', 'thinking', 'tool_use'];

export type StatusIndicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

export type ComponentStatus =
  | 'operational'
  | 'degraded_performance'
  | 'partial_outage'
  | 'major_outage'
  | 'under_maintenance';

export type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved' | 'postmortem';

export interface StatusPageComponent {
  name: string;
  status: ComponentStatus;
}

export interface StatusPageIncident {
  name: string;
  status: IncidentStatus;
  impact?: 'none' | 'minor' | 'major' | 'critical';
  body?: string;
}

export interface StatusPageSpec {
  indicator?: StatusIndicator;
  description?: string;
  components?: StatusPageComponent[];
  incidents?: StatusPageIncident[];
}

export interface ScenarioPhase {
  atMs: number;
  defaults?: ModelBehavior;
  models?: Record<string, ModelBehavior>;
  statusPage?: StatusPageSpec;
}

export interface Scenario {
  name?: string;
  description?: string;
  seed?: number;
  defaults?: ModelBehavior;
  models?: Record<string, ModelBehavior>;
  phases?: ScenarioPhase[];
  statusPage?: StatusPageSpec;
  /** The Message Batches endpoints (see batch-types.ts). */
  batches?: BatchBehavior;
}

/** A model's behaviour with every default filled in. */
export interface EffectiveBehavior {
  latencyMs: number;
  ttftMs: number;
  tokensPerSecond: number;
  outputTokens: number;
  capacity: number | undefined;
  rateLimit: RateLimitBehavior | undefined;
  p529: number;
  p429: number;
  retryAfterS: number;
  p500: number;
  p502: number;
  p503: number;
  p504: number;
  pSpendLimit: number;
  pHtml502: number;
  pReset: number;
  pStall: number;
  pMidStreamError: number;
  midStreamAfterTokens: number;
  midStreamErrorType: string;
  unknown: boolean;
  deprecated: boolean;
  sequence: Outcome[] | undefined;
  ttftPerInputTokenMs: number;
  ttftMaxMs: number | undefined;
  pingIntervalMs: number;
  pauseAfterTokens: number | undefined;
  pauseMs: number;
  midStreamBlock: MidStreamBlock;
  useTools: boolean;
  /** undefined: as the model catalogue says. */
  supportsThinking: boolean | undefined;
  thinkingTokens: number;
  cacheMinTokens: number;
  keepOpenAfterStop: boolean;
  endAfterStopMs: number;
  recordedStreams: string[] | undefined;
  recordedCutAfterEvents: number;
  echoCredential: boolean;
  countTokensFails: boolean;
}
