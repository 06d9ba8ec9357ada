// Matches manager events to the request a command started. The manager names a
// request by its clientRequestId only in events, so a command claims the next
// id it has not seen yet: the first event of a new request belongs to the oldest
// waiting claim.
import type { ManagerEvent } from '../core/types';

const MAX_FINISHED = 100;

export interface Claim {
  /** Known once the first event of the request arrived. */
  clientRequestId: string | null;
}

export class RequestClaims {
  private readonly owners = new Map<string, Claim>();
  private readonly waiting: Claim[] = [];
  /** Ids of requests whose command already finished: their late events are nobody's. */
  private readonly finished = new Set<string>();

  claim(): Claim {
    const claim: Claim = { clientRequestId: null };
    this.waiting.push(claim);
    return claim;
  }

  /** The claim an event belongs to, or undefined for events of other requests (or of none). */
  ownerOf(event: ManagerEvent): Claim | undefined {
    if (!('clientRequestId' in event)) return undefined;
    const id = event.clientRequestId;
    const known = this.owners.get(id);
    if (known) return known;
    if (event.type === 'request' || this.finished.has(id)) return undefined;
    const next = this.waiting.shift();
    if (!next) return undefined;
    next.clientRequestId = id;
    this.owners.set(id, next);
    return next;
  }

  release(claim: Claim): void {
    const index = this.waiting.indexOf(claim);
    if (index >= 0) this.waiting.splice(index, 1);
    if (claim.clientRequestId === null) return;
    this.owners.delete(claim.clientRequestId);
    this.finished.add(claim.clientRequestId);
    if (this.finished.size > MAX_FINISHED) {
      const oldest = this.finished.values().next().value;
      if (oldest !== undefined) this.finished.delete(oldest);
    }
  }
}
