// The real Claude Code CLI (npm @anthropic-ai/claude-code, provisioned into a cache outside the
// clone by scripts/provision-claude-code.mjs) run as `claude -p` with ANTHROPIC_BASE_URL pointed
// at `serve` in front of the simulator: what a Claude Code user meets in an outage.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Rig } from './endpointKit';
import { OPUS, REPO, SONNET, TEST_KEY, rig, scenario } from './endpointKit';

interface ClaudeRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

let claudeBinary = '';
let home = '';

before(async () => {
  const url = pathToFileURL(path.join(REPO, 'scripts', 'provision-claude-code.mjs')).href;
  const { provisionClaudeCode } = (await import(url)) as { provisionClaudeCode: () => { claude: string } };
  claudeBinary = provisionClaudeCode().claude;
  home = mkdtempSync(path.join(tmpdir(), 'rc-claude-home-'));
});

after(() => {
  if (home !== '') rmSync(home, { recursive: true, force: true });
});

/** `claude -p PROMPT --model MODEL` with a private HOME, no telemetry, and only what it needs. */
function claude(baseUrl: string, credential: Record<string, string>, model = OPUS, timeoutMs = 120_000): Promise<ClaudeRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    ANTHROPIC_BASE_URL: baseUrl,
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...credential,
  };
  const started = Date.now();
  const child = spawn(claudeBinary, ['-p', 'Why do breakers open?', '--model', model], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('Claude Code through the endpoint', () => {
  test('the primary model down: answered by the fallback in seconds', async () => {
    const r: Rig = await rig(scenario({ [OPUS]: { p529: 1 } }));
    try {
      const run = await claude(r.served.url, { ANTHROPIC_API_KEY: TEST_KEY });
      assert.equal(run.code, 0, `claude failed: ${run.stdout}${run.stderr}`);
      assert.ok(run.stdout.trim().length > 0, 'an answer was printed');
      assert.ok(run.ms < 30_000, `answered in ${run.ms} ms`);
      const lines = await r.served.messageLines(1);
      assert.ok(lines.some((line) => line.includes('Claude Code') && line.includes(`→ 200 ${SONNET}`)), lines.join('\n'));
      assert.ok((r.sim.stats().byModel[SONNET]?.total ?? 0) >= 1);
    } finally {
      await r.close();
    }
  });

  test('every model down: Claude Code fails at once with our error; the upstream saw no more than our manager makes', async () => {
    const r = await rig(scenario({}, { p529: 1 }));
    try {
      const run = await claude(r.served.url, { ANTHROPIC_API_KEY: TEST_KEY });
      assert.notEqual(run.code, 0);
      const said = run.stdout + run.stderr;
      assert.match(said, /529/);
      assert.match(said, /Gave up after \d+ attempts/, said);
      const lines = await r.served.messageLines(1);
      assert.equal(lines.length, 1, `Claude Code sent ${lines.length} requests:\n${lines.join('\n')}`);
      const upstream = r.sim.stats().total;
      assert.ok(upstream >= 1 && upstream <= 6, `the upstream saw ${upstream} attempts; the manager's bound is 6`);
      assert.ok(run.ms < 60_000, `failed after ${run.ms} ms`);
    } finally {
      await r.close();
    }
  });

  test('its own key, or its own bearer login, is forwarded unchanged', async () => {
    const r = await rig(scenario({}));
    try {
      const byKey = await claude(r.served.url, { ANTHROPIC_API_KEY: TEST_KEY }, SONNET);
      assert.equal(byKey.code, 0, byKey.stdout + byKey.stderr);
      const byBearer = await claude(r.served.url, { ANTHROPIC_AUTH_TOKEN: TEST_KEY }, SONNET);
      assert.equal(byBearer.code, 0, byBearer.stdout + byBearer.stderr);
      const requests = r.sim.stats().requests;
      assert.ok(requests.length >= 2);
      assert.ok(requests.every((request) => request.apiKeyOk), 'the simulator accepted the key it was given');
      const wrong = await claude(r.served.url, { ANTHROPIC_API_KEY: 'sk-ant-someone-else-0000000000' }, SONNET);
      assert.notEqual(wrong.code, 0, 'a key the upstream refuses is refused');
      assert.ok(!r.served.stderr().includes(TEST_KEY) && !r.served.stderr().includes('sk-ant-someone-else'), 'no key in the endpoint\'s log');
    } finally {
      await r.close();
    }
  });
});
