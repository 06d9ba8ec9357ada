// The last few hundred Batches API calls (every try), newest last: the panel's
// failures table and the escalation report read the failed ones with their request ids.
import type { BatchApiCall } from './batchTypes';

export const MAX_BATCH_CALLS = 300;

export class BatchCallLog {
  private calls: BatchApiCall[];

  constructor(initial: readonly BatchApiCall[] = [], private readonly onChange?: (calls: readonly BatchApiCall[]) => void) {
    this.calls = initial.slice(-MAX_BATCH_CALLS);
  }

  add(call: BatchApiCall): void {
    this.calls.push(call);
    if (this.calls.length > MAX_BATCH_CALLS) this.calls = this.calls.slice(-MAX_BATCH_CALLS);
    this.onChange?.(this.calls);
  }

  all(): readonly BatchApiCall[] {
    return this.calls;
  }

  failures(): BatchApiCall[] {
    return this.calls.filter((c) => !c.ok);
  }
}
