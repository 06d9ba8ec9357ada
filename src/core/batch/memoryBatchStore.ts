// A BatchStore in memory, copying on the way in and out as a persisted store
// would (for the CLI and tests; a "reload" is a new lane over the same store).
import type { BatchRecord, BatchRequestSpec, BatchResultEntry, BatchStore } from './batchTypes';

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class MemoryBatchStore implements BatchStore {
  private readonly records = new Map<string, BatchRecord>();
  private readonly pendingRequests = new Map<string, readonly BatchRequestSpec[]>();
  private readonly resultSets = new Map<string, readonly BatchResultEntry[]>();

  list(): readonly BatchRecord[] {
    return [...this.records.values()].map(copy);
  }

  get(localId: string): BatchRecord | undefined {
    const record = this.records.get(localId);
    return record ? copy(record) : undefined;
  }

  async put(record: BatchRecord): Promise<void> {
    this.records.set(record.localId, copy(record));
  }

  async pending(localId: string): Promise<readonly BatchRequestSpec[] | undefined> {
    const requests = this.pendingRequests.get(localId);
    return requests ? copy(requests) : undefined;
  }

  async putPending(localId: string, requests: readonly BatchRequestSpec[] | undefined): Promise<void> {
    if (requests === undefined) this.pendingRequests.delete(localId);
    else this.pendingRequests.set(localId, copy(requests));
  }

  async results(localId: string): Promise<readonly BatchResultEntry[] | undefined> {
    const results = this.resultSets.get(localId);
    return results ? copy(results) : undefined;
  }

  async putResults(localId: string, results: readonly BatchResultEntry[]): Promise<void> {
    this.resultSets.set(localId, copy(results));
  }

  async remove(localId: string): Promise<void> {
    this.records.delete(localId);
    this.pendingRequests.delete(localId);
    this.resultSets.delete(localId);
  }
}
