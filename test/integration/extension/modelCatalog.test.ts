// The switcher's model list over loopback HTTP through the real SDK: every page of the Models API's
// list, not its first page alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCatalog } from '../../../src/extension/modelCatalog';
import { loadScenario, startSimulator } from '../../../src/simulator/index';

const KEY = 'sk-ant-model-catalog-test-4c1e';

test('the switcher lists every model the API has, over as many pages as the list takes', { timeout: 30_000 }, async () => {
  const extra = Array.from({ length: 1200 }, (_, i) => `claude-test-model-${String(i).padStart(4, '0')}`);
  const scenario = { ...loadScenario('healthy'), models: Object.fromEntries(extra.map((id) => [id, {}])) };
  const simulator = await startSimulator({ scenario, apiKey: KEY });
  try {
    const catalog = await loadCatalog({ baseURL: simulator.url, headers: {}, apiKey: () => Promise.resolve(KEY) }, ['claude-opus-5-5']);
    assert.equal(catalog.source, 'api');
    const ids = catalog.models.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length, 'no model listed twice');
    const missing = extra.filter((id) => !ids.includes(id));
    assert.deepEqual(missing.slice(0, 5), [], `${missing.length} of the listed models are missing`);
    for (const id of ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']) assert.ok(ids.includes(id), `${id} is offered`);
    assert.ok(ids.length > 1200);
  } finally {
    await simulator.close();
  }
});
