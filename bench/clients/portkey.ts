// portkey: the official SDK (default retries) pointed at a local Portkey gateway,
// which retries 5 times on 429/5xx/529 per target and falls back over the chain.
import type { BenchClient, ClientEnv, SendResult } from './client';
import { createCountingSdk, describeError, streamMessage } from './sdk-stream';

export const PORTKEY_RETRY = { attempts: 5, on_status_codes: [429, 500, 502, 503, 504, 529] } as const;

export function portkeyConfig(env: ClientEnv): object {
  return {
    strategy: { mode: 'fallback' },
    targets: env.chain.map((model) => ({
      provider: 'anthropic',
      api_key: env.apiKey,
      custom_host: `${env.simUrl}/v1`,
      override_params: { model },
      retry: PORTKEY_RETRY,
    })),
  };
}

export function createPortkeyClient(env: ClientEnv): BenchClient {
  if (env.gatewayUrl === null) throw new Error('The Portkey gateway is not running.');
  const counting = createCountingSdk({
    baseURL: env.gatewayUrl,
    apiKey: env.apiKey,
    headers: { 'x-portkey-config': JSON.stringify(portkeyConfig(env)) },
  });
  const model = env.chain[0];
  if (model === undefined) throw new Error('The model chain is empty.');
  return {
    name: 'portkey',
    async send(prompt: string, signal: AbortSignal): Promise<SendResult> {
      const started = performance.now();
      try {
        const answer = await streamMessage(counting.sdk, model, prompt, env.maxTokens, signal);
        return { ok: true, latencyMs: performance.now() - started, model: answer.model, text: answer.text };
      } catch (error) {
        return { ok: false, latencyMs: performance.now() - started, model: null, error: describeError(error) };
      }
    },
    async close(): Promise<void> {},
  };
}
