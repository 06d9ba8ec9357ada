import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { carriesSecret, redactSecrets } from '../../../src/core/redact';
import { clearRegisteredSecrets, registerSecrets } from '../../../src/core/secretRegistry';

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

test('carriesSecret says whether redaction would change a text, without redacting it', () => {
  registerSecrets('registered-value-42');
  try {
    const known = ['gateway-key-0001'];
    const pieces = ['req_011', 'sk-ant-', 'AKIA', 'ABCDEFGHIJKLMNOP', 'ya29.', 'gateway-key-0001', 'registered-value-42', 'x-api-key:', 'abc', '-', '.', 'Bearer ', 'sk-', 'q'.repeat(20)];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 6 }), (parts) => {
        const text = parts.join('');
        assert.equal(carriesSecret(text, known), redactSecrets(text, known) !== text, text);
      }),
    );
    assert.equal(carriesSecret('req_011CSHs2sxWdtA4rQw'), false);
    assert.equal(carriesSecret('req-registered-value-42'), true, 'a registered value inside a token');
    assert.equal(carriesSecret('short', ['short']), false, 'a known value under the minimum length is not a secret');
  } finally {
    clearRegisteredSecrets();
  }
});
