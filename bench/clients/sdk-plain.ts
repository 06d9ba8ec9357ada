// sdk-default and sdk-retry5: the official SDK on the primary model only,
// with its built-in retries (2 by default, or 5).
import type { BenchClient, ClientEnv, SendResult } from './client';
import { createCountingSdk, describeError, streamMessage } from './sdk-stream';

export function createPlainSdkClient(
  name: 'sdk-default' | 'sdk-retry5',
  env: ClientEnv,
  maxRetries: number | undefined,
): BenchClient {
  const counting = createCountingSdk({ baseURL: env.simUrl, apiKey: env.apiKey, maxRetries });
  const model = env.chain[0];
  if (model === undefined) throw new Error('The model chain is empty.');
  return {
    name,
    async send(prompt: string, signal: AbortSignal): Promise<SendResult> {
      const started = performance.now();
      const before = counting.requestsSent();
      try {
        const answer = await streamMessage(counting.sdk, model, prompt, env.maxTokens, signal);
        const attempts = counting.requestsSent() - before;
        return { ok: true, latencyMs: performance.now() - started, model: answer.model, attempts, text: answer.text };
      } catch (error) {
        return { ok: false, latencyMs: performance.now() - started, model: null, error: describeError(error) };
      }
    },
    async close(): Promise<void> {},
  };
}
