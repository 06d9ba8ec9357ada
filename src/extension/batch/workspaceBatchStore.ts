// Batch records, their unsent request bodies and their results, kept in the
// workspace's state: a batch outlives a window reload (or a restart) and is picked
// up again by the next window of the same workspace. Nothing here holds a secret.
import type * as vscode from 'vscode';
import type { BatchApiCall, BatchRecord, BatchRequestSpec, BatchResultEntry, BatchStore } from '../../core/batch/batchTypes';

const RECORDS = 'resilientClaude.batches.records';
const CALLS = 'resilientClaude.batches.calls';
const pendingKey = (localId: string): string => `resilientClaude.batches.pending.${localId}`;
const resultsKey = (localId: string): string => `resilientClaude.batches.results.${localId}`;

export class WorkspaceBatchStore implements BatchStore {
  /** Writes are chained so two quick updates of the record list cannot undo each other. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly memento: vscode.Memento) {}

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

  pending(localId: string): readonly BatchRequestSpec[] | undefined {
    return this.memento.get<BatchRequestSpec[]>(pendingKey(localId));
  }

  putPending(localId: string, requests: readonly BatchRequestSpec[] | undefined): Promise<void> {
    return this.write(() => this.memento.update(pendingKey(localId), requests));
  }

  results(localId: string): readonly BatchResultEntry[] | undefined {
    return this.memento.get<BatchResultEntry[]>(resultsKey(localId));
  }

  putResults(localId: string, results: readonly BatchResultEntry[]): Promise<void> {
    return this.write(() => this.memento.update(resultsKey(localId), results));
  }

  remove(localId: string): Promise<void> {
    return this.write(async () => {
      await this.memento.update(RECORDS, this.list().filter((r) => r.localId !== localId));
      await this.memento.update(pendingKey(localId), undefined);
      await this.memento.update(resultsKey(localId), undefined);
    });
  }

  calls(): readonly BatchApiCall[] {
    return this.memento.get<BatchApiCall[]>(CALLS, []);
  }

  putCalls(calls: readonly BatchApiCall[]): Promise<void> {
    return this.write(() => this.memento.update(CALLS, calls));
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
