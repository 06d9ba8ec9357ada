// The answer is what the API sent, through `node dist/cli.js messages` over loopback HTTP against the
// simulator serving recorded-style streams (test/fixtures/streams, one per block type, written from
// the API reference): the message equals the SDK beta accumulator's on the same bytes, --events
// hands on the API's events unchanged, every stop reason is one answer from one request, and a break
// after each block type is continued (or ended) as the README says. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator } from '../../../src/simulator/index';
import type { ModelBehavior } from '../../../src/simulator/index';
import type { ApiStreamEvent } from '../../../src/core/types';
import { FAST_DEFAULTS, OPUS, TEST_KEY } from './harness';
import { recordingProxy } from '../../support/recordingProxy';
import type { Seen } from '../../support/recordingProxy';
import { asJson, sdkAssembled } from '../../support/sdkOracle';
import { runCli } from '../../support/cliRun';

const ROOT = join(__dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'streams');
const CONTINUATION = join(FIXTURES, 'continuation.jsonl');

const BODY = { model: OPUS, max_tokens: 1024, messages: [{ role: 'user', content: 'Look it up.' }], a_field_the_sdk_has_not_met: { kept: true } };

interface Run {
  readonly code: number;
  readonly lines: unknown[];
  readonly stderr: string;
  readonly seen: Seen[];
}

function fixture(name: string): ApiStreamEvent[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ApiStreamEvent);
}

async function cli(behavior: ModelBehavior, args: string[], body: unknown = BODY): Promise<Run> {
  const sim = await startSimulator({ scenario: { name: 'passthrough', seed: 1, defaults: FAST_DEFAULTS, models: { [OPUS]: behavior } }, apiKey: TEST_KEY });
  const proxy = await recordingProxy(sim.url);
  try {
    const { code, out, err } = await runCli(['messages', '--base-url', proxy.url, ...args], JSON.stringify(body), TEST_KEY);
    const lines = out
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as unknown);
    return { code, lines, stderr: err, seen: proxy.seen.filter((s) => s.path.startsWith('/v1/messages')) };
  } finally {
    await proxy.close();
    await sim.close();
  }
}

const BLOCK_FIXTURES = ['web-search.jsonl', 'web-fetch.jsonl', 'code-execution.jsonl', 'bash-and-editor.jsonl', 'mcp.jsonl', 'compaction.jsonl', 'thinking-redacted.jsonl', 'future-block.jsonl'];
const STOP_FIXTURES = ['tool-input-max-tokens.jsonl', 'max-tokens-text.jsonl', 'stop-sequence.jsonl', 'tool-use.jsonl', 'pause-turn.jsonl', 'refusal.jsonl', 'context-window-exceeded.jsonl', 'future-stop-reason.jsonl'];

for (const name of [...BLOCK_FIXTURES, ...STOP_FIXTURES]) {
  test(`${name}: --events hands on the API's events unchanged and --json's message is the SDK's, from one request`, { timeout: 60_000 }, async () => {
    const events = fixture(name);
    const run = await cli({ recordedStreams: [join(FIXTURES, name)] }, ['--events', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = run.lines.at(-1) as { ok: boolean; message: unknown };
    assert.deepEqual(run.lines.slice(0, -1), events, 'every event, in order, as the API sent it');
    assert.equal(result.ok, true);
    assert.deepEqual(asJson(result.message), await sdkAssembled(events));
    assert.equal(run.seen.length, 1, 'a stop reason is an answer: one request');
    assert.deepEqual(run.seen[0]!.body, { ...BODY, stream: true }, 'the body reaches the API as the caller wrote it (unknown fields included), streamed');
  });
}

test('the model asked for gets the body unadapted: a thinking budget the API refuses is the API\'s answer (400), from one request', { timeout: 60_000 }, async () => {
  const body = { model: OPUS, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'Think.' }] };
  const run = await cli({}, ['--json'], body);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.seen.length, 1, 'a 400 is not retried');
  assert.deepEqual(run.seen[0]!.body, { ...body, stream: true }, 'neither max_tokens nor the budget was changed for the primary');
  const result = run.lines[0] as { ok: boolean; error: { message: string } };
  assert.equal(result.ok, false);
  assert.match(result.error.message, /budget_tokens/);
});

test('max_tokens inside a tool input: the partial input as the SDK assembles it, exactly one request, exit 0', { timeout: 60_000 }, async () => {
  const name = 'tool-input-max-tokens.jsonl';
  const run = await cli({ recordedStreams: [join(FIXTURES, name)] }, ['--json']);
  assert.equal(run.code, 0, run.stderr);
  const result = run.lines[0] as { ok: boolean; message: { stop_reason: string; content: { type: string; input?: unknown }[] }; attempts: unknown[] };
  assert.equal(result.message.stop_reason, 'max_tokens');
  assert.deepEqual(result.message.content[1]!.input, { path: 'notes.md', lines: ['one', 'two'] });
  assert.deepEqual(asJson(result.message), await sdkAssembled(fixture(name)));
  assert.equal(run.seen.length, 1);
  assert.equal(result.attempts.length, 1);
});

test('anthropic-beta (repeatable) and anthropic-version reach the API unchanged', { timeout: 60_000 }, async () => {
  const run = await cli({ recordedStreams: [join(FIXTURES, 'refusal.jsonl')] }, ['--json', '--beta', 'web-fetch-2025-09-10', '--beta', 'context-management-2025-06-27', '--anthropic-version', '2023-06-01']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.seen[0]!.headers['anthropic-beta'], 'web-fetch-2025-09-10,context-management-2025-06-27');
  assert.equal(run.seen[0]!.headers['anthropic-version'], '2023-06-01');
});

/** Where a break after block `k` falls: just after its content_block_stop. */
function cutsOf(events: readonly ApiStreamEvent[]): { readonly block: number; readonly after: number }[] {
  return events.flatMap((e, i) => (e.type === 'content_block_stop' ? [{ block: e['index'] as number, after: i + 1 }] : []));
}

for (const name of BLOCK_FIXTURES) {
  test(`${name}: a break after each block type is continued from what was delivered, as one message`, { timeout: 180_000 }, async () => {
    const events = fixture(name);
    const whole = (await sdkAssembled(events)) as { content: Record<string, unknown>[] };
    const continuation = (await sdkAssembled(fixture('continuation.jsonl'))) as { content: Record<string, unknown>[] };
    for (const cut of cutsOf(events)) {
      const run = await cli({ recordedStreams: [join(FIXTURES, name), CONTINUATION], sequence: ['midstream', 'ok'], recordedCutAfterEvents: cut.after }, ['--events', '--json']);
      const result = run.lines.at(-1) as { ok: boolean; message: { content: unknown[]; stop_reason: string } | null; error?: { message: string } };
      const delivered = whole.content.slice(0, cut.block + 1);
      const api = run.lines.slice(0, -1).filter((l) => !(typeof l === 'object' && l !== null && 'manager' in l)) as ApiStreamEvent[];
      assert.equal(api.filter((e) => e.type === 'message_start').length, 1, `${name} cut after block ${cut.block}: one message_start`);
      if (delivered.some((b) => b['type'] === 'hologram_tool_result')) {
        // A block type the API (here the simulator) does not take back: the continuation is refused,
        // and the answer ends incomplete, saying what was delivered.
        assert.equal(run.code, 3, run.stderr);
        assert.deepEqual(asJson(result.message?.content), delivered);
        continue;
      }
      assert.equal(run.code, 0, `${name} cut after block ${cut.block}: ${run.stderr}`);
      assert.equal(run.seen.length, 2);
      assert.deepEqual(asJson(result.message?.content), [...delivered, ...continuation.content], `${name} cut after block ${cut.block}`);
      assert.equal(result.message?.stop_reason, 'end_turn');
      assert.deepEqual(asJson(result.message), await sdkAssembled(api), 'the events handed on assemble to the same message');
      // The second request carried the delivered blocks back as the assistant's turn (thinking left out).
      const sent = run.seen[1]!.body['messages'] as { role: string; content: unknown }[];
      const kept = delivered.filter((b) => b['type'] !== 'thinking' && b['type'] !== 'redacted_thinking');
      if (kept.length === 0) assert.equal(sent.length, 1);
      else {
        assert.equal(sent.at(-1)!.role, 'assistant');
        const content = sent.at(-1)!.content;
        if (typeof content === 'string') assert.equal(content, kept.map((b) => String(b['text'])).join('').trimEnd());
        else assert.deepEqual(content, kept);
      }
    }
  });
}

test('a break inside a server tool call: a relaying caller (--events) gets an incomplete error that says what it has; an outcome-only caller gets the call redone', { timeout: 120_000 }, async () => {
  const name = 'web-search.jsonl';
  const behavior: ModelBehavior = { recordedStreams: [join(FIXTURES, name), CONTINUATION], sequence: ['midstream', 'ok'], recordedCutAfterEvents: 6 };
  const relayed = await cli(behavior, ['--events', '--json']);
  assert.equal(relayed.code, 1, relayed.stderr);
  assert.equal(relayed.seen.length, 1, 'nothing is redone once the caller has seen part of the block');
  const notice = relayed.lines.at(-2) as { manager: { type: string; message: string; error: { type: string } } };
  assert.equal(notice.manager.type, 'incomplete');
  assert.match(notice.manager.message, /1 complete block \(text\) and part of a server_tool_use block/);
  assert.equal(notice.manager.error.type, 'overloaded_error');
  const failed = relayed.lines.at(-1) as { ok: boolean; error: { message: string } };
  assert.equal(failed.ok, false);
  assert.match(failed.error.message, /incomplete/);

  const quiet = await cli(behavior, ['--json']);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.seen.length, 2);
  const result = quiet.lines[0] as { message: { content: { type: string; text?: string }[] } };
  assert.deepEqual(result.message.content.map((b) => b.type), ['text', 'text']);
  assert.deepEqual((quiet.seen[1]!.body['messages'] as { content: unknown }[]).at(-1), { role: 'assistant', content: "I'll search for that." });
});
