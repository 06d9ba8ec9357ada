// One request manager per user, without an editor: separate `node dist/cli.js ask --broker`
// processes share one broker (started by whichever comes first) against the simulator.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { brokerSocketPath } from '../../../src/broker/runtimeDir';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { HAIKU, OPUS, SONNET, TEST_KEY, modelCount, scenario } from '../core/harness';
import { CLI, ask, brokerEnv, brokerPids, eventually, json, pidFile, requireBuild, runtimeDirs, startAsk } from './brokerKit';

const PROMPT = 'why share one breaker between windows';

async function withSim(s: Parameters<typeof scenario>[0], fn: (sim: RunningSimulator) => Promise<void>, defaults: Parameters<typeof scenario>[1] = {}): Promise<void> {
  const sim = await startSimulator({ scenario: scenario(s, defaults), apiKey: TEST_KEY });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

before(() => requireBuild());

describe('ask --broker', { timeout: 120_000 }, () => {
  const { fresh, cleanUpAll } = runtimeDirs();
  after(cleanUpAll);

  test('the first client opens the primary breaker; the second goes straight to the fallback with 0 attempts on the primary', async () => {
    const dir = fresh();
    await withSim({ [OPUS]: { p529: 1 } }, async (sim) => {
      const args = ['--broker', '--json', '--base-url', sim.url, '--breaker-open-seconds', '120', PROMPT];
      const first = json(await ask(args, brokerEnv(dir)));
      assert.equal(first.ok, true);
      assert.equal(first.model, SONNET);
      assert.equal(first.broker?.mode, 'shared');
      const onPrimary = modelCount(sim, OPUS);
      assert.ok(onPrimary >= 3, `the first client met the outage (${onPrimary} attempts on ${OPUS})`);

      const second = json(await ask(args, brokerEnv(dir)));
      assert.equal(second.ok, true);
      assert.equal(second.model, SONNET);
      assert.deepEqual(second.attempts.map((a) => a.model), [SONNET]);
      assert.equal(second.broker?.pid, first.broker?.pid, 'both clients used the same broker');
      assert.equal(modelCount(sim, OPUS), onPrimary, 'the second client made no attempt on the primary');
    });
  });

  test('kill -9 of the broker mid-stream: the client finishes the answer, nothing lost or repeated; the next request starts a new broker', async () => {
    const dir = fresh();
    // About 3 s of streaming, so the broker dies with part of the answer delivered.
    await withSim({}, async (sim) => {
      const env = brokerEnv(dir);
      const streaming = startAsk(['--broker', '--stream', '--base-url', sim.url, '--fallback', HAIKU, PROMPT], env);
      assert.ok(await eventually(() => streaming.stdout().length >= 10, 20_000), 'the answer started streaming');
      const killed = pidFile(dir);
      assert.ok(killed !== null && killed > 0, 'the broker wrote its pid');
      process.kill(killed, 'SIGKILL');
      const partialAtKill = streaming.stdout();
      const result = await streaming.done;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${canonicalAnswer(PROMPT, 90)}\n`);
      assert.ok(partialAtKill.length < canonicalAnswer(PROMPT, 90).length, 'the broker died before the answer was complete');
      assert.match(result.stderr, /shared broker stopped during request/);

      const next = json(await ask(['--broker', '--json', '--base-url', sim.url, PROMPT], env));
      assert.equal(next.ok, true);
      assert.equal(next.broker?.mode, 'shared');
      assert.notEqual(next.broker?.pid, killed, 'a new broker serves the next request');
    }, { tokensPerSecond: 30, outputTokens: 90 });
  });

  test('two clients starting at once end up on one broker', async () => {
    const dir = fresh();
    await withSim({}, async (sim) => {
      const args = ['--broker', '--json', '--base-url', sim.url, PROMPT];
      const [a, b] = await Promise.all([ask(args, brokerEnv(dir)), ask(args, brokerEnv(dir))]);
      const ja = json(a);
      const jb = json(b);
      assert.equal(ja.ok && jb.ok, true);
      assert.equal(ja.broker?.mode, 'shared');
      assert.equal(ja.broker?.pid, jb.broker?.pid);
      assert.ok(await eventually(() => brokerPids(dir).length === 1), `one broker runs (found ${brokerPids(dir).length})`);
      assert.deepEqual(brokerPids(dir), [ja.broker?.pid]);
    });
  });

  test('a stale socket left by a dead broker is recovered', async () => {
    const dir = fresh();
    const socket = brokerSocketPath(dir);
    // A process that listens on the socket and dies without closing it leaves the file behind.
    spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    assert.ok(existsSync(socket) && statSync(socket).isSocket(), 'a stale socket file is there');
    await withSim({}, async (sim) => {
      const result = json(await ask(['--broker', '--json', '--base-url', sim.url, PROMPT], brokerEnv(dir)));
      assert.equal(result.ok, true);
      assert.equal(result.broker?.mode, 'shared');
    });
  });

  test('a runtime folder open to other users is refused with a clear error; the request still runs in-process', async () => {
    const dir = fresh();
    chmodSync(dir, 0o777);
    await withSim({}, async (sim) => {
      const result = await ask(['--broker', '--json', '--base-url', sim.url, PROMPT], brokerEnv(dir));
      assert.equal(result.code, 0);
      assert.match(result.stderr, /Refusing the broker folder .*other users may enter it \(mode 0777\)/);
      assert.equal(json(result).broker?.mode, 'local');
      assert.equal(existsSync(brokerSocketPath(dir)), false, 'no socket was created there');
      assert.deepEqual(brokerPids(dir), []);
    });
  });

  test('messages --broker: a whole Messages body with a tool runs on the broker, the tool call comes back', async () => {
    const dir = fresh();
    await withSim({}, async (sim) => {
      const body = {
        max_tokens: 256,
        tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
        messages: [{ role: 'user', content: 'Weather in Oslo? [[tool:get_weather {"city":"Oslo"}]]' }],
      };
      const child = spawn(process.execPath, [CLI, 'messages', '--broker', '--json', '--base-url', sim.url], { env: brokerEnv(dir), stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stdin.end(JSON.stringify(body));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      assert.equal(code, 0, out);
      const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { ok: boolean; message: { content: Array<{ type: string; input?: unknown }> } };
      assert.equal(result.ok, true);
      assert.deepEqual(result.message.content.find((b) => b.type === 'tool_use')?.input, { city: 'Oslo' });
      assert.equal(brokerPids(dir).length, 1, 'it ran on a broker');
    });
  });

  test('a runtime folder of another user is refused with a clear error', { skip: process.getuid?.() !== 0 ? 'needs root to give a folder to another user' : false }, async () => {
    const parent = fresh();
    const dir = path.join(parent, 'theirs');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    await withSim({}, async (sim) => {
      const result = await ask(['--broker', '--json', '--base-url', sim.url, PROMPT], brokerEnv(dir));
      assert.equal(result.code, 0);
      assert.match(result.stderr, /Refusing the broker folder .*belongs to user id 65534, not to you/);
      assert.equal(json(result).broker?.mode, 'local');
      assert.deepEqual(brokerPids(dir), []);
    });
  });
});
