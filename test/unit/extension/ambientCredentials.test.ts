// Whether Bedrock and Vertex can be used with the user's own AWS / Google set-up when
// nothing is stored: asked of the real chains (in a sandbox of temporary files), the
// answer kept a minute, asked afresh on request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AMBIENT_PROBE_TTL_MS, AmbientCredentials } from '../../../src/extension/ambientCredentials';
import { isolateCredentials } from '../../support/credentialEnvironment';
import type { CredentialSandbox } from '../../support/credentialEnvironment';

const OPTS = { timeout: 20_000 };

describe('ambient credentials', () => {
  let sandbox: CredentialSandbox;
  before(() => {
    sandbox = isolateCredentials();
  });
  after(() => sandbox.restore());

  it('Bedrock: found through a profile, never returning a credential value', OPTS, async () => {
    sandbox.writeAwsCredentials('[bedrock-dev]\naws_access_key_id = AKIAAMBIENTTEST00001\naws_secret_access_key = ambient-secret-0000000001\n');
    const probe = await new AmbientCredentials().bedrock('bedrock-dev');
    assert.deepEqual(probe, { found: true, source: "AWS profile 'bedrock-dev'" });
    assert.ok(!JSON.stringify(probe).includes('ambient-secret'));
  });

  it('an answer is kept for a while and asked afresh after that or on request', OPTS, async () => {
    sandbox.writeAwsCredentials('');
    let now = 1_000_000;
    const ambient = new AmbientCredentials(() => now);
    const missing = await ambient.bedrock('later');
    assert.equal(missing.found, false);
    assert.match(!missing.found ? missing.message : '', /^Bedrock: .*'later'/);

    sandbox.writeAwsCredentials('[later]\naws_access_key_id = AKIAAMBIENTTEST00002\naws_secret_access_key = ambient-secret-0000000002\n');
    assert.equal((await ambient.bedrock('later')).found, false, 'kept within the minute');
    assert.equal((await ambient.bedrock('later', true)).found, true, 'asked afresh on request');

    sandbox.writeAwsCredentials('');
    now += AMBIENT_PROBE_TTL_MS + 1;
    assert.equal((await ambient.bedrock('later')).found, false, 'asked again once the answer is old');
  });

  it('Vertex: no Application Default Credentials gives the message naming Vertex', OPTS, async () => {
    const probe = await new AmbientCredentials().vertex('team-claude-42');
    assert.equal(probe.found, false);
    assert.match(!probe.found ? probe.message : '', /^Vertex: no Google credentials found/);
  });
});
