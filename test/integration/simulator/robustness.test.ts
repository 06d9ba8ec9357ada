// Bad input gets API-shaped errors and the server keeps serving; scenarios,
// phases, the status page and the test hooks behave as documented.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHIPPED_SCENARIO_NAMES, ScenarioError, loadScenario, startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator, SimulatorStats } from '../../../src/simulator/index';

interface ErrorJson {
  type: string;
  error: { type: string; message: string };
  request_id: string;
}

async function post(url: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

const GOOD = JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });

describe('invalid requests', { timeout: 30_000 }, () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ scenario: 'healthy' });
  });
  after(() => sim.close());

  const bad: Array<[string, string, RegExp]> = [
    ['malformed JSON', '{"model": "claude-opus-5-5", ', /parsing the body/],
    ['a JSON array', '[]', /JSON object/],
    ['no model', JSON.stringify({ max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), /^model: Field required/],
    ['no max_tokens', JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }), /^max_tokens: Field required/],
    ['no messages', JSON.stringify({ model: 'm', max_tokens: 5 }), /^messages: Field required/],
    ['an empty messages list', JSON.stringify({ model: 'm', max_tokens: 5, messages: [] }), /^messages:/],
    ['a bad role', JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'robot', content: 'x' }] }), /messages\.0\.role/],
    ['a negative max_tokens', JSON.stringify({ model: 'm', max_tokens: -1, messages: [{ role: 'user', content: 'x' }] }), /^max_tokens:/],
  ];
  for (const [what, body, message] of bad) {
    it(`${what} → 400 invalid_request_error, and the next request still succeeds`, async () => {
      const response = await post(`${sim.url}/v1/messages`, body);
      assert.equal(response.status, 400);
      assert.match(response.headers.get('request-id') ?? '', /^req_sim_/);
      const json = (await response.json()) as ErrorJson;
      assert.equal(json.type, 'error');
      assert.equal(json.error.type, 'invalid_request_error');
      assert.match(json.error.message, message);
      assert.equal(json.request_id, response.headers.get('request-id'));
      assert.equal((await post(`${sim.url}/v1/messages`, GOOD)).status, 200);
    });
  }

  it('an unknown path is a 404 not_found_error', async () => {
    const response = await fetch(`${sim.url}/v1/nothing-here`);
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as ErrorJson).error.type, 'not_found_error');
  });

  it('a body over 32 MB is a 413 request_too_large', async () => {
    const response = await post(`${sim.url}/v1/messages`, 'x'.repeat(32 * 1024 * 1024 + 10));
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as ErrorJson).error.type, 'request_too_large');
    assert.equal((await post(`${sim.url}/v1/messages`, GOOD)).status, 200);
  });
});

describe('scenario files', { timeout: 30_000 }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sim-scenarios-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('a probability out of range is reported with the full field path', () => {
    const path = write('bad-p.json', JSON.stringify({ models: { 'claude-opus-5-5': { p529: 1.5 } } }));
    assert.throws(() => loadScenario(path), (err: unknown) => {
      assert.ok(err instanceof ScenarioError);
      assert.equal(err.field, 'models.claude-opus-5-5.p529');
      assert.match(err.message, /^models\.claude-opus-5-5\.p529: must be a number between 0 and 1/);
      return true;
    });
  });

  it('an unknown field is rejected by name', () => {
    const path = write('typo.json', JSON.stringify({ defaults: { p592: 0.1 } }));
    assert.throws(() => loadScenario(path), /defaults\.p592: unknown field/);
  });

  it('a bad sequence entry names its index', () => {
    const path = write('seq.json', JSON.stringify({ models: { m: { sequence: ['ok', 'boom'] } } }));
    assert.throws(() => loadScenario(path), /models\.m\.sequence\[1\]: must be one of/);
  });

  it('invalid JSON and missing files are clear errors', () => {
    assert.throws(() => loadScenario(write('broken.json', '{')), /not valid JSON/);
    assert.throws(() => loadScenario(join(dir, 'missing.json')), /unknown scenario .*shipped name/);
  });

  it('startSimulator refuses a bad scenario object with a ScenarioError', async () => {
    await assert.rejects(startSimulator({ scenario: { phases: [{ atMs: -1 }] } }), /phases\[0\]\.atMs/);
  });

  it('every shipped scenario loads', () => {
    assert.deepEqual(SHIPPED_SCENARIO_NAMES, ['healthy', 'primary-outage', 'brownout', 'rate-limit-storm', 'flaky-network', 'mid-stream-failures', 'slow-prefill']);
    for (const name of SHIPPED_SCENARIO_NAMES) {
      assert.equal(loadScenario(name).name, name);
    }
  });
});

describe('phases, status page and test hooks', { timeout: 30_000 }, () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({
      controlRoutes: true,
      scenario: {
        name: 'short-outage',
        models: { 'claude-opus-5-5': { p529: 0 } },
        phases: [
          { atMs: 0, models: { 'claude-opus-5-5': { p529: 1 } }, statusPage: { indicator: 'major', incidents: [{ name: 'Opus errors', status: 'investigating' }] } },
          { atMs: 300 },
        ],
      },
    });
  });
  after(() => sim.close());

  it('a phase applies from its start time and the status page follows it', async () => {
    assert.equal((await post(`${sim.url}/v1/messages`, GOOD)).status, 529);
    const during = (await (await fetch(`${sim.url}/api/v2/summary.json`)).json()) as {
      status: { indicator: string; description: string };
      incidents: Array<{ name: string; status: string }>;
      components: Array<{ name: string; status: string }>;
      page: { name: string };
      scheduled_maintenances: unknown[];
    };
    assert.equal(during.status.indicator, 'major');
    assert.equal(during.incidents[0]?.name, 'Opus errors');
    assert.ok(during.components.length > 0);
    assert.deepEqual(during.scheduled_maintenances, []);

    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal((await post(`${sim.url}/v1/messages`, GOOD)).status, 200);
    const recovered = (await (await fetch(`${sim.url}/api/v2/summary.json`)).json()) as {
      status: { indicator: string; description: string };
      components: Array<{ status: string }>;
    };
    assert.equal(recovered.status.indicator, 'none');
    assert.equal(recovered.status.description, 'All Systems Operational');
    assert.ok(recovered.components.every((c) => c.status === 'operational'));
  });

  it('POST /_sim/reset restarts the phase clock and clears stats', async () => {
    const reset = await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    assert.equal(reset.status, 200);
    assert.equal((await post(`${sim.url}/v1/messages`, GOOD)).status, 529);
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as SimulatorStats;
    assert.equal(stats.total, 1);
    assert.deepEqual(stats.byModel['claude-opus-5-5']?.outcomes, { '529': 1 });
  });

  it('POST /_sim/scenario switches by name or by object, and rejects a bad one by field', async () => {
    assert.equal((await post(`${sim.url}/_sim/scenario`, JSON.stringify({ name: 'healthy' }))).status, 200);
    assert.equal((await post(`${sim.url}/v1/messages`, GOOD)).status, 200);
    const custom = { models: { 'claude-opus-5-5': { sequence: ['503'] } } };
    assert.equal((await post(`${sim.url}/_sim/scenario`, JSON.stringify(custom))).status, 200);
    assert.equal((await post(`${sim.url}/v1/messages`, GOOD)).status, 503);
    const bad = await post(`${sim.url}/_sim/scenario`, JSON.stringify({ defaults: { pStall: 2 } }));
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as ErrorJson).error.message, /defaults\.pStall: must be a number between 0 and 1/);
  });

  it('the same seed gives the same outcomes after a reset', async () => {
    sim.setScenario({ seed: 42, defaults: { p529: 0.5 } });
    const run = async (): Promise<number[]> => {
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await post(`${sim.url}/v1/messages`, GOOD)).status);
      return statuses;
    };
    const first = await run();
    sim.reset();
    assert.deepEqual(await run(), first);
    assert.ok(first.includes(529) && first.includes(200));
  });
});
