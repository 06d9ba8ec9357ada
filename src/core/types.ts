// The public contract of the request manager. Everything here is plain data
// (serialisable), so the extension, the CLI, the benchmark and a future shared
// background process can all consume the same events.

import type { Message, MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import type { BreakerState, ErrorClass, Priority, ProviderId } from '../shared/vocabulary';

export type { BreakerState, ErrorClass, Priority, ProviderId };

/** A route is one provider serving one model. Its key is `${provider}:${model}`. */
export interface Route {
  readonly provider: ProviderId;
  readonly model: string;
}

/**
 * A request is the SDK's own Messages body: content blocks (text, image, document, tool_use,
 * tool_result, thinking), `system` as text or blocks, tools, tool_choice, thinking, temperature,
 * stop_sequences, metadata. `model` is optional (the chain chooses); `stream` is the manager's.
 */
export type MessagesBody = Omit<MessageCreateParamsBase, 'model' | 'stream'> & {
  /** Overrides the configured primary model for this request only. */
  readonly model?: string;
};
export type ClaudeRequest = MessagesBody;

/** One part of a streamed answer, in order. A tool_use part arrives once, complete, its input parsed. */
export type StreamPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly thinking: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: unknown };

/** One event of an answer as the API sent it: the parsed `data` of one server-sent event, whose
 *  `type` is also the SSE event name (message_start, content_block_start, content_block_delta,
 *  content_block_stop, message_delta, message_stop, and whatever the API adds). The SDK drops
 *  `ping` before the manager sees it; a mid-stream `error` event is a failure, never relayed. */
export interface ApiStreamEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** The manager's own word inside an answer's event stream (never from the API):
 *  - `recovered`: the stream broke and continues from another attempt (the events after it are
 *    spliced in: no second message_start, block indices continue the caller's);
 *  - `ended_at_tool_use`: the stream broke after a complete tool call; the answer ends at it
 *    (a message_delta with stop_reason tool_use and a message_stop follow);
 *  - `incomplete`: the answer broke off and cannot be continued; no message_stop follows.
 *    `error` is ready to relay as an SSE `error` event. */
export interface ManagerNotice {
  readonly type: 'recovered' | 'ended_at_tool_use' | 'incomplete';
  /** Plain words: what happened and what the caller has been given. */
  readonly message: string;
  readonly error?: { readonly type: string; readonly message: string };
}

/** What a relaying caller reads, in order: the API's events, and now and then a manager notice. */
export type AnswerEvent = { readonly source: 'api'; readonly event: ApiStreamEvent } | { readonly source: 'manager'; readonly notice: ManagerNotice };

/** Headers of the caller's that reach the API unchanged (the endpoint relays its client's). */
export interface PassHeaders {
  /** Comma-separated beta names, as the `anthropic-beta` header carries them. */
  readonly 'anthropic-beta'?: string;
  readonly 'anthropic-version'?: string;
}

export interface SendOptions {
  readonly signal?: AbortSignal;
  readonly priority?: Priority;
  /** The caller's id for this request (1-128 of A-Z a-z 0-9 . _ : -), unique among requests in flight;
   *  generated when absent. Every event, attempt and the outcome of the request carry it. */
  readonly clientRequestId?: string;
  /** `anthropic-beta` / `anthropic-version` for every attempt (a fallback's documented adaptations aside). */
  readonly headers?: PassHeaders;
  /** Which program sent the request ("Claude Code 2.1.3", "VS Code"…, see requestClient.ts): its
   *  attempt events carry it, so the failure log, the panel and the report say whose they were. */
  readonly client?: string;
  /** This request's own events, in order, as they happen (attempts, waits, moves, stalls, warnings,
   *  its end). The manager's `onEvent` carries every request's, for the status bar and history. */
  readonly onEvent?: (event: RequestEvent) => void;
  /** The attempt whose answer is handed on: called once it wins the right to hand on its first
   *  content, with the server's `request-id` and the route (a relay writes them in its response head). */
  readonly onAnswering?: (answering: Answering) => void;
  /** The caller named the request's first model itself (a client of the endpoint did): when the API
   *  answers that it does not know that model (404), the request ends with the API's answer instead
   *  of being answered by another model — the caller asked for one the API does not have. */
  readonly namedModel?: boolean;
  /** The query string the caller sent with the Messages path (`beta=true`, as the SDKs' beta
   *  clients and Claude Code send it): every attempt on the Anthropic API carries it too. */
  readonly query?: Readonly<Record<string, string>>;
  /** What the caller of `stream` will read, when it opens its view only after an await: 'parts'
   *  (typed parts, or the text) or 'events' (the API's own). A shared broker must know it before it
   *  asks, since it sends the API's events only to a caller that reads them, and what a broken stream
   *  may redo depends on what the caller has been shown (answerRelay.ts). A view not opened yet counts
   *  as this, or as 'events' without it. */
  readonly reads?: 'parts' | 'events';
}

/** Which attempt is answering a request, as the relay's response head names it. */
export interface Answering {
  readonly requestId: string | null;
  readonly provider: ProviderId;
  readonly model: string;
}

/** One attempt on one route, as recorded in events, history and the CLI's JSON. */
export interface AttemptRecord {
  /** Epoch milliseconds when the attempt started. */
  readonly time: number;
  readonly provider: ProviderId;
  readonly model: string;
  /** 1-based attempt number within the request (across routes). */
  readonly attempt: number;
  /** HTTP status, or null when none was received (reset, stall, mid-stream error, cancel). */
  readonly status: number | null;
  /** null on success. */
  readonly errorClass: ErrorClass | null;
  /** The API's error type (`overloaded_error`, …) or a local one (`stall`, `ECONNRESET`). */
  readonly errorType: string | null;
  readonly latencyMs: number;
  /** The server's `request-id` header, when there was one. */
  readonly requestId: string | null;
  /** Our id for the whole request (same for every attempt of one send/stream). */
  readonly clientRequestId: string;
  /** Which program sent the request (SendOptions.client), on attempt events when the caller said. */
  readonly client?: string;
  /** A short, secret-free message for failures. */
  readonly message?: string;
}

export interface BreakerSnapshot {
  readonly provider: ProviderId;
  readonly model: string;
  readonly state: BreakerState;
  /** Epoch ms of the last transition. */
  readonly since: number;
  /** Epoch ms when an open breaker admits its next probe; null unless open. */
  readonly nextProbeAt: number | null;
  readonly consecutiveFailures: number;
  /** Epoch ms until which the route is held by a rate limit (retry-after or a spent limit); null when not held. */
  readonly heldUntil: number | null;
  /** Epoch ms when a probe that no request takes stops being waited for and the breaker reads closed
   *  (open, or half-open with no probe in flight); null or absent otherwise. */
  readonly closesAt?: number | null;
}

export type ManagerEvent =
  | ({ readonly type: 'attempt' } & AttemptRecord)
  | {
      readonly type: 'breaker';
      readonly time: number;
      readonly provider: ProviderId;
      readonly model: string;
      readonly from: BreakerState;
      readonly to: BreakerState;
      readonly nextProbeAt: number | null;
    }
  | {
      /** A route is held by a rate limit until `until` (epoch ms), or released (null). */
      readonly type: 'hold';
      readonly time: number;
      readonly provider: ProviderId;
      readonly model: string;
      readonly until: number | null;
    }
  | {
      readonly type: 'fallback';
      readonly time: number;
      readonly clientRequestId: string;
      readonly from: Route;
      readonly to: Route;
      readonly reason: ErrorClass | 'breaker_open' | 'unknown_model' | 'unfit';
    }
  | {
      /** The manager is about to sleep before retrying (drives "retrying in 3 s"). */
      readonly type: 'wait';
      readonly time: number;
      readonly clientRequestId: string;
      readonly provider: ProviderId;
      readonly model: string;
      readonly delayMs: number;
      readonly reason: ErrorClass;
      readonly nextAttempt: number;
    }
  | {
      /** A response showed nothing for `silentMs`: a late first token got a second attempt beside
       *  it on a fresh connection ('hedge'), or a stream went silent and is cut to continue on a
       *  fresh connection ('reconnect'). Drives "No response from Opus for 6 s — trying a fresh connection"
       *  (or "— trying Sonnet 5.5" when the hedge went to the next route). */
      readonly type: 'stall';
      readonly time: number;
      readonly clientRequestId: string;
      readonly provider: ProviderId;
      readonly model: string;
      readonly silentMs: number;
      readonly phase: 'first_token' | 'mid_stream';
      readonly action: 'hedge' | 'reconnect';
      /** The route the hedge went to, when not the stalled one (that route was sick). */
      readonly to?: Route;
    }
  | {
      readonly type: 'warning';
      readonly time: number;
      readonly code: 'unknown_model' | 'deprecated_model' | 'budget_exhausted' | 'config' | 'adapted';
      readonly message: string;
      readonly model?: string;
    }
  | {
      readonly type: 'request';
      readonly time: number;
      readonly clientRequestId: string;
      readonly ok: boolean;
      readonly model: string | null;
      readonly attempts: number;
      readonly errorClass: ErrorClass | null;
      readonly latencyMs: number;
    };

/** The events that belong to one request: what its run says about itself. */
export type RequestEvent = Extract<ManagerEvent, { readonly type: 'attempt' | 'fallback' | 'wait' | 'stall' | 'warning' | 'request' }>;

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadInputTokens: number;
  readonly cacheCreationInputTokens: number;
}

export interface SuccessOutcome {
  readonly ok: true;
  readonly text: string;
  /** The model that produced the (final part of the) answer. */
  readonly model: string;
  readonly provider: ProviderId;
  readonly stopReason: string | null;
  /** True when a mid-stream failure cut the answer and it could not be continued. */
  readonly incomplete: boolean;
  readonly usage: Usage;
  /** The assembled answer: every content block (text, thinking with its signature, tool_use),
   *  stop_reason and usage, as the Messages API would have returned it in one piece. */
  readonly message: Message;
  /** What was changed in the request to fit the model that answered (e.g. thinking dropped). */
  readonly adaptations: readonly string[];
  readonly clientRequestId: string;
  readonly attempts: readonly AttemptRecord[];
}

export interface FailureOutcome {
  readonly ok: false;
  /** Text already delivered before the final failure (streaming), else ''. */
  readonly text: string;
  readonly clientRequestId: string;
  readonly attempts: readonly AttemptRecord[];
  readonly error: {
    readonly class: ErrorClass;
    /** Plain-language, secret-free. */
    readonly message: string;
    /** Every server request id seen during the request, in order. */
    readonly requestIds: readonly string[];
    /** The API's own message for the failure the request ended with, when the API sent one (secrets redacted). */
    readonly apiMessage?: string;
    /** The request id of the answer `apiMessage` came with, when that was not the last attempt's: a
     *  model the caller named that the Anthropic API does not know, asked of another provider after it. */
    readonly apiRequestId?: string;
  };
}

export type Outcome = SuccessOutcome | FailureOutcome;

/** A token count (POST /v1/messages/count_tokens) through the manager. */
export type CountOutcome =
  | {
      readonly ok: true;
      /** The API's answer, unchanged (`input_tokens`, and whatever else it sends). */
      readonly answer: Readonly<Record<string, unknown>>;
      readonly model: string;
      readonly clientRequestId: string;
      readonly attempts: readonly AttemptRecord[];
    }
  | {
      readonly ok: false;
      readonly clientRequestId: string;
      readonly attempts: readonly AttemptRecord[];
      readonly error: { readonly class: ErrorClass; readonly message: string; readonly requestIds: readonly string[]; readonly apiMessage?: string };
    };

/** A streamed request: iterate for text deltas as they arrive, or iterate `parts` for every typed
 *  part (one consumer, one of the two); `outcome` settles at the end. */
export interface RequestStream extends AsyncIterable<string> {
  readonly parts: AsyncIterable<StreamPart>;
  readonly outcome: Promise<Outcome>;
  /** The request's id (the caller's, or generated), known before any of its events. */
  readonly clientRequestId: string;
}

/** A stream of the core manager: also the API's own events, in order, for callers that relay them
 *  (one view per stream: text, `parts` or `events`). After a recovery the events still form one
 *  message: one message_start, block indices that continue, one message_stop, nothing twice. */
export interface RelayStream extends RequestStream {
  readonly events: AsyncIterable<AnswerEvent>;
}

