// The chat provider's own cost: the same request sent (a) straight to the manager and (b)
// through the provider's path — VS Code-shaped messages converted to a Messages body, parts
// converted back to response parts, usage reported and the token counter calibrated
// (src/extension/chat/providerPipeline.ts, which the provider runs inside VS Code) — on the
// healthy scenario, interleaved so load on the machine falls on both alike.
//   node --import tsx bench/chat/chatProviderBench.ts [--requests N]
import { createRequestManager } from '../../src/core/requestManager';
import { defaultManagerConfig } from '../../src/core/defaults';
import type { RequestManager } from '../../src/core/contract';
import { runProviderPipeline } from '../../src/extension/chat/providerPipeline';
import type { ResponsePartFactory } from '../../src/extension/chat/toResponseParts';
import { TokenCounter } from '../../src/extension/chat/tokenCounter';
import { startSimulator } from '../../src/simulator/index';
import { BENCH_API_KEY, CHAIN, PRIMARY } from '../config';
import { percentile } from '../lib/percentile';
import { chatProviderLine } from './chatProviderFigures';
import type { ChatProviderFigures } from './chatProviderFigures';

const MAX_TOKENS = 256;
const WARMUP = 10;

/** Plain response parts: the provider's factory builds VS Code's classes, which cost the same. */
const plainParts: ResponsePartFactory<object> = {
  text: (value) => ({ value }),
  toolCall: (callId, name, input) => ({ callId, name, input }),
  data: (data, mimeType) => ({ data, mimeType }),
};

async function direct(manager: RequestManager, prompt: string): Promise<number> {
  const started = performance.now();
  const stream = manager.stream({ messages: [{ role: 'user', content: prompt }], max_tokens: MAX_TOKENS, model: PRIMARY });
  for await (const part of stream.parts) void part;
  const outcome = await stream.outcome;
  if (!outcome.ok) throw new Error(`direct request failed: ${outcome.error.message}`);
  return performance.now() - started;
}

async function throughProvider(manager: RequestManager, counter: TokenCounter, prompt: string): Promise<number> {
  const started = performance.now();
  const reported: object[] = [];
  const { outcome } = await runProviderPipeline(
    { stream: (body) => manager.stream(body), make: plainParts, counter },
    { id: PRIMARY, maxOutputTokens: 128_000 },
    [{ role: 1, content: [{ value: prompt }] }],
    { modelOptions: { max_tokens: MAX_TOKENS } },
    (part) => reported.push(part),
  );
  if (!outcome.ok) throw new Error(`provider request failed: ${outcome.error.message}`);
  return performance.now() - started;
}

export async function measureChatProvider(requests: number): Promise<ChatProviderFigures> {
  const sim = await startSimulator({ scenario: 'healthy', apiKey: BENCH_API_KEY });
  const manager = createRequestManager({
    ...defaultManagerConfig(),
    models: [...CHAIN],
    providers: [{ id: 'anthropic', baseURL: sim.url, apiKey: () => BENCH_API_KEY }],
  });
  const counter = new TokenCounter();
  const directMs: number[] = [];
  const providerMs: number[] = [];
  try {
    for (let i = 0; i < WARMUP; i++) {
      await direct(manager, `warm-up ${i}`);
      await throughProvider(manager, counter, `warm-up ${i}`);
    }
    for (let i = 0; i < requests; i++) {
      const prompt = `Question ${i}: what does a circuit breaker protect?`;
      // Alternate which goes first, so neither always meets a warmer connection.
      if (i % 2 === 0) {
        directMs.push(await direct(manager, prompt));
        providerMs.push(await throughProvider(manager, counter, prompt));
      } else {
        providerMs.push(await throughProvider(manager, counter, prompt));
        directMs.push(await direct(manager, prompt));
      }
    }
  } finally {
    manager.dispose();
    await sim.close();
  }
  const sortedDirect = [...directMs].sort((a, b) => a - b);
  const sortedProvider = [...providerMs].sort((a, b) => a - b);
  const p50Direct = percentile(sortedDirect, 50) ?? 0;
  const p50Provider = percentile(sortedProvider, 50) ?? 0;
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return {
    requests,
    p50DirectMs: round(p50Direct),
    p50ProviderMs: round(p50Provider),
    p95DirectMs: round(percentile(sortedDirect, 95) ?? 0),
    p95ProviderMs: round(percentile(sortedProvider, 95) ?? 0),
    p50Ratio: p50Direct > 0 ? Math.round((p50Provider / p50Direct) * 1000) / 1000 : 0,
  };
}

if (require.main === module) {
  const index = process.argv.indexOf('--requests');
  const requests = index > 0 ? Number(process.argv[index + 1]) : 60;
  measureChatProvider(Number.isInteger(requests) && requests > 0 ? requests : 60).then(
    (figures) => {
      console.log(chatProviderLine(figures));
      console.log(JSON.stringify(figures));
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
