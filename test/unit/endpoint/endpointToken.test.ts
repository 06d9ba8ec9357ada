import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EndpointTokenError, ensureEndpointToken, tokenMatches } from '../../../src/broker/endpoint/endpointToken';

function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rc-token-'));
  chmodSync(dir, 0o700);
  return dir;
}

test('the token is made once (0600) and read back the same', () => {
  const dir = folder();
  try {
    const token = ensureEndpointToken(dir);
    assert.match(token, /^rc-endpoint-[A-Za-z0-9_-]{43}$/);
    assert.equal(statSync(path.join(dir, 'endpoint-token')).mode & 0o777, 0o600);
    assert.equal(ensureEndpointToken(dir), token);
    assert.ok(tokenMatches(token, token));
    assert.ok(!tokenMatches(`${token}x`, token));
    assert.ok(!tokenMatches('', token));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a token file others may read, a link or a damaged file is refused', { skip: process.platform === 'win32' }, () => {
  const dir = folder();
  try {
    const file = path.join(dir, 'endpoint-token');
    writeFileSync(file, `rc-endpoint-${'a'.repeat(43)}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    assert.throws(() => ensureEndpointToken(dir), EndpointTokenError);
    rmSync(file);
    const elsewhere = path.join(dir, 'elsewhere');
    writeFileSync(elsewhere, `rc-endpoint-${'a'.repeat(43)}\n`, { mode: 0o600 });
    symlinkSync(elsewhere, file);
    assert.throws(() => ensureEndpointToken(dir), /link/);
    rmSync(file);
    writeFileSync(file, 'not a token\n', { mode: 0o600 });
    assert.throws(() => ensureEndpointToken(dir), /damaged/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
