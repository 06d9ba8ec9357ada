import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { withFileLock } from '../../../src/core/history/fileLock';

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

  it('waits while a live holder keeps the lock, and fails within its bound when it never lets go', { timeout: 30_000 }, async () => {
    const dir = scratch();
    const lock = path.join(dir, 'history.json.lock');
    writeFileSync(lock, `${process.pid} ${hostname()} now\n`);
    const started = Date.now();
    await assert.rejects(withFileLock(lock, async () => 'never'), /stayed locked by another writer/);
    assert.ok(Date.now() - started >= 10_000);
    rmSync(dir, { recursive: true, force: true });
  });
});
