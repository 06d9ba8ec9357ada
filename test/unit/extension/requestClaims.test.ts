import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagerEvent } from '../../../src/core/types';
import { RequestClaims } from '../../../src/extension/requestClaims';

const wait = (id: string): ManagerEvent => ({
  type: 'wait', time: 0, clientRequestId: id, provider: 'anthropic', model: 'm', delayMs: 1000, reason: 'overloaded', nextAttempt: 2,
});
const breaker: ManagerEvent = { type: 'breaker', time: 0, provider: 'anthropic', model: 'm', from: 'closed', to: 'open', nextProbeAt: 1 };

test('two asks in flight each see only their own request\'s progress', { timeout: 5000 }, () => {
  const claims = new RequestClaims();
  const first = claims.claim();
  const second = claims.claim();
  assert.equal(claims.ownerOf(wait('a')), first);
  assert.equal(claims.ownerOf(wait('b')), second);
  assert.equal(claims.ownerOf(wait('a')), first);
  assert.equal(claims.ownerOf(breaker), undefined, 'breaker events belong to no request');
  assert.equal(claims.ownerOf(wait('c')), undefined, 'a request nobody here started');
});

test('a released claim no longer receives events, and a finished request is not claimed by a new ask', { timeout: 5000 }, () => {
  const claims = new RequestClaims();
  const first = claims.claim();
  claims.ownerOf(wait('a'));
  claims.release(first);
  const next = claims.claim();
  assert.equal(claims.ownerOf({ type: 'request', time: 0, clientRequestId: 'a', ok: true, model: 'm', attempts: 1, errorClass: null, latencyMs: 1 }), undefined);
  assert.equal(claims.ownerOf(wait('a')), undefined, 'a late event of the finished request');
  assert.equal(claims.ownerOf(wait('b')), next);
});
