// Batches kept for the workspace: the records (small) in the workspace's state, the
// request bodies of unsent batches and the results (up to 256 MB and 100,000 entries) as
// JSON files in the extension's workspace storage folder. A batch outlives a window
// reload or a restart and is picked up by the next window of the same workspace.
// Nothing here holds a secret.
import type * as vscode from 'vscode';
import type { BatchApiCall, BatchRecord, BatchRequestSpec, BatchResultEntry, BatchStore } from '../../core/batch/batchTypes';

const RECORDS = 'resilientClaude.batches.records';
const CALLS = 'resilientClaude.batches.calls';

/** Named text files (the extension's storage folder; a map in tests). */
export interface BlobStore {
  read(name: string): Promise<string | undefined>;
  write(name: string, text: string): Promise<void>;
  delete(name: string): Promise<void>;
}

const pendingFile = (localId: string): string => `${localId}.requests.json`;
const resultsFile = (localId: string): string => `${localId}.results.json`;

export class WorkspaceBatchStore implements BatchStore {
  /** Record writes are chained so two quick updates of the list cannot undo each other. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly memento: vscode.Memento,
    private readonly blobs: BlobStore,
  ) {}

  list(): readonly BatchRecord[] {
    return this.memento.get<BatchRecord[]>(RECORDS, []);
  }

  get(localId: string): BatchRecord | undefined {
    return this.list().find((r) => r.localId === localId);
  }

  put(record: BatchRecord): Promise<void> {
    return this.write(async () => {
      const others = this.list().filter((r) => r.localId !== record.localId);
      await this.memento.update(RECORDS, [...others, record]);
    });
  }

  async pending(localId: string): Promise<readonly BatchRequestSpec[] | undefined> {
    return this.readJson<BatchRequestSpec[]>(pendingFile(localId));
  }

  putPending(localId: string, requests: readonly BatchRequestSpec[] | undefined): Promise<void> {
    return requests === undefined ? this.blobs.delete(pendingFile(localId)) : this.blobs.write(pendingFile(localId), JSON.stringify(requests));
  }

  async results(localId: string): Promise<readonly BatchResultEntry[] | undefined> {
    return this.readJson<BatchResultEntry[]>(resultsFile(localId));
  }

  putResults(localId: string, results: readonly BatchResultEntry[]): Promise<void> {
    return this.blobs.write(resultsFile(localId), JSON.stringify(results));
  }

  async remove(localId: string): Promise<void> {
    await this.write(() => this.memento.update(RECORDS, this.list().filter((r) => r.localId !== localId)));
    await this.blobs.delete(pendingFile(localId));
    await this.blobs.delete(resultsFile(localId));
  }

  calls(): readonly BatchApiCall[] {
    return this.memento.get<BatchApiCall[]>(CALLS, []);
  }

  putCalls(calls: readonly BatchApiCall[]): Promise<void> {
    return this.write(() => this.memento.update(CALLS, calls));
  }

  private async readJson<T>(name: string): Promise<T | undefined> {
    const text = await this.blobs.read(name);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined; // a torn write: treated as absent
    }
  }

  private write(step: () => Thenable<void> | Promise<void>): Promise<void> {
    const next = this.writing.then(step, step);
    this.writing = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}
