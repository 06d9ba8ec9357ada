// `node dist/cli.js simulate` starts a simulator, prints its URL and serves it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

function readUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Simulator listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}: ${err}`)));
  });
}

describe('simulate command', { timeout: 60_000 }, () => {
  before(() => {
    const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 45_000 });
    assert.equal(build.status, 0, build.stderr);
  });

  let child: ChildProcess | undefined;
  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('prints its URL, serves /v1/models with the key it was given, and stops on SIGTERM', async () => {
    child = spawn(process.execPath, [CLI, 'simulate', '--scenario', 'healthy', '--port', '0', '--api-key', 'sk-cli-test'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await readUrl(child);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const models = await fetch(`${url}/v1/models`, { headers: { 'x-api-key': 'sk-cli-test' } });
    assert.equal(models.status, 200);
    const body = (await models.json()) as { data: Array<{ id: string }> };
    assert.ok(body.data.some((m) => m.id === 'claude-opus-5-5'));
    assert.equal((await fetch(`${url}/v1/models`, { headers: { 'x-api-key': 'sk-other' } })).status, 401);
    assert.equal((await fetch(`${url}/_sim/stats`)).status, 404, 'test hooks are off unless asked for');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });

  it('--control-routes serves the test hooks; --time-scale is accepted', async () => {
    child = spawn(process.execPath, [CLI, 'simulate', '--scenario', 'slow-prefill', '--time-scale', '0.01', '--control-routes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await readUrl(child);
    const stats = await fetch(`${url}/_sim/stats`);
    assert.equal(stats.status, 200);
    assert.equal(((await stats.json()) as { total: number }).total, 0);
    child.kill('SIGTERM');
    await once(child, 'exit');
  });

  it('a bad scenario name fails with a clear message and a non-zero exit', () => {
    const run = spawnSync(process.execPath, [CLI, 'simulate', '--scenario', 'no-such-scenario'], { encoding: 'utf8', timeout: 15_000 });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /invalid scenario: unknown scenario "no-such-scenario"/);
  });

  it('an unknown command is refused with usage', () => {
    const run = spawnSync(process.execPath, [CLI, 'frobnicate'], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unknown command "frobnicate"/);
  });
});
