// Breaker snapshots a window holds for the shared broker: copies taken when the
// broker sent them, read "as of now" (an open breaker whose probe time has come
// is half-open; one whose probe no request took in time is closed; a hold that
// ended is gone), and the transitions (of state, of hold) between two lists.
import type { BreakerSnapshot, ManagerEvent } from '../../core/types';

export function asOf(snapshot: BreakerSnapshot, now: number): BreakerSnapshot {
  const closed = snapshot.state !== 'closed' && snapshot.closesAt !== undefined && snapshot.closesAt !== null && snapshot.closesAt <= now;
  const probeDue = !closed && snapshot.state === 'open' && snapshot.nextProbeAt !== null && snapshot.nextProbeAt <= now;
  const holdOver = snapshot.heldUntil !== null && snapshot.heldUntil <= now;
  if (!closed && !probeDue && !holdOver) return snapshot;
  return {
    ...snapshot,
    ...(closed ? { state: 'closed' as const, since: snapshot.closesAt ?? now, nextProbeAt: null, closesAt: null } : {}),
    ...(probeDue ? { state: 'half_open' as const, nextProbeAt: null } : {}),
    ...(holdOver ? { heldUntil: null } : {}),
  };
}

/** A breaker event for every route whose state differs between two lists. */
export function breakerChanges(before: readonly BreakerSnapshot[], after: readonly BreakerSnapshot[], now: number): ManagerEvent[] {
  const events: ManagerEvent[] = [];
  for (const next of after) {
    const previous = before.find((b) => b.provider === next.provider && b.model === next.model);
    const from = previous ? asOf(previous, now).state : 'closed';
    const to = asOf(next, now).state;
    if (from !== to) events.push({ type: 'breaker', time: now, provider: next.provider, model: next.model, from, to, nextProbeAt: next.nextProbeAt });
  }
  return events;
}

/** A hold event for every route whose hold (as of now) differs between two lists. */
export function holdChanges(before: readonly BreakerSnapshot[], after: readonly BreakerSnapshot[], now: number): ManagerEvent[] {
  const events: ManagerEvent[] = [];
  for (const next of after) {
    const previous = before.find((b) => b.provider === next.provider && b.model === next.model);
    const from = previous ? asOf(previous, now).heldUntil : null;
    const to = asOf(next, now).heldUntil;
    if (from !== to) events.push({ type: 'hold', time: now, provider: next.provider, model: next.model, until: to });
  }
  return events;
}
