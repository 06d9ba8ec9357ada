import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAnswer } from '../../../src/simulator/index';
import { listModels, pageOfModels } from '../../../src/simulator/model-catalog';
import { validateScenario } from '../../../src/simulator/index';

describe('canonical answer', { timeout: 10_000 }, () => {
  it('depends only on the question and grows by prefix', () => {
    assert.equal(canonicalAnswer('a question'), canonicalAnswer('a question'));
    assert.notEqual(canonicalAnswer('a question'), canonicalAnswer('another question'));
    assert.ok(canonicalAnswer('q', 30).startsWith(canonicalAnswer('q', 12)));
    assert.equal(canonicalAnswer('q', 12).split(' ').length, 12);
    assert.doesNotMatch(canonicalAnswer('q'), /\s$/);
  });
});

describe('model catalogue', { timeout: 10_000 }, () => {
  it('lists scenario models, hides unknown ones, marks deprecated ones', () => {
    const models = listModels(
      validateScenario({ models: { 'claude-opus-5-5': { unknown: true }, 'claude-haiku-5-5': { deprecated: true }, 'my-model': {} } }),
    );
    const ids = models.map((m) => m.id);
    assert.ok(!ids.includes('claude-opus-5-5'));
    assert.ok(ids.includes('my-model'));
    assert.equal(models.find((m) => m.id === 'claude-haiku-5-5')?.lifecycle, 'deprecated');
    assert.equal(models.find((m) => m.id === 'claude-sonnet-5-5')?.lifecycle, 'active');
  });

  it('pages forward with after_id and backward with before_id', () => {
    const all = listModels({});
    const first = pageOfModels(all, new URLSearchParams('limit=3'));
    assert.ok(!('error' in first));
    assert.equal(first.has_more, true);
    const second = pageOfModels(all, new URLSearchParams(`limit=3&after_id=${first.last_id}`));
    assert.ok(!('error' in second));
    assert.equal(second.data[0]?.id, all[3]?.id);
    const back = pageOfModels(all, new URLSearchParams(`limit=3&before_id=${second.first_id}`));
    assert.ok(!('error' in back));
    assert.deepEqual(back.data.map((m) => m.id), first.data.map((m) => m.id));
    assert.equal(back.has_more, false);
    assert.ok('error' in pageOfModels(all, new URLSearchParams('limit=0')));
  });
});
