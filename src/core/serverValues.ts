// Values that came from a server (a request-id header, an error type or code, a
// retry hint) are untrusted: a gateway may echo a credential into any of them, or
// send garbage. Each is checked for shape and scrubbed of every known secret
// before it can reach an event, an outcome, the history or a message.
import { redactSecrets } from './redact';

const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** A short identifier from a server (request id, error type, error code), or null when it is
 *  missing, malformed or carries a secret. */
export function sanitizeServerToken(value: string | null | undefined, secrets: readonly string[]): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (!TOKEN.test(trimmed)) return null;
  return redactSecrets(trimmed, secrets) === trimmed ? trimmed : null;
}

/** The longest hold a server hint can ask for before it is treated as nonsense (a day). */
export const ABSURD_HOLD_MS = 24 * 60 * 60_000;

/** Strict HTTP-date (IMF-fixdate, as RFC 9110 requires servers to send). */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const DECIMAL = /^\d+(\.\d+)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function sane(ms: number): number | null {
  return Number.isFinite(ms) && ms >= 0 && ms <= ABSURD_HOLD_MS ? ms : null;
}

/** `retry-after-ms`: a non-negative decimal number of milliseconds. */
export function parseRetryAfterMs(value: string | null): number | null {
  if (value === null || !DECIMAL.test(value.trim())) return null;
  return sane(Number(value.trim()));
}

/** `retry-after`: delay-seconds, or an HTTP-date in the future. Anything else is ignored. */
export function parseRetryAfterHeader(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (DECIMAL.test(text)) return sane(Number(text) * 1000);
  if (!IMF_FIXDATE.test(text)) return null;
  const at = Date.parse(text);
  return Number.isFinite(at) && at > now ? sane(at - now) : null;
}

/** An `anthropic-ratelimit-*-reset` (RFC 3339) as epoch ms, when it is in the future and sane. */
export function parseResetTime(value: string | null, now: number): number | null {
  if (value === null || !RFC3339.test(value.trim())) return null;
  const at = Date.parse(value.trim());
  return Number.isFinite(at) && at > now && at - now <= ABSURD_HOLD_MS ? at : null;
}
