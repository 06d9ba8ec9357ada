// naive-loop: the hand-written loop people paste into their code. Up to 5
// attempts per model on HTTP 529 only, sleeping min(2^attempt + U(0,1), 30) s
// between them (attempt counted from 0), then the next model of the chain.
// The SDK's own retries (2) stay on underneath, as they do by default.
// Any other error ends the request.
import Anthropic from '@anthropic-ai/sdk';
import type { BenchClient, ClientEnv, SendResult } from './client';
import { createCountingSdk, describeError, streamMessage } from './sdk-stream';

const ATTEMPTS_PER_MODEL = 5;
const MAX_SLEEP_S = 30;

export function createNaiveLoopClient(env: ClientEnv): BenchClient {
  const counting = createCountingSdk({ baseURL: env.simUrl, apiKey: env.apiKey });
  return {
    name: 'naive-loop',
    async send(prompt: string, signal: AbortSignal): Promise<SendResult> {
      const started = performance.now();
      const before = counting.requestsSent();
      const fail = (error: unknown): SendResult => ({
        ok: false,
        latencyMs: performance.now() - started,
        model: null,
        attempts: counting.requestsSent() - before,
        error: describeError(error),
      });
      let lastError: unknown = new Error('no model in the chain');
      for (const model of env.chain) {
        for (let attempt = 0; attempt < ATTEMPTS_PER_MODEL; attempt += 1) {
          try {
            const answer = await streamMessage(counting.sdk, model, prompt, env.maxTokens, signal);
            return {
              ok: true,
              latencyMs: performance.now() - started,
              model: answer.model,
              attempts: counting.requestsSent() - before,
              text: answer.text,
            };
          } catch (error) {
            if (!(error instanceof Anthropic.APIError) || error.status !== 529) return fail(error);
            lastError = error;
            if (attempt < ATTEMPTS_PER_MODEL - 1) {
              const sleepS = Math.min(2 ** attempt + Math.random(), MAX_SLEEP_S);
              try {
                await sleep(sleepS * 1000, signal);
              } catch (abort) {
                return fail(abort);
              }
            }
          }
        }
      }
      return fail(lastError);
    },
    async close(): Promise<void> {},
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('aborted'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      const error = new Error('aborted');
      error.name = 'AbortError';
      reject(error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
