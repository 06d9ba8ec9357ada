// When no route of the chain can be tried and no attempt has failed yet, the
// request fails with the true reason: circuit open, rate-limited until a time,
// unknown models, or a prompt too large for every model — and only the
// temporary ones invite a retry.
import type { Blocked } from './routePicker';
import type { ErrorClass } from './types';

function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function noRouteReason(blocked: readonly Blocked[], estimatedInput: number, maxTokens: number): { errorClass: ErrorClass; message: string } {
  const whys = new Set(blocked.map((b) => b.why));
  const soonest = (why: Blocked['why']): number | null =>
    blocked.filter((b) => b.why === why && b.until !== null).reduce<number | null>((min, b) => (min === null ? b.until : Math.min(min, b.until!)), null);
  const held = soonest('held');
  const probe = soonest('breaker_open');
  if (whys.has('breaker_open') && (held === null || (probe !== null && probe <= held))) {
    const when = probe !== null ? ` until about ${clockTime(probe)}` : '';
    return { errorClass: 'overloaded', message: `Every model in the chain is unavailable right now (circuit open${when}). Try again shortly.` };
  }
  if (held !== null) {
    return { errorClass: 'rate_limited', message: `Every model in the chain is rate-limited until ${clockTime(held)}.` };
  }
  if (whys.size === 1 && whys.has('unfit')) {
    return {
      errorClass: 'bad_request',
      message: `The prompt is too large for every model in the chain (about ${estimatedInput} input tokens plus max_tokens ${maxTokens}). Shorten it or lower max_tokens.`,
    };
  }
  if ([...whys].every((w) => w === 'unknown_model' || w === 'unfit')) {
    return { errorClass: 'bad_request', message: 'The API does not know the models in the chain (404). Choose models your account can use.' };
  }
  return { errorClass: 'timeout', message: 'No route of the chain could be tried within the request’s bounds.' };
}
