// The broker client finishes a cut answer by core's one continuation rule: the same prefill the
// manager's own relay would send, thinking off, one assistant turn however the caller prefilled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { continuationOf } from '../../../src/broker/client/continuation';
import type { ClaudeRequest } from '../../../src/core/types';

const ask = (messages: MessageParam[]): ClaudeRequest => ({ max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages });
const user: MessageParam = { role: 'user', content: 'Why do breakers open?' };

test('nothing delivered: the request itself, thinking kept', () => {
  const request = ask([user]);
  assert.deepEqual(continuationOf(request, ''), { request, skip: '' });
});

test('delivered text becomes the prefill, trailing whitespace trimmed and skipped, thinking off', () => {
  const { request, skip } = continuationOf(ask([user]), 'Because  \n');
  assert.equal(request.thinking, undefined);
  assert.deepEqual(request.messages, [user, { role: 'assistant', content: 'Because' }]);
  assert.equal(skip, '  \n');
});

test("the caller's own prefill joins the delivered text, as a string or as blocks: one assistant turn", () => {
  assert.deepEqual(continuationOf(ask([user, { role: 'assistant', content: 'In short:' }]), ' load.').request.messages, [user, { role: 'assistant', content: 'In short: load.' }]);
  const blocks = continuationOf(ask([user, { role: 'assistant', content: [{ type: 'text', text: 'In short:' }] }]), ' load.').request.messages;
  assert.deepEqual(blocks, [user, { role: 'assistant', content: 'In short: load.' }]);
});

test('only whitespace delivered: no empty prefill (the API refuses one), the whitespace skipped', () => {
  const { request, skip } = continuationOf(ask([user]), '\n\n');
  assert.deepEqual(request.messages, [user]);
  assert.equal(skip, '\n\n');
});
