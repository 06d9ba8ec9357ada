// The real clock used when the configuration does not inject one. Tests pass a
// fake clock so every policy can be checked without waiting.
import type { Clock } from './contract';

/** Rejects with an AbortError-like error when the signal fires. */
export class CanceledError extends Error {
  constructor(message = 'The request was canceled.') {
    super(message);
    this.name = 'CanceledError';
  }
}

export function sleepWithSignal(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CanceledError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CanceledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: sleepWithSignal,
  timer: (ms, fire) => {
    const handle = setTimeout(fire, Math.max(0, ms));
    return () => clearTimeout(handle);
  },
};

/** Calls `fire` after `ms` on `clock` unless the returned cancel runs first. A plain timer on a
 *  clock that has one (cancelling costs no signal, listener or error); else a cancellable sleep. */
export function scheduleOn(clock: Clock, ms: number, fire: () => void): () => void {
  if (clock.timer !== undefined) return clock.timer(ms, fire);
  const controller = new AbortController();
  clock.sleep(ms, controller.signal).then(fire, () => undefined);
  return () => controller.abort();
}
