import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelChoices } from '../../../src/extension/modelCatalog';
import type { CatalogModel } from '../../../src/extension/modelCatalog';

const api = (id: string, lifecycle: CatalogModel['lifecycle'] = 'active', retiresAt: string | null = null): CatalogModel => ({
  id,
  displayName: id.toUpperCase(),
  lifecycle,
  retiresAt,
});

test('the chain comes first in its own order, the other usable models after', { timeout: 5000 }, () => {
  const catalog = [api('claude-opus-5-5'), api('claude-sonnet-5-5'), api('claude-haiku-5-5'), api('claude-opus-5')];
  const choices = modelChoices(catalog, ['claude-sonnet-5-5', 'claude-opus-5-5']);
  assert.deepEqual(choices.chain.map((m) => m.id), ['claude-sonnet-5-5', 'claude-opus-5-5']);
  assert.deepEqual(choices.others.map((m) => m.id), ['claude-haiku-5-5', 'claude-opus-5']);
  assert.equal(choices.chain[0]?.displayName, 'CLAUDE-SONNET-5-5', 'what the API says about a chain model is kept');
});

test('retired models are not offered, unless the chain still names one (so its failures make sense)', { timeout: 5000 }, () => {
  const catalog = [api('claude-opus-5-5'), api('claude-3-old', 'retired'), api('claude-sonnet-4-5', 'deprecated', '2026-11-30T00:00:00Z')];
  const choices = modelChoices(catalog, ['claude-opus-5-5', 'claude-3-old']);
  assert.deepEqual(choices.others.map((m) => m.id), ['claude-sonnet-4-5']);
  assert.equal(choices.chain[1]?.lifecycle, 'retired');
});

test('a chain model the API does not list still shows, marked as unknown', { timeout: 5000 }, () => {
  const choices = modelChoices([api('claude-opus-5-5')], ['claude-opus-5-5', 'my-gateway-alias']);
  assert.deepEqual(choices.chain.map((m) => [m.id, m.lifecycle]), [['claude-opus-5-5', 'active'], ['my-gateway-alias', null]]);
});
