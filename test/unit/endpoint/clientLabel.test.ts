import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientIdPart, clientLabel } from '../../../src/broker/endpoint/clientLabel';
import { clientRequestIdProblem } from '../../../src/core/clientRequestId';

test('known clients are named from their user-agent', () => {
  assert.equal(clientLabel('claude-cli/2.1.332 (external, cli)'), 'Claude Code 2.1.332');
  assert.equal(clientLabel('Anthropic/JS 1.12.0'), 'Anthropic TypeScript SDK 1.12.0');
  assert.equal(clientLabel('Anthropic/Python 0.70.0'), 'Anthropic Python SDK 0.70.0');
  assert.equal(clientLabel('curl/8.5.0'), 'curl 8.5.0');
});

test('others by their first word, cleaned; none as unknown', () => {
  assert.equal(clientLabel('MyScript/1.0 (linux)'), 'MyScript/1.0');
  assert.equal(clientLabel('<script>alert(1)</script>'), 'scriptalert(1)/script');
  assert.equal(clientLabel(undefined), 'unknown client');
  assert.equal(clientLabel('   '), 'unknown client');
});

test('the client part of a request id: the name without its version, fit for the x-client-request-id header', () => {
  assert.equal(clientIdPart(clientLabel('claude-cli/2.1.332 (external, cli)')), 'claude-code');
  assert.equal(clientIdPart(clientLabel('Anthropic/JS 1.12.0')), 'anthropic-typescript-sdk');
  assert.equal(clientIdPart(clientLabel('curl/8.5.0')), 'curl');
  assert.equal(clientIdPart(clientLabel('<script>alert(1)</script>')), 'scriptalert-1-script');
  assert.equal(clientIdPart(clientLabel(undefined)), 'unknown-client');
  assert.equal(clientIdPart('()'), 'unknown');
  for (const ua of ['claude-cli/2.1.3', 'x'.repeat(300), '日本語/1.0', 'a b c']) {
    assert.equal(clientRequestIdProblem(`ep_${clientIdPart(clientLabel(ua))}_AbCdEf012345`), null, ua);
  }
});
