// Before a batch is submitted the user sees what it may cost: tokens counted
// locally (about four characters a token) and the model family's list price,
// halved for batches. An estimate, and the UI says so.
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { BatchEstimate, BatchRequestSpec } from './batchTypes';
import { batchBodyBytes } from './batchLimits';

/** Live list prices in US dollars per million tokens (input, output), by model family. */
const LIVE_PRICES: ReadonlyArray<{ readonly family: RegExp; readonly input: number; readonly output: number }> = [
  { family: /opus/, input: 5, output: 25 },
  { family: /sonnet/, input: 3, output: 15 },
  { family: /haiku/, input: 1, output: 5 },
];

/** Message Batches cost half the live price. */
export const BATCH_DISCOUNT = 0.5;

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('');
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record['text'] === 'string') return record['text'];
    if ('content' in record) return textOf(record['content']);
  }
  return '';
}

/** A local count: about four characters per token, at least one per message. */
export function estimateInputTokens(params: MessageCreateParamsNonStreaming): number {
  const text = textOf(params.system ?? '') + params.messages.map((m) => textOf(m.content)).join('');
  return Math.max(params.messages.length, Math.ceil(text.length / 4));
}

export function batchPrice(model: string): { input: number; output: number } | null {
  const price = LIVE_PRICES.find((p) => p.family.test(model));
  return price ? { input: price.input * BATCH_DISCOUNT, output: price.output * BATCH_DISCOUNT } : null;
}

export function estimateBatch(requests: readonly BatchRequestSpec[]): BatchEstimate {
  let inputTokens = 0;
  let maxOutputTokens = 0;
  let cost: number | null = 0;
  for (const r of requests) {
    const input = estimateInputTokens(r.params);
    inputTokens += input;
    maxOutputTokens += r.params.max_tokens;
    const price = batchPrice(r.params.model);
    cost = price === null || cost === null ? null : cost + (input * price.input + r.params.max_tokens * price.output) / 1_000_000;
  }
  return { inputTokens, maxOutputTokens, costUsd: cost, bytes: batchBodyBytes(requests) };
}

/** "≈ 1,234 input tokens, up to 3,000 output tokens, at most ≈ $0.04 at batch prices (an estimate)". */
export function describeEstimate(estimate: BatchEstimate): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const cost =
    estimate.costUsd === null
      ? 'no price known for this model'
      : `at most ≈ $${estimate.costUsd < 0.01 ? estimate.costUsd.toFixed(4) : estimate.costUsd.toFixed(2)} at batch prices`;
  return `≈ ${n(estimate.inputTokens)} input tokens, up to ${n(estimate.maxOutputTokens)} output tokens, ${cost} (an estimate from local counts)`;
}
