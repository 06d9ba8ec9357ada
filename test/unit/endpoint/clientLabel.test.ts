import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientLabel } from '../../../src/broker/endpoint/clientLabel';

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
