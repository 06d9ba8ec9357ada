// How a provider's SDK client is set up: what a provider's credentials resolve to (a client
// factory, or why there is none), and the options every SDK client is made with — no retries of
// its own (the manager is the only retry layer), the headers timeout, our redacting logger, the
// provider's base URL and extra headers, and no OpenTelemetry spans (nothing here registers a tracer
// provider, and the SDK's span set-up cost about 60 µs on every attempt, the local endpoint's too).
import type { ProviderConfig } from './contract';
import { sdkLogger } from './sdkLog';
import type { SdkLogger } from './sdkLog';
import type { MessagesClient } from './wire';

export type ProviderClientSetup =
  | {
      readonly ok: true;
      /** Cache identity of the client; holds credentials, never logged. */
      readonly identity: string;
      /** The credential to scrub from messages ('' when every one is in the secret registry already). */
      readonly secret: string;
      make(headersTimeoutMs: number): Promise<MessagesClient>;
    }
  | { readonly ok: false; readonly kind: 'missing_api_key' | 'provider_config'; readonly message: string };

export interface SdkClientOptions {
  readonly baseURL?: string;
  readonly maxRetries: 0;
  readonly timeout: number;
  readonly logger: SdkLogger;
  readonly logLevel: 'warn';
  readonly defaultHeaders?: Record<string, string>;
  readonly openTelemetry: false;
}

export function sdkClientOptions(provider: ProviderConfig, headersTimeoutMs: number): SdkClientOptions {
  return {
    ...(provider.baseURL ? { baseURL: provider.baseURL } : {}),
    maxRetries: 0,
    timeout: headersTimeoutMs,
    logger: sdkLogger(),
    logLevel: 'warn',
    openTelemetry: false,
    ...(provider.headers ? { defaultHeaders: { ...provider.headers } } : {}),
  };
}
