// The slice of the SDK's Messages API the manager depends on: a streaming
// create with per-request options, and the raw stream events it reads. Kept
// structural so the SDK is loaded lazily and tests can supply a tiny transport.

export interface WireMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

export interface StreamParams {
  readonly model: string;
  readonly max_tokens: number;
  readonly messages: WireMessage[];
  readonly system?: string;
  readonly stream: true;
}

export interface AttemptRequestOptions {
  readonly signal: AbortSignal;
  readonly maxRetries: 0;
  readonly timeout: number;
  readonly headers?: Record<string, string>;
}

export interface HeaderReader {
  get(name: string): string | null;
}

export interface RawStreamEvent {
  readonly type: string;
  readonly message?: { readonly usage?: { readonly input_tokens?: number | null; readonly output_tokens?: number | null } };
  readonly delta?: { readonly type?: string; readonly text?: string; readonly stop_reason?: string | null };
  readonly usage?: { readonly input_tokens?: number | null; readonly output_tokens?: number | null };
}

export interface StreamWithResponse {
  readonly data: AsyncIterable<RawStreamEvent>;
  readonly response: { readonly status: number; readonly headers: HeaderReader };
}

export interface MessagesClient {
  readonly messages: {
    create(params: StreamParams, options: AttemptRequestOptions): { withResponse(): Promise<StreamWithResponse> };
  };
}
