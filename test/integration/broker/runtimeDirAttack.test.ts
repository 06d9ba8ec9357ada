// Another local user cannot take the API key through the broker's socket. With no
// XDG_RUNTIME_DIR the broker folder's name in the shared temp folder is predictable: `nobody`
// (setpriv) squats it with a symbolic link and races a fake broker behind it while a client
// starts. The client refuses the link at once, says so once, answers in-process, and the next
// client shares a broker again from a private folder in the home. A fake broker on the socket
// that cannot read the user's files cannot prove itself, and is sent nothing else.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { brokerSocketPath, homeRuntimeDir } from '../../../src/broker/runtimeDir';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { TEST_KEY, scenario } from '../core/harness';
import { writeFakeBroker } from './fakeBroker';
import { ask, brokerEnv, brokerPids, cleanUp, eventually, json, requireBuild, runtimeDir } from './brokerKit';

const PROMPT = 'who is on the other end of this socket';
const NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];

function canDropToNobody(): string | false {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'needs root on Linux to run a second user';
  const probe = spawnSync('setpriv', [...NOBODY, 'true']);
  return probe.status === 0 ? false : 'setpriv cannot run a process as nobody here';
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}

let sim: RunningSimulator;
const cleanups: Array<() => Promise<void> | void> = [];

before(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await sim.close();
});

function tempDir(prefix: string, mode: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, mode);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function startFake(args: readonly string[], asNobody: boolean): ChildProcess {
  const child = asNobody
    ? spawn('setpriv', [...NOBODY, process.execPath, ...args], { stdio: 'ignore' })
    : spawn(process.execPath, args, { stdio: 'ignore' });
  cleanups.push(() => {
    child.kill('SIGKILL');
  });
  return child;
}

describe('the broker folder and socket under attack', { timeout: 120_000 }, () => {
  test('a squatted temp-folder name (a link re-pointed at a fake broker by nobody) is refused; the key never reaches the fake', { skip: canDropToNobody() }, async () => {
    // A shared temp folder like /tmp, a home of ours, a private folder of ours, and the attacker's own folder.
    const shared = tempDir('rc-shared-tmp-', 0o1777);
    const home = tempDir('rc-home-', 0o700);
    const ours = tempDir('rc-ours-', 0o700);
    const theirs = tempDir('rc-theirs-', 0o700);
    chownSync(theirs, 65534, 65534);
    const script = writeFakeBroker(theirs);
    const link = path.join(shared, `resilient-claude-${process.getuid!()}`);
    const fakeLog = path.join(theirs, 'log');
    // nobody squats the name with a link to a private folder of ours, then races a fake broker behind it.
    const squat = spawnSync('setpriv', [...NOBODY, process.execPath, '-e', `require('fs').symlinkSync(${JSON.stringify(ours)}, ${JSON.stringify(link)})`]);
    assert.equal(squat.status, 0, squat.stderr?.toString());
    startFake([script, brokerSocketPath(theirs), fakeLog, '--swap', link, ours, theirs], true);
    assert.ok(await eventually(() => readLog(fakeLog).includes('LISTENING')), 'the fake broker listens');

    const env: NodeJS.ProcessEnv = { ...brokerEnv(''), TMPDIR: shared, HOME: home };
    delete env['RESILIENT_CLAUDE_RUNTIME_DIR'];
    delete env['XDG_RUNTIME_DIR'];
    const moved = homeRuntimeDir(env);
    cleanups.push(() => cleanUp(moved));

    const first = await ask(['--broker', '--json', '--base-url', sim.url, PROMPT], env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(json(first).ok, true);
    assert.equal(json(first).broker?.mode, 'local', 'the first request ran in-process');
    const refusals = first.stderr.match(/Refusing the broker folder [^\n]*it is a symbolic link/g) ?? [];
    assert.equal(refusals.length, 1, `said once:\n${first.stderr}`);
    assert.match(first.stderr, /the next ones share a broker in /);

    const second = await ask(['--broker', '--json', '--base-url', sim.url, PROMPT], env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(json(second).broker?.mode, 'shared', `sharing works again:\n${second.stderr}`);
    assert.deepEqual(brokerPids(moved), [json(second).broker?.pid], 'our own broker, in the private folder of the home, served it');

    const seen = readLog(fakeLog);
    assert.doesNotMatch(seen, /CONNECT/, 'no client ever reached the fake broker');
    for (const output of [seen, first.stdout, first.stderr, second.stdout, second.stderr]) assert.equal(output.includes(TEST_KEY), false);
  });

  test('a process on the socket that cannot prove it is the broker is sent nothing but the handshake', async () => {
    const dir = runtimeDir();
    cleanups.push(() => cleanUp(dir));
    const logs = tempDir('rc-fake-log-', 0o700);
    const fakeLog = path.join(logs, 'log');
    startFake([writeFakeBroker(logs), brokerSocketPath(dir), fakeLog], false);
    assert.ok(await eventually(() => readLog(fakeLog).includes('LISTENING')), 'the fake broker listens');

    const result = await ask(['--broker', '--json', '--base-url', sim.url, PROMPT], brokerEnv(dir));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(json(result).ok, true);
    assert.equal(json(result).broker?.mode, 'local');
    assert.match(result.stderr, /could not prove it is your broker; nothing was sent to it/);
    const seen = readLog(fakeLog);
    assert.match(seen, /"method":"initialize"/, 'the fake was asked for its proof');
    assert.doesNotMatch(seen, /resilientClaude\//, 'nothing after the handshake');
    assert.equal(seen.includes(TEST_KEY), false);
    assert.equal(result.stdout.includes(TEST_KEY) || result.stderr.includes(TEST_KEY), false);
  });
});
