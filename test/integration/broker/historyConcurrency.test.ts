// History from concurrent clients: every attempt is kept, whether each process writes the file
// itself (a lock around read-merge-write) or the broker is the one writer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createFileHistoryStorage } from '../../../src/core/history/fileHistoryStorage';
import { createHistory } from '../../../src/core/history/createHistory';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { OPUS, TEST_KEY, scenario } from '../core/harness';
import { ask, brokerEnv, brokerPids, cleanUp, eventually, json, pidFile, requireBuild, runtimeDir } from './brokerKit';

const CLIENTS = 4;
const PROMPT = 'count every attempt';

async function attemptsInFile(file: string): Promise<number> {
  const history = createHistory({ storage: createFileHistoryStorage(file) });
  const loaded = await history.load();
  assert.equal(loaded.status, 'loaded', `the history file reads back (${JSON.stringify(loaded)})`);
  const total = history.buckets({ sinceMs: 0 }).reduce((sum, b) => sum + b.attempts, 0);
  await history.dispose();
  return total;
}

before(() => requireBuild());

describe('history from concurrent clients', { timeout: 120_000 }, () => {
  let sim: RunningSimulator;
  const scratch: string[] = [];
  before(async () => {
    // Some 529s on the primary, so clients retry and fall back: several attempts each.
    sim = await startSimulator({ scenario: scenario({ [OPUS]: { p529: 0.5 } }), apiKey: TEST_KEY });
  });
  after(async () => {
    await sim.close();
    for (const dir of scratch) await cleanUp(dir);
  });

  const historyFile = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rc-history-'));
    scratch.push(dir);
    return path.join(dir, 'history.json');
  };

  test(`${CLIENTS} processes each saving the same file: the count equals the simulator's`, async () => {
    sim.reset();
    const file = historyFile();
    const dir = runtimeDir();
    scratch.push(dir);
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, () => ask(['--json', '--history', file, '--base-url', sim.url, PROMPT], brokerEnv(dir))),
    );
    for (const r of results) assert.equal(json(r).ok, true, r.stderr);
    const made = results.reduce((sum, r) => sum + json(r).attempts.length, 0);
    assert.equal(sim.stats().total, made);
    assert.equal(await attemptsInFile(file), sim.stats().total);
  });

  test(`${CLIENTS} clients of one broker: the broker writes every attempt once`, async () => {
    sim.reset();
    const file = historyFile();
    const dir = runtimeDir();
    scratch.push(dir);
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, () => ask(['--broker', '--json', '--history', file, '--base-url', sim.url, PROMPT], brokerEnv(dir))),
    );
    for (const r of results) assert.equal(json(r).broker?.mode, 'shared', r.stderr);
    // The broker flushes its history when it stops.
    const pid = pidFile(dir);
    assert.ok(pid !== null);
    process.kill(pid, 'SIGTERM');
    assert.ok(await eventually(() => brokerPids(dir).length === 0), 'the broker stopped');
    assert.equal(await attemptsInFile(file), sim.stats().total);
    rmSync(dir, { recursive: true, force: true });
  });
});
