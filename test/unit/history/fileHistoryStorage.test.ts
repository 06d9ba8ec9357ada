import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { createHistory } from '../../../src/core/history/createHistory';
import { createFileHistoryStorage } from '../../../src/core/history/fileHistoryStorage';
import { attempt, overloaded, T0 } from './historyTestKit';
import { FakeClock } from '../../support/fakeClock';

const OPTS = { timeout: 20_000 };
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rc-history-'));
  dirs.push(dir);
  return dir;
}

after(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

describe('file history storage', () => {
  it('reads nothing before the first write and creates missing folders', OPTS, async () => {
    const dir = await tempDir();
    const storage = createFileHistoryStorage(path.join(dir, 'nested', 'history.json'));
    assert.equal(await storage.read(), undefined);
    await storage.write('{"a":1}');
    assert.equal(await storage.read(), '{"a":1}');
  });

  it('never lets a reader see a partial file, and leaves no temp files behind', OPTS, async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'history.json');
    const storage = createFileHistoryStorage(file);
    const versions = Array.from({ length: 12 }, (_, i) => JSON.stringify({ version: i, pad: 'x'.repeat(400_000 + i * 1000) }));
    await storage.write(versions[0] ?? '');

    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        const text = await fs.readFile(file, 'utf8');
        assert.ok(versions.includes(text), `a reader saw a partial file of ${text.length} chars`);
        reads += 1;
      }
    })();
    for (const version of versions.slice(1)) await storage.write(version);
    writing = false;
    await reader;
    assert.ok(reads > 0);
    assert.equal(await storage.read(), versions[versions.length - 1]);
    assert.deepEqual(await fs.readdir(dir), ['history.json']);
  });

  it('leaves a complete file behind when the writing process is killed mid-write', OPTS, async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'history.json');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'writeHistoryForever.ts'), file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('ready')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
      });
      // Let it get well into later writes, then kill it without warning.
      await new Promise((resolve) => setTimeout(resolve, 150));
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('close', resolve));
    }
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { version: number; pad: string };
    assert.equal(parsed.pad.length, 3_000_000);
    assert.ok(parsed.version >= 0);
  });

  it('cleans up temp files that a crashed write left long ago, but not recent ones', OPTS, async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'history.json');
    const stale = path.join(dir, '.history.json.999.abcdef.tmp');
    const recent = path.join(dir, '.history.json.998.fedcba.tmp');
    await fs.writeFile(stale, 'half');
    await fs.writeFile(recent, 'in progress');
    const anHourAgo = new Date(Date.now() - 60 * 60_000);
    await fs.utimes(stale, anHourAgo, anHourAgo);
    await createFileHistoryStorage(file).write('{}');
    assert.deepEqual((await fs.readdir(dir)).sort(), ['.history.json.998.fedcba.tmp', 'history.json']);
  });

  it('removes its temp file when a write fails', OPTS, async () => {
    const dir = await tempDir();
    // A non-empty directory where the file should be makes the final rename fail.
    await fs.mkdir(path.join(dir, 'blocked', 'inner'), { recursive: true });
    const blocked = createFileHistoryStorage(path.join(dir, 'blocked'));
    await assert.rejects(blocked.write('second'));
    assert.deepEqual(await fs.readdir(dir), ['blocked']);
    assert.deepEqual(await fs.readdir(path.join(dir, 'blocked')), ['inner']);
  });

  it('moves a corrupt history aside with a warning, starts empty and writes a fresh file', OPTS, async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'history.json');
    await fs.writeFile(file, '{"format":"resilient-claude-history","version":1,"buck');
    const storage = createFileHistoryStorage(file);
    const history = createHistory({ storage, clock: new FakeClock(T0) });
    const warnings: string[] = [];
    history.onWarning((message) => warnings.push(message));

    const result = await history.load();
    assert.equal(result.status, 'corrupt');
    assert.equal(warnings.length, 1);
    assert.deepEqual(history.models(), []);
    const names = await fs.readdir(dir);
    const asideName = names.find((name) => /^history\.json\.corrupt-\d{8}T\d{9}Z/.test(name));
    assert.ok(asideName, `a set-aside file among ${names.join(', ')}`);
    // The broken content is kept for inspection, untouched.
    assert.equal(await fs.readFile(path.join(dir, asideName), 'utf8'), '{"format":"resilient-claude-history","version":1,"buck');
    assert.equal(storage.lastSetAsidePath, path.join(dir, asideName));

    history.record(overloaded({ requestId: 'req_after' }));
    await history.flush();
    const reopened = createHistory({ storage: createFileHistoryStorage(file), clock: new FakeClock(T0) });
    assert.equal((await reopened.load()).status, 'loaded');
    assert.equal(reopened.failures()[0]?.requestId, 'req_after');
  });

  it('keeps only the newest few set-aside files', OPTS, async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'history.json');
    const storage = createFileHistoryStorage(file);
    for (let i = 0; i < 5; i += 1) {
      await fs.writeFile(file, `broken ${i}`);
      await storage.setAside('test');
    }
    const aside = (await fs.readdir(dir)).filter((name) => name.includes('.corrupt-'));
    assert.equal(aside.length, 3);
    const contents = await Promise.all(aside.map((name) => fs.readFile(path.join(dir, name), 'utf8')));
    assert.deepEqual(contents.sort(), ['broken 2', 'broken 3', 'broken 4']);
  });

  it('keeps the newest set-aside files when many are set aside within one millisecond', OPTS, async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'history.json');
    // The clock stands still for the first twelve, then moves on by one millisecond.
    const clock = new FakeClock(T0);
    const storage = createFileHistoryStorage(file, { clock });
    for (let i = 0; i < 14; i += 1) {
      if (i === 12) clock.advance(1);
      await fs.writeFile(file, `broken ${i}`);
      await storage.setAside('test');
      assert.equal(await fs.readFile(storage.lastSetAsidePath ?? '', 'utf8'), `broken ${i}`, 'nothing overwritten');
    }
    const aside = (await fs.readdir(dir)).filter((name) => name.includes('.corrupt-'));
    const contents = await Promise.all(aside.map((name) => fs.readFile(path.join(dir, name), 'utf8')));
    assert.deepEqual(contents.sort(), ['broken 11', 'broken 12', 'broken 13']);
  });

  it('survives a full round trip through a real file', OPTS, async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'history.json');
    const clock = new FakeClock(T0 + 5_000);
    const first = createHistory({ storage: createFileHistoryStorage(file), clock });
    await first.load();
    first.record(attempt({ time: T0 }));
    first.record(overloaded({ time: T0 + 1 }));
    await first.dispose();
    const second = createHistory({ storage: createFileHistoryStorage(file), clock });
    await second.load();
    assert.deepEqual(second.buckets({ sinceMs: 0 }), first.buckets({ sinceMs: 0 }));
  });
});
