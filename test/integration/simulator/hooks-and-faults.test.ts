// The /_sim/* test hooks answer only when the harness turns them on; a
// scenario name from a request is never a path; a simulator can be limited to
// shipped scenarios; and the echoCredential fault leaks the request's key into
// the request-id, the error type and a broken SSE line, for redaction tests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { ScenarioError, startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { API_KEY, anthropicClient, useSimulator, vertexClient } from './clients';

const GOOD = JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

describe('test hooks', { timeout: 30_000 }, () => {
  let scratch: string;
  let scenarioFile: string;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'rc-sim-hooks-'));
    scenarioFile = join(scratch, 'all-overloaded.json');
    writeFileSync(scenarioFile, JSON.stringify({ defaults: { p529: 1 } }));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  describe('by default', () => {
    const fx = useSimulator('healthy');

    it('every /_sim/ route is a 404 and changes nothing', async () => {
      assert.equal((await fetch(`${fx.sim.url}/_sim/stats`)).status, 404);
      assert.equal((await post(`${fx.sim.url}/_sim/reset`, '')).status, 404);
      assert.equal((await fetch(`${fx.sim.url}/_sim/batches`)).status, 404);
      const hook = await post(`${fx.sim.url}/_sim/scenario`, JSON.stringify({ defaults: { p529: 1 } }));
      assert.equal(hook.status, 404);
      assert.equal((await post(`${fx.sim.url}/v1/messages`, GOOD)).status, 200);
    });
  });

  describe('with controlRoutes', () => {
    const fx = useSimulator('healthy', { controlRoutes: true });

    it('a scenario name from a request is a shipped name, never a file path', async () => {
      for (const body of [{ name: scenarioFile }, scenarioFile]) {
        const refused = await post(`${fx.sim.url}/_sim/scenario`, JSON.stringify(body));
        assert.equal(refused.status, 400);
        assert.match(((await refused.json()) as { error: { message: string } }).error.message, /is not a shipped scenario/);
      }
      assert.equal((await post(`${fx.sim.url}/v1/messages`, GOOD)).status, 200);
      assert.equal((await post(`${fx.sim.url}/_sim/scenario`, JSON.stringify({ name: 'slow-prefill' }))).status, 200);
    });
  });

  it('shippedScenariosOnly refuses paths and objects, at start and on switch', async () => {
    await assert.rejects(startSimulator({ scenario: scenarioFile, shippedScenariosOnly: true }), ScenarioError);
    await assert.rejects(startSimulator({ scenario: { defaults: {} }, shippedScenariosOnly: true }), /a scenario object is not a shipped scenario/);
    const sim = await startSimulator({ scenario: 'brownout', shippedScenariosOnly: true });
    try {
      assert.throws(() => sim.setScenario(scenarioFile), /is not a shipped scenario; use one of healthy, primary-outage/);
      sim.setScenario('healthy');
      assert.equal((await post(`${sim.url}/v1/messages`, GOOD)).status, 200);
    } finally {
      await sim.close();
    }
  });
});

describe('the echoCredential fault', { timeout: 30_000 }, () => {
  let sim: RunningSimulator;
  let client: Anthropic;
  before(async () => {
    sim = await startSimulator({ scenario: { defaults: { echoCredential: true, sequence: ['529', 'ok', 'ok', 'midstream'] } }, apiKey: API_KEY });
    client = anthropicClient(sim);
  });
  after(() => sim.close());
  const body = { model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Leak?' }] };

  it('an error carries the key in request-id, error.type and error.message', async () => {
    const err = await client.messages.create(body).catch((e: unknown) => e);
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.status, 529);
    assert.ok(err.requestID?.includes(API_KEY));
    assert.equal(err.type, API_KEY);
    assert.ok(err.message.includes(API_KEY));
  });

  it('a stream sends a data line that is not JSON and holds the key; a JSON answer is broken JSON holding it', async () => {
    const raw = await post(`${sim.url}/v1/messages`, JSON.stringify({ ...body, stream: true }), { 'x-api-key': API_KEY });
    assert.equal(raw.status, 200);
    assert.ok(raw.headers.get('request-id')?.includes(API_KEY));
    const dataLines = (await raw.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
    const broken = dataLines.filter((d) => d.includes(API_KEY));
    assert.equal(broken.length, 1);
    assert.throws(() => JSON.parse(broken[0]!), SyntaxError);

    const json = await post(`${sim.url}/v1/messages`, JSON.stringify(body), { authorization: `Bearer ${API_KEY}` });
    const text = await json.text();
    assert.ok(text.includes(API_KEY));
    assert.throws(() => JSON.parse(text), SyntaxError);
  });

  it('a mid-stream error event has the key as its type; stats never hold the key', async () => {
    const stream = client.messages.stream(body);
    const err = await stream.finalMessage().catch((e: unknown) => e);
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.type, API_KEY);
    assert.ok(!JSON.stringify(sim.stats()).includes(API_KEY));
    assert.ok(sim.stats().requests.every((r) => r.requestId.endsWith('[credential]')));
  });

  it('on Vertex paths the Bearer token is echoed', async () => {
    const open = await startSimulator({ scenario: { defaults: { echoCredential: true, sequence: ['503'] } } });
    try {
      const err = await vertexClient(open)
        .messages.create(body)
        .catch((e: unknown) => e);
      assert.ok(err instanceof Anthropic.APIError);
      assert.equal(err.status, 503);
      assert.ok(err.requestID?.includes('dummy-vertex-token'));
    } finally {
      await open.close();
    }
  });
});
