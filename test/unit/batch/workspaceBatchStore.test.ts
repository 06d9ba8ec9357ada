// The workspace-state store of batches with a hand-written Memento: records,
// pending bodies and results round-trip, quick successive writes keep every
// record, and removing a batch removes all three.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { WorkspaceBatchStore } from '../../../src/extension/batch/workspaceBatchStore';
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
    const store = new WorkspaceBatchStore(memento);
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => store.put(record(id))));
    assert.deepEqual(store.list().map((r) => r.localId).sort(), ['a', 'b', 'c', 'd']);
    await store.put({ ...record('b'), status: 'in_progress' });
    assert.equal(store.get('b')?.status, 'in_progress');
    await store.putPending('b', [{ customId: 'r1', label: 'a', params: { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] } }]);
    await store.putResults('b', [{ customId: 'r1', label: 'a', type: 'succeeded', text: 'ok' }]);
    assert.equal(store.pending('b')?.length, 1);
    assert.equal(store.results('b')?.[0]?.text, 'ok');
    await store.remove('b');
    assert.equal(store.get('b'), undefined);
    assert.equal(store.pending('b'), undefined);
    assert.equal(store.results('b'), undefined);
    assert.deepEqual(memento.keys().filter((k) => k.endsWith('.b')), []);
    // A new store over the same state (a reloaded window) sees the same batches.
    assert.deepEqual(new WorkspaceBatchStore(memento).list().map((r) => r.localId).sort(), ['a', 'c', 'd']);
  });
});
