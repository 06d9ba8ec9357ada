// The slice of the SDK's Messages API the manager depends on: a streaming
// create with per-request options, and the raw stream events it reads. Kept
// structural so the SDK is loaded lazily and tests can supply a tiny transport.
import type { MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { MessagesBody } from './types';

export type WireMessage = MessageParam;

/** The body sent for one attempt: the caller's Messages body on one model, streamed. */
export type StreamParams = Omit<MessagesBody, 'model' | 'messages' | 'system'> & {
  readonly model: string;
  readonly messages: WireMessage[];
  readonly system?: string | TextBlockParam[];
  readonly stream: true;
};

/** The SDK's per-request middleware, as much of it as the manager uses: it sees the raw
 *  fetch Response, so it can watch the body's bytes (pings included) before the SDK parses them. */
export type ResponseMiddleware = (request: unknown, next: (request: unknown) => Promise<Response>) => Promise<Response>;

export interface AttemptRequestOptions {
  readonly signal: AbortSignal;
  readonly maxRetries: 0;
  readonly timeout: number;
  readonly headers?: Record<string, string>;
  readonly middleware?: readonly ResponseMiddleware[];
}

export interface HeaderReader {
  get(name: string): string | null;
}

export interface RawUsage {
  readonly input_tokens?: number | null;
  readonly output_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
  readonly cache_creation_input_tokens?: number | null;
}

/** A server-sent event as the SDK parses it; every field is checked before use. */
export interface RawStreamEvent {
  readonly type: string;
  readonly index?: number;
  readonly message?: { readonly id?: string; readonly model?: string; readonly usage?: RawUsage };
  readonly content_block?: {
    readonly type?: string;
    readonly text?: string;
    readonly thinking?: string;
    readonly signature?: string;
    readonly data?: string;
    readonly id?: string;
    readonly name?: string;
    readonly input?: unknown;
  };
  readonly delta?: {
    readonly type?: string;
    readonly text?: string;
    readonly thinking?: string;
    readonly signature?: string;
    readonly partial_json?: string;
    readonly stop_reason?: string | null;
    readonly stop_sequence?: string | null;
  };
  readonly usage?: RawUsage;
}

export interface StreamWithResponse {
  readonly data: AsyncIterable<RawStreamEvent>;
  readonly response: { readonly status: number; readonly headers: HeaderReader };
}

export interface CountWithResponse {
  /** The API's answer as it came (`input_tokens`, and whatever else it sends). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly response: { readonly status: number; readonly headers: HeaderReader };
}

export interface MessagesClient {
  /** The endpoint the client talks to (named in "can't reach" messages). */
  readonly baseURL?: string;
  readonly messages: {
    create(params: StreamParams, options: AttemptRequestOptions): { withResponse(): Promise<StreamWithResponse> };
    /** POST /v1/messages/count_tokens (the Anthropic SDK has it; other providers' clients may not). */
    countTokens?(params: Readonly<Record<string, unknown>>, options: AttemptRequestOptions): { withResponse(): Promise<CountWithResponse> };
  };
}
