// The workspace store of batches with a hand-written Memento and file store: records,
// pending bodies and results round-trip, quick successive writes keep every record,
// bodies and results stay out of the workspace state, and removing a batch removes all three.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { WorkspaceBatchStore } from '../../../src/extension/batch/workspaceBatchStore';
import type { BlobStore } from '../../../src/extension/batch/workspaceBatchStore';
import { EMPTY_COUNTS } from '../../../src/core/batch/batchTypes';
import type { BatchRecord } from '../../../src/core/batch/batchTypes';

/** Like the extension host's: the value is there at once, the write settles a little later. */
class TestMemento implements vscode.Memento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T {
    return (this.values.has(key) ? structuredClone(this.values.get(key)) : defaultValue) as T;
  }
  async update(key: string, value: unknown): Promise<void> {
    await new Promise((r) => setTimeout(r, 1));
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, structuredClone(value));
  }
}

class TestFiles implements BlobStore {
  readonly files = new Map<string, string>();
  async read(name: string): Promise<string | undefined> {
    return this.files.get(name);
  }
  async write(name: string, text: string): Promise<void> {
    this.files.set(name, text);
  }
  async delete(name: string): Promise<void> {
    this.files.delete(name);
  }
}

const record = (localId: string): BatchRecord => ({
  localId,
  batchId: null,
  title: localId,
  model: 'claude-haiku-5-5',
  createdAt: 0,
  status: 'submitting',
  counts: EMPTY_COUNTS,
  total: 1,
  expiresAt: null,
  endedAt: null,
  createRequestId: null,
  estimate: { inputTokens: 1, maxOutputTokens: 1, costUsd: null, bytes: 1 },
  requests: [{ customId: 'r1', label: 'a' }],
  problem: null,
  resultsStored: false,
  notified: false,
});

describe('workspace batch store', () => {
  it('keeps every record when writes come in quick succession, and removes a batch whole', async () => {
    const memento = new TestMemento();
    const files = new TestFiles();
    const store = new WorkspaceBatchStore(memento, files);
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => store.put(record(id))));
    assert.deepEqual(store.list().map((r) => r.localId).sort(), ['a', 'b', 'c', 'd']);
    await store.put({ ...record('b'), status: 'in_progress' });
    assert.equal(store.get('b')?.status, 'in_progress');
    await store.putPending('b', [{ customId: 'r1', label: 'a', params: { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] } }]);
    await store.putResults('b', [{ customId: 'r1', label: 'a', type: 'succeeded', text: 'ok' }]);
    assert.equal((await store.pending('b'))?.length, 1);
    assert.equal((await store.results('b'))?.[0]?.text, 'ok');
    assert.deepEqual([...files.files.keys()].sort(), ['b.requests.json', 'b.results.json']);
    assert.deepEqual(memento.keys(), ['resilientClaude.batches.records'], 'bodies and results stay out of the workspace state');
    await store.remove('b');
    assert.equal(store.get('b'), undefined);
    assert.equal(await store.pending('b'), undefined);
    assert.equal(await store.results('b'), undefined);
    assert.equal(files.files.size, 0);
    // A new store over the same state (a reloaded window) sees the same batches.
    assert.deepEqual(new WorkspaceBatchStore(memento, files).list().map((r) => r.localId).sort(), ['a', 'c', 'd']);
  });
});
