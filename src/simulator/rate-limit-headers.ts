// anthropic-ratelimit-* headers for successful responses, derived from the
// model's configured request rate (or generous defaults when it has none).
import type { EffectiveBehavior, RateLimitBehavior } from './scenario-types';

const DEFAULT_REQUESTS_PER_MINUTE = 4000;
const TOKENS_PER_MINUTE = 2_000_000;
const INPUT_TOKENS_PER_MINUTE = 2_000_000;
const OUTPUT_TOKENS_PER_MINUTE = 400_000;

/** Does the limit count a request sent with this credential? A limit per key names the credentials
 *  it applies to; any other key is not limited (and has the generous defaults' headers). */
export function limitApplies(rate: RateLimitBehavior, credential: string | undefined): boolean {
  return rate.keys === undefined || (credential !== undefined && rate.keys.includes(credential));
}

export function rateLimitHeaders(
  behavior: EffectiveBehavior,
  window: { count: number; resetAt: number },
  inputTokens: number,
  now = Date.now(),
  credential?: string,
): Record<string, string> {
  const rate = behavior.rateLimit;
  const limited = rate !== undefined && limitApplies(rate, credential);
  const limit = limited ? rate.requestsPerMinute : DEFAULT_REQUESTS_PER_MINUTE;
  const reset = new Date(limited ? window.resetAt : now + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const soon = new Date(now + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    'anthropic-ratelimit-requests-limit': String(limit),
    'anthropic-ratelimit-requests-remaining': String(Math.max(0, limit - window.count)),
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-tokens-limit': String(TOKENS_PER_MINUTE),
    'anthropic-ratelimit-tokens-remaining': String(TOKENS_PER_MINUTE - inputTokens),
    'anthropic-ratelimit-tokens-reset': soon,
    'anthropic-ratelimit-input-tokens-limit': String(INPUT_TOKENS_PER_MINUTE),
    'anthropic-ratelimit-input-tokens-remaining': String(INPUT_TOKENS_PER_MINUTE - inputTokens),
    'anthropic-ratelimit-input-tokens-reset': soon,
    'anthropic-ratelimit-output-tokens-limit': String(OUTPUT_TOKENS_PER_MINUTE),
    'anthropic-ratelimit-output-tokens-remaining': String(OUTPUT_TOKENS_PER_MINUTE),
    'anthropic-ratelimit-output-tokens-reset': soon,
  };
}
