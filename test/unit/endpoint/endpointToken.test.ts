import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureEndpointToken, tokenMatches } from '../../../src/broker/endpoint/endpointToken';
import { ensurePrivateRuntimeDir } from '../../../src/broker/runtimeDir';

function folder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rc-token-'));
  chmodSync(dir, 0o700);
  return dir;
}

test('the token is made once (0600) and read back the same', () => {
  const base = folder();
  try {
    const dir = ensurePrivateRuntimeDir(path.join(base, 'run'), { RESILIENT_CLAUDE_RUNTIME_DIR: path.join(base, 'run') });
    const token = ensureEndpointToken(dir);
    assert.match(token, /^rc-endpoint-[A-Za-z0-9_-]{43}$/);
    assert.equal(statSync(path.join(dir.path, 'endpoint-token')).mode & 0o777, 0o600);
    assert.equal(ensureEndpointToken(dir), token);
    assert.ok(tokenMatches(token, token));
    assert.ok(!tokenMatches(`${token}x`, token));
    assert.ok(!tokenMatches('', token));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('a token file others may read, or a link, is never used: a fresh private token replaces it', { skip: process.platform === 'win32' }, () => {
  const base = folder();
  try {
    const dir = ensurePrivateRuntimeDir(path.join(base, 'run'), { RESILIENT_CLAUDE_RUNTIME_DIR: path.join(base, 'run') });
    const file = path.join(dir.path, 'endpoint-token');
    const known = `rc-endpoint-${'a'.repeat(43)}`;
    writeFileSync(file, `${known}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    const replaced = ensureEndpointToken(dir);
    assert.notEqual(replaced, known);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    rmSync(file);
    const elsewhere = path.join(base, 'elsewhere');
    writeFileSync(elsewhere, `${known}\n`, { mode: 0o600 });
    symlinkSync(elsewhere, file);
    const fresh = ensureEndpointToken(dir);
    assert.notEqual(fresh, known);
    assert.equal(readFileSync(elsewhere, 'utf8').trim(), known, 'the link\'s target is left alone');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
