// The e2e session's teardown, without a VS Code: a process group is stopped only when its
// last member has gone (one ignoring SIGTERM and writing into the sandbox included), and a
// detached helper still using the sandbox (as a broker does) is stopped before the sandbox
// is removed — nothing writes into a folder after teardown deleted it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { E2eSession, groupMembers, processesUsing, sleep, spawnGroup } from './harness';

/** A shell loop that ignores SIGTERM and appends to `file` every 50 ms. */
const STUBBORN_WRITER = 'trap "" TERM; while :; do echo tick >> "$OUT"; sleep 0.05; done';

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(50);
  assert.ok(condition(), 'the condition held in time');
}

test('stopping a process group resolves only once every member has exited', { timeout: 60_000 }, async () => {
  const session = new E2eSession('teardown-group');
  try {
    const out = join(session.sandbox, 'group.log');
    // The leader forks a writer that ignores SIGTERM, then waits: the writer outlives a TERM to the group.
    const group = spawnGroup('sh', ['-c', `(${STUBBORN_WRITER}) & wait`], { env: { ...process.env, OUT: out } });
    const pid = group.child.pid ?? 0;
    await waitFor(() => existsSync(out), 10_000);
    assert.equal(groupMembers(pid).length >= 2, true, 'leader and writer run');
    await group.stop(500);
    assert.deepEqual(groupMembers(pid), [], 'no member of the group is left');
    const size = statSync(out).size;
    await sleep(300);
    assert.equal(statSync(out).size, size, 'nothing writes after stop() resolved');
  } finally {
    await session.close();
  }
});

test('closing a session stops what still uses its sandbox, then removes it, in reverse order', { timeout: 60_000 }, async () => {
  const session = new E2eSession('teardown-session');
  const order: string[] = [];
  session.defer(() => order.push('started first'));
  session.defer(() => order.push('started last'));
  // A detached helper of its own group that names the sandbox in its environment, as a broker does.
  const helper = spawn('sh', ['-c', STUBBORN_WRITER], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, OUT: join(session.sandbox, 'helper.log'), RESILIENT_CLAUDE_RUNTIME_DIR: join(session.sandbox, 'run') },
  });
  helper.unref();
  await waitFor(() => existsSync(join(session.sandbox, 'helper.log')), 10_000);
  assert.ok(processesUsing(session.sandbox).includes(helper.pid ?? 0), 'the helper is seen as using the sandbox');
  await session.close();
  assert.deepEqual(order, ['started last', 'started first']);
  assert.deepEqual(processesUsing(session.sandbox), [], 'nothing uses the sandbox any more');
  assert.equal(existsSync(session.sandbox), false, 'the sandbox is gone');
  await sleep(300);
  assert.equal(existsSync(session.sandbox), false, 'and nothing recreated it');
  await session.close(); // a second close is harmless
});
