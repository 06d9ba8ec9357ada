// `messages` against the simulator: a Messages body on stdin, the assembled Message out —
// tool calls as tool_use blocks even after a 529, --json like ask's, --stream, bad bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runMessages } from '../../../src/cli/messages';
import type { MessagesIo } from '../../../src/cli/messages';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { OPUS, SONNET, TEST_KEY, scenario } from '../core/harness';
import { captureIo } from '../core/cliCapture';

function io(stdin: string): { io: MessagesIo; out: () => string; err: () => string } {
  const captured = captureIo();
  return { io: { ...captured.io, readStdin: async () => stdin }, out: captured.out, err: captured.err };
}

async function withSim(models: Parameters<typeof scenario>[0], fn: (sim: RunningSimulator) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ scenario: scenario(models), apiKey: TEST_KEY });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

const TOOL_BODY = {
  max_tokens: 512,
  system: 'You can look things up.',
  tools: [{ name: 'lookup', description: 'Looks a word up', input_schema: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] } }],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Define breaker [[tool:lookup {"word":"breaker"}]]' }] }],
};

test('messages --json: a tool call after a 529 arrives as one tool_use block, with every attempt', { timeout: 20_000 }, async () => {
  await withSim({ [OPUS]: { sequence: ['529'] } }, async (sim) => {
    const c = io(JSON.stringify(TOOL_BODY));
    const code = await runMessages(['--base-url', sim.url, '--json'], c.io);
    assert.equal(code, 0, c.err());
    const lines = c.out().trim().split('\n');
    assert.equal(lines.length, 1);
    const result = JSON.parse(lines[0]!);
    assert.equal(result.ok, true);
    assert.equal(result.model, OPUS);
    assert.deepEqual(result.attempts.map((a: { status: number }) => a.status), [529, 200]);
    const uses = result.message.content.filter((b: { type: string }) => b.type === 'tool_use');
    assert.equal(uses.length, 1);
    assert.equal(uses[0].name, 'lookup');
    assert.deepEqual(uses[0].input, { word: 'breaker' });
    assert.equal(result.message.stop_reason, 'tool_use');
    assert.equal(typeof result.message.usage.input_tokens, 'number');
  });
});

test('messages prints the assembled Message; a body "model" is tried first, then the fallbacks', { timeout: 20_000 }, async () => {
  await withSim({ [SONNET]: { sequence: ['529', '529', '529', '529', '529', '529'] } }, async (sim) => {
    const c = io(JSON.stringify({ model: SONNET, max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] }));
    assert.equal(await runMessages(['--base-url', sim.url], c.io), 0, c.err());
    const message = JSON.parse(c.out());
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.ok(message.content.some((b: { type: string; text?: string }) => b.type === 'text' && (b.text ?? '').length > 0));
    const models = sim.stats().requests.filter((r) => r.path === '/v1/messages').map((r) => r.model);
    assert.equal(models[0], SONNET);
    assert.notEqual(models.at(-1), SONNET);
    assert.match(c.err(), /Falling back from claude-sonnet-5-5/);
  });
});

test('messages --stream prints text as it arrives and the tool call as one line', { timeout: 20_000 }, async () => {
  await withSim({}, async (sim) => {
    const c = io(JSON.stringify(TOOL_BODY));
    assert.equal(await runMessages(['--base-url', sim.url, '--stream'], c.io), 0, c.err());
    assert.match(c.out(), /\[tool_use lookup toolu_\w+ \{"word":"breaker"\}\]/);
  });
});

test('messages refuses a body that is not one, without sending anything', { timeout: 10_000 }, async () => {
  for (const [stdin, why] of [
    ['not json', /not JSON/],
    ['[]', /JSON object/],
    ['{"messages":[]}', /non-empty "messages"/],
    ['{"messages":[{"role":"user","content":"x"}]}', /max_tokens/],
    ['{"messages":[{"role":"user","content":"x"}],"max_tokens":5,"stream":true}', /--stream/],
  ] as const) {
    const c = io(stdin);
    assert.equal(await runMessages(['--base-url', 'http://127.0.0.1:9'], c.io), 2, stdin);
    assert.match(c.err(), why);
  }
});
