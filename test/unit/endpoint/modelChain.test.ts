import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelsForRequest } from '../../../src/broker/endpoint/modelChain';

const CHAIN = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'];

test('no model: the chain', () => {
  assert.deepEqual(modelsForRequest(undefined, CHAIN), CHAIN);
});

test('a model of the chain falls back only to those after it', () => {
  assert.deepEqual(modelsForRequest('claude-opus-5-5', CHAIN), CHAIN);
  assert.deepEqual(modelsForRequest('claude-sonnet-5-5', CHAIN), ['claude-sonnet-5-5', 'claude-haiku-5-5']);
  assert.deepEqual(modelsForRequest('claude-haiku-5-5', CHAIN), ['claude-haiku-5-5']);
});

test('a model outside the chain falls back to chain models of its class or smaller, never a larger one', () => {
  assert.deepEqual(modelsForRequest('claude-haiku-4-5', CHAIN), ['claude-haiku-4-5', 'claude-haiku-5-5']);
  assert.deepEqual(modelsForRequest('claude-sonnet-4-5', CHAIN), ['claude-sonnet-4-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
  assert.deepEqual(modelsForRequest('claude-opus-4-1', CHAIN), ['claude-opus-4-1', ...CHAIN]);
});

test('a model of unknown class falls back on the whole chain', () => {
  assert.deepEqual(modelsForRequest('claude-next', CHAIN), ['claude-next', ...CHAIN]);
});
