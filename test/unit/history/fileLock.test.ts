import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { STALE_AFTER_MS, WAIT_LIMIT_MS, withFileLock } from '../../../src/core/history/fileLock';
import { FakeClock } from '../../support/fakeClock';

function scratch(): string {
  return mkdtempSync(path.join(tmpdir(), 'rc-lock-'));
}

describe('history file lock', () => {
  it('runs one holder at a time and removes the lock after', { timeout: 10_000 }, async () => {
    const dir = scratch();
    const lock = path.join(dir, 'history.json.lock');
    let inside = 0;
    let most = 0;
    const holder = async (): Promise<void> => {
      inside += 1;
      most = Math.max(most, inside);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inside -= 1;
    };
    await Promise.all(Array.from({ length: 5 }, () => withFileLock(lock, holder)));
    assert.equal(most, 1);
    assert.equal(existsSync(lock), false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes over a lock whose holder no longer runs (stale-lock rule)', { timeout: 10_000 }, async () => {
    const dir = scratch();
    const lock = path.join(dir, 'history.json.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(lock, `${dead} ${hostname()} 2026-11-29T00:00:00.000Z\n`);
    assert.equal(await withFileLock(lock, async () => 'ran'), 'ran');
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits while a live holder keeps the lock, and fails within its bound when it never lets go', { timeout: 10_000 }, async () => {
    const dir = scratch();
    const lock = path.join(dir, 'history.json.lock');
    writeFileSync(lock, `${process.pid} ${hostname()} now\n`);
    const clock = new FakeClock(Date.now());
    const started = clock.now();
    const waiting = settledFlag(withFileLock(lock, async () => 'never', clock));
    while (!waiting.settled) {
      await nextSleepOrSettled(clock, waiting);
      if (waiting.settled) break;
      assert.ok(clock.now() - started <= WAIT_LIMIT_MS + 250, 'still waiting past its bound');
      clock.advance(250);
    }
    await assert.rejects(waiting.promise, /stayed locked by another writer for 15 s/);
    assert.ok(clock.now() - started >= WAIT_LIMIT_MS, `gave up after ${clock.now() - started} ms`);
    assert.ok(existsSync(lock), "the live holder's lock is left alone");
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the lock as soon as a live holder lets go', { timeout: 10_000 }, async () => {
    const dir = scratch();
    const lock = path.join(dir, 'history.json.lock');
    writeFileSync(lock, `${process.pid} ${hostname()} now\n`);
    const clock = new FakeClock(Date.now());
    const started = clock.now();
    const waiting = settledFlag(withFileLock(lock, async () => 'ran', clock));
    while (clock.now() - started < 5_000) {
      await nextSleepOrSettled(clock, waiting);
      assert.equal(waiting.settled, false, 'waits while the holder keeps it');
      clock.advance(250);
    }
    rmSync(lock);
    while (!waiting.settled) {
      await nextSleepOrSettled(clock, waiting);
      clock.advance(250);
    }
    assert.equal(await waiting.promise, 'ran');
    assert.ok(clock.now() - started < WAIT_LIMIT_MS);
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes over a lock older than any save could take, even from a holder that seems to run', { timeout: 10_000 }, async () => {
    const dir = scratch();
    const lock = path.join(dir, 'history.json.lock');
    writeFileSync(lock, `${process.pid} ${hostname()} now\n`);
    const clock = new FakeClock(Date.now() + STALE_AFTER_MS + 1_000);
    assert.equal(await withFileLock(lock, async () => 'ran', clock), 'ran');
    assert.equal(existsSync(lock), false);
    rmSync(dir, { recursive: true, force: true });
  });
});

interface Watched<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
}

function settledFlag<T>(promise: Promise<T>): Watched<T> {
  const watched = { promise, settled: false };
  promise.then(
    () => (watched.settled = true),
    () => (watched.settled = true),
  );
  return watched;
}

/** Lets the lock's file I/O run until it sleeps on the clock again or has settled (bounded in real time). */
async function nextSleepOrSettled(clock: FakeClock, watched: Watched<unknown>): Promise<void> {
  const limit = Date.now() + 5_000;
  while (clock.pending === 0 && !watched.settled) {
    if (Date.now() > limit) throw new Error('the lock neither slept nor settled');
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
