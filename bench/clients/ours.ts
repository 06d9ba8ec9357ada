// ours: Resilient Claude's request manager with its default configuration, as it ships
// (bundled, shippedCore.ts), pointed at the simulator. Streams like every other client.
import type { ManagerConfig, RequestManager } from '../../src/core/contract';
import { defaultManagerConfig } from '../../src/core/defaults';
import { shippedCore } from '../lib/shippedCore';
import type { BenchClient, ClientEnv, SendResult } from './client';

type CreateRequestManager = (config: ManagerConfig) => RequestManager;

/** The manager's factory as it ships (shippedCore.ts); null while the core cannot be bundled. */
export async function loadCreateRequestManager(): Promise<CreateRequestManager | null> {
  try {
    return shippedCore().createRequestManager;
  } catch {
    return null;
  }
}

export function oursConfig(env: ClientEnv): ManagerConfig {
  const defaults = defaultManagerConfig();
  return {
    ...defaults,
    models: [...env.chain],
    providers: [{ id: 'anthropic', baseURL: env.simUrl, apiKey: () => env.apiKey }],
  };
}

export async function createOursClient(env: ClientEnv): Promise<BenchClient> {
  const create = await loadCreateRequestManager();
  if (create === null) throw new Error('createRequestManager is not available in src/core/requestManager.ts');
  const manager = create(oursConfig(env));
  return {
    name: 'ours',
    async send(prompt: string, signal: AbortSignal): Promise<SendResult> {
      const started = performance.now();
      let hedges = 0;
      const stream = manager.stream(
        { messages: [{ role: 'user', content: prompt }], max_tokens: env.maxTokens },
        {
          signal,
          priority: 'interactive',
          onEvent: (event) => {
            if (event.type === 'stall' && event.action === 'hedge') hedges += 1;
          },
        },
      );
      try {
        for await (const chunk of stream) void chunk;
      } catch {
        // The outcome below carries the classified failure.
      }
      const outcome = await stream.outcome;
      const latencyMs = performance.now() - started;
      if (outcome.ok && !outcome.incomplete) {
        return { ok: true, latencyMs, model: outcome.model, attempts: outcome.attempts.length, hedges, text: outcome.text };
      }
      return {
        ok: false,
        latencyMs,
        model: null,
        attempts: outcome.attempts.length,
        hedges,
        error: outcome.ok ? 'incomplete' : outcome.error.class,
      };
    },
    async close(): Promise<void> {
      manager.dispose();
    },
  };
}
