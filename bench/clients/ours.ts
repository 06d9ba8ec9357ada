// ours: Resilient Claude's request manager with its default configuration,
// pointed at the simulator. Streams like every other client.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { ManagerConfig, RequestManager } from '../../src/core/contract';
import { defaultManagerConfig } from '../../src/core/defaults';
import type { BenchClient, ClientEnv, SendResult } from './client';

type CreateRequestManager = (config: ManagerConfig) => RequestManager;

/** Loads the manager's factory; null while the core has not shipped it. */
export async function loadCreateRequestManager(): Promise<CreateRequestManager | null> {
  const file = resolve(__dirname, '../../src/core/requestManager.ts');
  try {
    const module: unknown = await import(pathToFileURL(file).href);
    if (typeof module === 'object' && module !== null && 'createRequestManager' in module) {
      const factory: unknown = (module as { createRequestManager: unknown }).createRequestManager;
      if (typeof factory === 'function') return factory as CreateRequestManager;
    }
    return null;
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
