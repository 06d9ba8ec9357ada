import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactSecrets } from '../../../src/core/redact';

test('manager messages lose the configured key and every credential shape the history knows', () => {
  const message = [
    '401 {"error":{"message":"invalid x-api-key: custom-gw-key-1234"}}',
    'Authorization: Bearer ya29.a0AfH6SMBexampletoken',
    'token ya29.A0ARrdaM-another-google-token',
    'aws AKIAIOSFODNN7EXAMPLE',
    'key sk-ant-api03-abcdefghijklmnop',
  ].join(' | ');
  const out = redactSecrets(message, ['custom-gw-key-1234']);
  for (const secret of ['custom-gw-key-1234', 'ya29.a0AfH6SMBexampletoken', 'ya29.A0ARrdaM', 'AKIAIOSFODNN7EXAMPLE', 'sk-ant-api03-abcdefghijklmnop']) {
    assert.ok(!out.includes(secret), `${secret} survived: ${out}`);
  }
  assert.match(out, /^401 /, 'the rest of the message stays readable');
});
