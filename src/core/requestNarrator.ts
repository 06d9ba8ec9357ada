// What one request says about itself while it runs: a wait before the next attempt, a move to
// another route, a stalled response (cut and continued, or hedged), a warning. Each event
// carries the request's id and the time on the request's clock.
import type { ChainEntry } from './routePicker';
import type { RunDependencies } from './runDependencies';
import type { ErrorClass, ManagerEvent } from './types';

type FallbackReason = Extract<ManagerEvent, { type: 'fallback' }>['reason'];
type WarningCode = Extract<ManagerEvent, { type: 'warning' }>['code'];

export interface RequestNarrator {
  wait(entry: ChainEntry, delayMs: number, reason: ErrorClass, nextAttempt: number): void;
  fallback(from: ChainEntry, to: ChainEntry, reason: FallbackReason): void;
  /** A late first token (a hedge starts, on `to`) or a stalled stream (cut and continued). */
  stall(entry: ChainEntry, silentMs: number, phase: 'first_token' | 'mid_stream', action: 'hedge' | 'reconnect', to?: ChainEntry): void;
  warning(code: WarningCode, message: string, model: string): void;
}

export function requestNarrator(deps: Pick<RunDependencies, 'clock' | 'emit' | 'tail'>, clientRequestId: string): RequestNarrator {
  const { clock, emit } = deps;
  return {
    wait: (entry, delayMs, reason, nextAttempt) => {
      const { provider, model } = entry.route;
      emit({ type: 'wait', time: clock.now(), clientRequestId, provider, model, delayMs, reason, nextAttempt });
    },
    fallback: (from, to, reason) => emit({ type: 'fallback', time: clock.now(), clientRequestId, from: from.route, to: to.route, reason }),
    stall: (entry, silentMs, phase, action, to = entry) => {
      if (action === 'reconnect') deps.tail?.countStall(entry.key);
      const { provider, model } = entry.route;
      emit({ type: 'stall', time: clock.now(), clientRequestId, provider, model, silentMs: Math.max(0, Math.round(silentMs)), phase, action, ...(to !== entry ? { to: to.route } : {}) });
    },
    warning: (code, message, model) => emit({ type: 'warning', time: clock.now(), code, message, model }),
  };
}
