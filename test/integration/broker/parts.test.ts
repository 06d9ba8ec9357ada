// The broker forwards the manager's parts generically: a tool call and thinking cross the
// socket as typed parts, the assembled message comes back whole, and the broker's events and
// breakers reach the client that is attached to the same manager.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import type { SharedManager } from '../../../src/broker/client/sharedManager';
import type { ManagerEvent, Outcome, StreamPart } from '../../../src/core/types';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { OPUS, TEST_KEY, scenario, testConfig } from '../core/harness';
import { inProcessBroker, sharedClient } from './brokerKit';

const WEATHER_TOOL = { name: 'get_weather', description: 'Current weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

let sim: RunningSimulator;
let broker: RunningBroker;
let dir: string;

before(async () => {
  sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  ({ dir, broker } = await inProcessBroker());
});

after(async () => {
  await broker.stop('test over');
  await sim.close();
});

function client(): SharedManager {
  return sharedClient(dir, { ...testConfig(sim.url), models: [OPUS] }, 'parts-test');
}

test('a tool call crosses the broker as one complete part; the message comes back whole', { timeout: 30_000 }, async () => {
  const manager = client();
  try {
    await manager.whenReady();
    assert.equal(manager.sharing.mode, 'shared');
    const stream = manager.stream({
      max_tokens: 512,
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'What is the weather in Paris? [[tool:get_weather {"city":"Paris"}]]' }],
    });
    const parts: StreamPart[] = [];
    for await (const part of stream.parts) parts.push(part);
    const outcome = await stream.outcome;
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const calls = parts.filter((p): p is Extract<StreamPart, { type: 'tool_use' }> => p.type === 'tool_use');
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]!.input, { city: 'Paris' });
    assert.equal(outcome.message.stop_reason, 'tool_use');
    assert.equal(outcome.message.content.filter((b) => b.type === 'tool_use').length, 1);
  } finally {
    manager.dispose();
  }
});

test("another client's breaker opening reaches every client of the same manager", { timeout: 30_000 }, async () => {
  sim.setScenario(scenario({ [OPUS]: { p529: 1 } }));
  const a = client();
  const b = client();
  try {
    await Promise.all([a.whenReady(), b.whenReady()]);
    const seenByB: ManagerEvent[] = [];
    b.onEvent((event) => seenByB.push(event));
    const outcome = await a.send({ max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] });
    assert.equal(outcome.ok, false);
    assert.ok(seenByB.some((e) => e.type === 'breaker' && e.to === 'open' && e.model === OPUS), 'B saw the breaker open');
    assert.equal(b.breakers().find((s) => s.model === OPUS)?.state, 'open');
  } finally {
    a.dispose();
    b.dispose();
    sim.setScenario(scenario({}));
  }
});

test('a cancel settles the outcome at once, and the broker stops the request', { timeout: 30_000 }, async () => {
  sim.setScenario(scenario({}, { tokensPerSecond: 20, outputTokens: 200 }));
  const manager = client();
  try {
    await manager.whenReady();
    const controller = new AbortController();
    const stream = manager.stream({ max_tokens: 512, messages: [{ role: 'user', content: 'a long answer please' }] }, { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const canceledAt = Date.now();
    controller.abort();
    const outcome = await stream.outcome;
    const took = Date.now() - canceledAt;
    assert.equal(outcome.ok, false);
    assert.equal(outcome.ok ? null : outcome.error.class, 'canceled');
    assert.ok(took < 500, `settled ${took} ms after the cancel`);
  } finally {
    manager.dispose();
    sim.setScenario(scenario({}));
  }
});

/** A break inside the tool call's input, then the answer: the editor's callers open their view only
 *  after an await (the chat provider, the chat participant, the ask commands). */
async function brokenToolCall(reads: 'parts' | undefined): Promise<{ outcome: Outcome; calls: number }> {
  sim.setScenario(scenario({ [OPUS]: { sequence: ['midstream', 'ok'], midStreamBlock: 'tool_use', midStreamAfterTokens: 2 } }));
  const manager = client();
  try {
    await manager.whenReady();
    // The breaker test above left the shared route open.
    manager.resetBreakers();
    const stream = manager.stream(
      { max_tokens: 512, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'What is the weather in Paris? [[tool:get_weather {"city":"Paris"}]]' }] },
      reads ? { reads } : {},
    );
    await new Promise((resolve) => setImmediate(resolve));
    let calls = 0;
    for await (const part of stream.parts) if (part.type === 'tool_use') calls += 1;
    return { outcome: await stream.outcome, calls };
  } finally {
    manager.dispose();
    sim.setScenario(scenario({}));
  }
}

test('a caller that says it reads parts and opens them after an await: a break inside a tool call is redone, as in this process', { timeout: 30_000 }, async () => {
  const { outcome, calls } = await brokenToolCall('parts');
  assert.ok(outcome.ok, JSON.stringify(outcome));
  assert.equal(outcome.incomplete, false);
  assert.equal(calls, 1, 'exactly one complete tool call');
  assert.deepEqual(outcome.attempts.map((a) => a.errorClass), ['overloaded', null], 'the broken attempt, then the answer');
  assert.equal(outcome.message.stop_reason, 'tool_use');
});

test('a caller that opens its view late without saying what it reads is served the API events rule: the broken tool call ends the answer', { timeout: 30_000 }, async () => {
  const { outcome, calls } = await brokenToolCall(undefined);
  assert.ok(!outcome.ok || outcome.incomplete, `the answer is not complete: ${JSON.stringify(outcome)}`);
  assert.equal(calls, 0, 'no half tool call is handed on');
});
