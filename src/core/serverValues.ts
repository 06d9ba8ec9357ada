// Values that came from a server (a request-id header, an error type or code, a
// retry hint) are untrusted: a gateway may echo a credential into any of them, or
// send garbage. Each is checked for shape and scrubbed of every known secret
// before it can reach an event, an outcome, the history or a message.
import { carriesSecret } from './redact';

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** A short identifier from a server (request id, error type, error code), or null when it is
 *  missing, malformed or carries a secret. */
export function sanitizeServerToken(value: string | null | undefined, secrets: readonly string[]): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (!TOKEN.test(trimmed)) return null;
  return carriesSecret(trimmed, secrets) ? null : trimmed;
}

/** The longest wait a server hint is read as (a day): a longer one, however absurd, is still a
 *  request to stay away, and is read as this; the manager caps it further (retry.holdCapMs). */
export const ABSURD_HOLD_MS = 24 * 60 * 60_000;

/** Strict HTTP-date (IMF-fixdate, as RFC 9110 requires servers to send). */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const DECIMAL = /^\d+(\.\d+)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A non-negative wait, at most a day; NaN and negatives are garbage (null). A huge positive
 *  number (even one too long to be finite) is a hold, read as a day. */
function bounded(ms: number): number | null {
  return Number.isNaN(ms) || ms < 0 ? null : Math.min(ms, ABSURD_HOLD_MS);
}

/** `retry-after-ms`: a non-negative decimal number of milliseconds. */
export function parseRetryAfterMs(value: string | null): number | null {
  if (value === null || !DECIMAL.test(value.trim())) return null;
  return bounded(Number(value.trim()));
}

/** `retry-after`: delay-seconds, or an HTTP-date in the future (a very long one is read as a day).
 *  Anything else — negative, not a number, a date in the past — is ignored. */
export function parseRetryAfterHeader(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (DECIMAL.test(text)) return bounded(Number(text) * 1000);
  if (!IMF_FIXDATE.test(text)) return null;
  const at = Date.parse(text);
  return Number.isFinite(at) && at > now ? bounded(at - now) : null;
}

/** An `anthropic-ratelimit-*-reset` (RFC 3339) as epoch ms, when it is in the future and sane.
 *  Unlike a retry-after, a reset more than a day away is not read as a hold: it comes on answers
 *  that succeeded and is a clock's nonsense (a reset in 2099), not a request to stay away. */
export function parseResetTime(value: string | null, now: number): number | null {
  if (value === null || !RFC3339.test(value.trim())) return null;
  const at = Date.parse(value.trim());
  return Number.isFinite(at) && at > now && at - now <= ABSURD_HOLD_MS ? at : null;
}
