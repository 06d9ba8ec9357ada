// One streamed Messages call on the official SDK, shared by the SDK-based drivers.
// Every client streams, so mid-stream failures count the same way for all.
import Anthropic from '@anthropic-ai/sdk';

export interface CountingSdk {
  readonly sdk: Anthropic;
  /** HTTP requests the SDK has sent so far (its own retries included). */
  requestsSent(): number;
}

export interface SdkOptions {
  readonly baseURL: string;
  readonly apiKey: string;
  readonly maxRetries?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export function createCountingSdk(options: SdkOptions): CountingSdk {
  let sent = 0;
  const countingFetch: typeof fetch = (input, init) => {
    sent += 1;
    return fetch(input, init);
  };
  const sdk = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    fetch: countingFetch,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
    ...(options.headers === undefined ? {} : { defaultHeaders: { ...options.headers } }),
  });
  return { sdk, requestsSent: () => sent };
}

export interface StreamedAnswer {
  readonly text: string;
  readonly model: string;
}

export async function streamMessage(
  sdk: Anthropic,
  model: string,
  prompt: string,
  maxTokens: number,
  signal: AbortSignal,
): Promise<StreamedAnswer> {
  const stream = sdk.messages.stream(
    { model, max_tokens: maxTokens, messages: [{ role: 'user', content: prompt }] },
    { signal },
  );
  const message = await stream.finalMessage();
  let text = '';
  for (const block of message.content) {
    if (block.type === 'text') text += block.text;
  }
  if (text.length === 0) throw new Error('empty answer');
  return { text, model: message.model };
}

/** A short, secret-free label for a failure. */
export function describeError(error: unknown): string {
  if (error instanceof Anthropic.APIUserAbortError) return 'aborted';
  if (error instanceof Anthropic.APIConnectionTimeoutError) return 'timeout';
  if (error instanceof Anthropic.APIConnectionError) return 'connection';
  if (error instanceof Anthropic.APIError) {
    const type = errorType(error);
    return error.status === undefined ? `stream:${type ?? 'error'}` : `${error.status}${type ? `:${type}` : ''}`;
  }
  if (error instanceof Error && error.name === 'AbortError') return 'aborted';
  return error instanceof Error ? error.message.slice(0, 60) : 'unknown';
}

function errorType(error: InstanceType<typeof Anthropic.APIError>): string | null {
  const body: unknown = error.error;
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const inner: unknown = (body as { error: unknown }).error;
    if (typeof inner === 'object' && inner !== null && 'type' in inner) {
      const type: unknown = (inner as { type: unknown }).type;
      if (typeof type === 'string') return type;
    }
  }
  return null;
}
