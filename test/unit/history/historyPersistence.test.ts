import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHistory } from '../../../src/core/history/createHistory';
import { attempt, DAY, MemoryStorage, MINUTE, overloaded, T0, waitFor } from './historyTestKit';
import { FakeClock } from '../../support/fakeClock';

const OPTS = { timeout: 10_000 };

describe('history persistence', () => {
  it('round-trips buckets and failures through its storage', OPTS, async () => {
    const clock = new FakeClock(T0 + 10 * MINUTE);
    const storage = new MemoryStorage();
    const first = createHistory({ storage, clock });
    assert.deepEqual(await first.load(), { status: 'empty' });
    first.record(attempt({ time: T0, model: 'claude-opus-5-5' }));
    first.record(overloaded({ time: T0 + 1_000, model: 'claude-opus-5-5', requestId: 'req_saved', clientRequestId: 'rc_saved' }));
    first.record(attempt({ time: T0 + 3 * MINUTE, model: 'claude-haiku-5-5', status: 500, errorClass: 'transient', errorType: 'api_error' }));
    await first.flush();
    await first.dispose();

    const second = createHistory({ storage, clock });
    const result = await second.load();
    assert.deepEqual(result, { status: 'loaded', buckets: 2, failures: 2 });
    assert.deepEqual(second.buckets({ sinceMs: 0 }), first.buckets({ sinceMs: 0 }));
    assert.deepEqual(second.failures(), first.failures());
    assert.equal(second.failures({ model: 'claude-opus-5-5' })[0]?.requestId, 'req_saved');
    await second.dispose();
  });

  it('merges what was recorded before loading finished with what was stored', OPTS, async () => {
    const clock = new FakeClock(T0 + MINUTE);
    const storage = new MemoryStorage();
    const first = createHistory({ storage, clock });
    await first.load();
    first.record(attempt({ time: T0 }));
    await first.flush();

    const second = createHistory({ storage, clock });
    second.record(overloaded({ time: T0 + 10 }));
    await second.load();
    const [bucket] = second.buckets({ sinceMs: 0 });
    assert.equal(bucket?.attempts, 2);
    assert.equal(bucket?.overloaded529, 1);
    await second.flush();
    const third = createHistory({ storage, clock });
    await third.load();
    assert.equal(third.buckets({ sinceMs: 0 })[0]?.attempts, 2);
  });

  it('does not bring back buckets that fell out of retention while the editor was closed', OPTS, async () => {
    const clock = new FakeClock(T0);
    const storage = new MemoryStorage();
    const first = createHistory({ storage, clock });
    await first.load();
    first.record(overloaded({ time: T0 }));
    await first.flush();

    clock.advance(9 * DAY);
    const second = createHistory({ storage, clock });
    assert.deepEqual(await second.load(), { status: 'loaded', buckets: 0, failures: 0 });
    assert.deepEqual(second.models(), []);
    assert.deepEqual(second.failures(), []);
  });

  it('saves on its own after a change, once loaded', OPTS, async () => {
    const storage = new MemoryStorage();
    const history = createHistory({ storage, persistDelayMs: 5 });
    await history.load();
    history.record(attempt({ time: Date.now() }));
    await waitFor(() => storage.writes.length === 1, 'the debounced save');
    const reloaded = createHistory({ storage });
    await reloaded.load();
    assert.equal(reloaded.buckets({ sinceMs: 0 })[0]?.attempts, 1);
    await history.dispose();
  });

  it('reports a failed background save as a warning and retries on the next flush', OPTS, async () => {
    const storage = new MemoryStorage();
    storage.failWrites = true;
    const history = createHistory({ storage, persistDelayMs: 1 });
    const warnings: string[] = [];
    history.onWarning((message) => warnings.push(message));
    await history.load();
    history.record(attempt({ time: Date.now() }));
    await waitFor(() => warnings.length === 1, 'the save warning');
    assert.match(warnings[0] ?? '', /Could not save the request history: disk full/);
    storage.failWrites = false;
    await history.flush();
    assert.equal(storage.writes.length, 1);
    await history.dispose();
  });

  it('sets a corrupt store aside, warns, and starts empty', OPTS, async () => {
    for (const corrupt of [
      '{"format":"resilient-claude-history","version":1,"savedAt":1,"bucketMs":60000,"buckets":{"m":[[1,2,3]]},"failures":[]}',
      '{ not json',
      '{"format":"resilient-claude-history","version":99,"savedAt":1,"bucketMs":60000,"buckets":{},"failures":[]}',
      '[1,2,3]',
    ]) {
      const storage = new MemoryStorage(corrupt);
      const history = createHistory({ storage, clock: new FakeClock(T0), persistDelayMs: 1 });
      const warnings: string[] = [];
      history.onWarning((message) => warnings.push(message));
      const result = await history.load();
      assert.equal(result.status, 'corrupt', corrupt);
      assert.equal(storage.setAsideReasons.length, 1);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /unreadable .* set aside .* starts empty/);
      assert.deepEqual(history.models(), []);
      // The history keeps working and persists a fresh, valid store.
      history.record(attempt());
      await history.flush();
      const again = createHistory({ storage, clock: new FakeClock(T0) });
      assert.equal((await again.load()).status, 'loaded');
      await history.dispose();
    }
  });

  it('starts empty without crashing when the storage cannot be read', OPTS, async () => {
    const storage = new MemoryStorage();
    storage.read = () => Promise.reject(new Error('EACCES: permission denied'));
    const history = createHistory({ storage });
    const result = await history.load();
    assert.equal(result.status, 'unavailable');
    assert.equal(storage.setAsideReasons.length, 0, 'an unreadable file is not moved');
    history.record(attempt({ time: Date.now() }));
    assert.equal(history.models().length, 1);
  });

  it('does not overwrite the stored history on dispose when it was never loaded', OPTS, async () => {
    const storage = new MemoryStorage('untouched');
    const history = createHistory({ storage });
    history.record(attempt({ time: Date.now() }));
    await history.dispose();
    assert.equal(storage.data, 'untouched');
  });

  it('lets two editor windows share one store without overwriting each other', OPTS, async () => {
    const clock = new FakeClock(T0 + MINUTE);
    const storage = new MemoryStorage();
    const windowA = createHistory({ storage, clock });
    const windowB = createHistory({ storage, clock });
    await windowA.load();
    await windowB.load();
    const total = (h: typeof windowA) => h.buckets({ sinceMs: 0 }).reduce((n, b) => n + b.attempts, 0);

    for (let i = 0; i < 3; i += 1) windowA.record(attempt({ time: T0 + i }));
    windowB.record(overloaded({ time: T0 + 10, requestId: 'req_from_B' }));
    windowB.record(attempt({ time: T0 + 11 }));
    await windowA.flush();
    await windowB.flush();
    // B took in A's saved attempts before writing.
    assert.equal(total(windowB), 5);
    assert.equal(windowB.buckets({ sinceMs: 0 })[0]?.overloaded529, 1);

    windowA.record(attempt({ time: T0 + 20 }));
    await windowA.flush();
    assert.equal(total(windowA), 6);
    assert.equal(windowA.failures()[0]?.requestId, 'req_from_B');

    const reopened = createHistory({ storage, clock });
    await reopened.load();
    assert.equal(total(reopened), 6);
  });

  it('after clear, saves an empty history instead of merging the old one back', OPTS, async () => {
    const clock = new FakeClock(T0 + MINUTE);
    const storage = new MemoryStorage();
    const windowA = createHistory({ storage, clock });
    const windowB = createHistory({ storage, clock });
    await windowA.load();
    await windowB.load();
    windowB.record(attempt({ time: T0 }));
    await windowB.flush();
    windowA.record(attempt({ time: T0 }));
    windowA.clear();
    await windowA.flush();
    const reopened = createHistory({ storage, clock });
    assert.deepEqual(await reopened.load(), { status: 'loaded', buckets: 0, failures: 0 });

    // The other window's next save keeps only what it recorded since.
    windowB.record(attempt({ time: T0 + 5 }));
    await windowB.flush();
    assert.equal(windowB.buckets({ sinceMs: 0 })[0]?.attempts, 1);
  });

  it('keeps attempts whose save failed for the next save, even if another window saved meanwhile', OPTS, async () => {
    const clock = new FakeClock(T0 + MINUTE);
    const storage = new MemoryStorage();
    const windowA = createHistory({ storage, clock });
    const windowB = createHistory({ storage, clock });
    await windowA.load();
    await windowB.load();
    windowA.record(attempt({ time: T0 }));
    windowA.record(attempt({ time: T0 + 1 }));
    storage.failWrites = true;
    await assert.rejects(windowA.flush(), /disk full/);
    storage.failWrites = false;
    windowB.record(attempt({ time: T0 + 2 }));
    await windowB.flush();
    await windowA.flush();
    const reopened = createHistory({ storage, clock });
    await reopened.load();
    assert.equal(reopened.buckets({ sinceMs: 0 })[0]?.attempts, 3);
  });
});
