// How long to wait before retrying the same route. Exponential with jitter
// (full, or decorrelated as in Polly's DecorrelatedJitterV2, which cockatiel
// also ships — reimplemented here so the random source is injectable), and a
// server's retry-after honoured up to a cap; above the cap the caller falls
// back instead of sleeping.

export type JitterKind = 'full' | 'decorrelated';

export interface BackoffSettings {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly retryAfterCapMs: number;
  readonly jitter: JitterKind;
}

/** State carried between retries of one request on one route. */
export interface BackoffState {
  readonly retries: number;
  readonly previous: number;
}

export const initialBackoffState: BackoffState = { retries: 0, previous: 0 };

export type WaitDecision =
  | { readonly kind: 'wait'; readonly delayMs: number; readonly fromServer: boolean; readonly state: BackoffState }
  /** The server asked for a wait longer than the cap: fall back now. */
  | { readonly kind: 'fall_back'; readonly requestedMs: number };

const P_FACTOR = 4.0;
const RP_SCALING = 1 / 1.4;

export function jitteredDelay(settings: BackoffSettings, state: BackoffState, random: () => number): { delayMs: number; state: BackoffState } {
  const { baseDelayMs, maxDelayMs } = settings;
  if (settings.jitter === 'decorrelated') {
    const t = state.retries + clamp01(random());
    const next = Math.pow(2, t) * Math.tanh(Math.sqrt(P_FACTOR * t));
    const intrinsic = Number.isFinite(next) ? Math.max(0, next - state.previous) : Number.POSITIVE_INFINITY;
    const delayMs = Math.min(intrinsic * RP_SCALING * baseDelayMs, maxDelayMs);
    return { delayMs: Math.max(0, delayMs), state: { retries: state.retries + 1, previous: next } };
  }
  const ceiling = Math.min(maxDelayMs, baseDelayMs * Math.pow(2, state.retries));
  return { delayMs: Math.floor(clamp01(random()) * ceiling), state: { retries: state.retries + 1, previous: ceiling } };
}

/**
 * The wait before the next attempt on the same route. A server hint wins over
 * the computed backoff when present; above `retryAfterCapMs` it means "go elsewhere".
 */
export function decideWait(
  settings: BackoffSettings,
  state: BackoffState,
  retryAfterMs: number | null,
  random: () => number,
): WaitDecision {
  if (retryAfterMs !== null && retryAfterMs > settings.retryAfterCapMs) {
    return { kind: 'fall_back', requestedMs: retryAfterMs };
  }
  const computed = jitteredDelay(settings, state, random);
  if (retryAfterMs !== null) {
    return { kind: 'wait', delayMs: retryAfterMs, fromServer: true, state: computed.state };
  }
  return { kind: 'wait', delayMs: computed.delayMs, fromServer: false, state: computed.state };
}

function clamp01(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 0.999999 : value;
}
