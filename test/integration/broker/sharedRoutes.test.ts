// Route state is shared per endpoint + model, not per configuration: separate
// `node dist/cli.js ask --broker` processes with different chains share the breaker of the
// model they have in common, while the same model behind another base URL is another route.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { HAIKU, OPUS, SONNET, TEST_KEY, modelCount, scenario } from '../core/harness';
import { ask, brokerEnv, cleanUp, json, requireBuild, runtimeDir } from './brokerKit';

const PROMPT = 'which breaker do two chains share';

async function simulator(s: Parameters<typeof scenario>[0]): Promise<RunningSimulator> {
  return startSimulator({ scenario: scenario(s), apiKey: TEST_KEY });
}

before(() => requireBuild());

describe('route state shared by endpoint + model in the broker', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  const sims: RunningSimulator[] = [];
  after(async () => {
    for (const sim of sims) await sim.close();
    for (const dir of dirs) await cleanUp(dir);
  });

  test('chains [opus, sonnet] and [opus, haiku] share opus: after A opens its breaker, B goes straight to haiku; behind another base URL opus is another route', async () => {
    const dir = runtimeDir();
    dirs.push(dir);
    const outage = await simulator({ [OPUS]: { p529: 1 } });
    const other = await simulator({});
    sims.push(outage, other);
    const common = ['--broker', '--json', '--breaker-open-seconds', '120', '--model', OPUS];

    const a = json(await ask([...common, '--base-url', outage.url, '--fallback', SONNET, PROMPT], brokerEnv(dir)));
    assert.equal(a.ok, true);
    assert.equal(a.model, SONNET);
    assert.equal(a.broker?.mode, 'shared');
    const onOpus = modelCount(outage, OPUS);
    assert.ok(onOpus >= 3, `client A met the outage (${onOpus} attempts on ${OPUS})`);

    const b = json(await ask([...common, '--base-url', outage.url, '--fallback', HAIKU, PROMPT], brokerEnv(dir)));
    assert.equal(b.ok, true);
    assert.equal(b.broker?.pid, a.broker?.pid, 'both clients used the same broker');
    assert.deepEqual(b.attempts.map((x) => x.model), [HAIKU], 'client B went straight to its own fallback');
    assert.equal(modelCount(outage, OPUS), onOpus, 'client B made 0 attempts on the shared primary');
    assert.equal(modelCount(outage, HAIKU), 1);

    const c = json(await ask([...common, '--base-url', other.url, '--fallback', SONNET, PROMPT], brokerEnv(dir)));
    assert.equal(c.ok, true);
    assert.equal(c.broker?.pid, a.broker?.pid);
    assert.equal(c.model, OPUS, 'behind another base URL the same model has a breaker of its own, closed');
    assert.equal(modelCount(other, OPUS), 1);
    assert.equal(modelCount(outage, OPUS), onOpus, 'and that attempt went to its own endpoint only');
  });
});
