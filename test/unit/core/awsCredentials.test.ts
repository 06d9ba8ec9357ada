// Which AWS credentials a Bedrock attempt uses, in order: a stored Bedrock API key, stored
// AWS keys, AWS_BEARER_TOKEN_BEDROCK, then the AWS SDK's default chain (environment, the
// shared files with the configured profile, SSO …) — each found value registered with
// redaction, and a clear message naming Bedrock when nothing is found.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { AwsCredentialChains, resolveBedrockAuth } from '../../../src/core/awsCredentials';
import type { BedrockAuthResult, BedrockCredentialInputs } from '../../../src/core/awsCredentials';
import { redactSecrets } from '../../../src/core/redact';
import { clearRegisteredSecrets, registeredSecrets } from '../../../src/core/secretRegistry';
import { isolateCredentials } from '../../support/credentialEnvironment';
import type { CredentialSandbox } from '../../support/credentialEnvironment';

const OPTS = { timeout: 20_000 };
const NONE: BedrockCredentialInputs = { apiKey: '', accessKeyId: '', secretAccessKey: '', sessionToken: '', profile: '' };
const STORED = { accessKeyId: 'AKIASTOREDKEY0000001', secretAccessKey: 'stored-secret-access-key-0000000000000001' };
const FILE_DEFAULT = { id: 'AKIAFILEDEFAULT00001', secret: 'file-default-secret-key-00000000000000001' };
const FILE_WORK = { id: 'AKIAFILEWORK00000001', secret: 'file-work-secret-key-000000000000000000001', token: 'file-work-session-token-0001' };
const ENV = { id: 'AKIAENVIRONMENT00001', secret: 'environment-secret-key-0000000000000001' };

function credentialsFile(): string {
  return [
    '[default]',
    `aws_access_key_id = ${FILE_DEFAULT.id}`,
    `aws_secret_access_key = ${FILE_DEFAULT.secret}`,
    '',
    '[work]',
    `aws_access_key_id = ${FILE_WORK.id}`,
    `aws_secret_access_key = ${FILE_WORK.secret}`,
    `aws_session_token = ${FILE_WORK.token}`,
    '',
  ].join('\n');
}

function sigv4(result: BedrockAuthResult): { accessKeyId: string; secretAccessKey: string; sessionToken?: string; source: string } {
  assert.ok(result.ok, result.ok ? '' : result.message);
  assert.equal(result.auth.kind, 'sigv4');
  if (result.auth.kind !== 'sigv4') throw new Error('unreachable');
  return { ...result.auth.credentials, source: result.auth.source };
}

describe('Bedrock credential resolution order', () => {
  let sandbox: CredentialSandbox;
  before(() => {
    sandbox = isolateCredentials();
  });
  after(() => sandbox.restore());
  afterEach(() => {
    clearRegisteredSecrets();
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) delete process.env[name];
    sandbox.writeAwsCredentials('');
    sandbox.writeAwsConfig('');
  });

  it('a stored Bedrock API key wins over stored keys, the environment and profiles', OPTS, async () => {
    process.env['AWS_ACCESS_KEY_ID'] = ENV.id;
    process.env['AWS_SECRET_ACCESS_KEY'] = ENV.secret;
    const result = await resolveBedrockAuth({ ...NONE, ...STORED, apiKey: 'bedrock-api-key-stored-0001', profile: 'work' }, new AwsCredentialChains(), {
      AWS_BEARER_TOKEN_BEDROCK: 'bedrock-env-token-0001',
    });
    assert.ok(result.ok && result.auth.kind === 'bearer');
    assert.equal(result.auth.kind === 'bearer' && result.auth.token, 'bedrock-api-key-stored-0001');
    assert.ok(registeredSecrets().includes('bedrock-api-key-stored-0001'));
  });

  it('stored AWS keys win over the environment and the shared files', OPTS, async () => {
    process.env['AWS_ACCESS_KEY_ID'] = ENV.id;
    process.env['AWS_SECRET_ACCESS_KEY'] = ENV.secret;
    sandbox.writeAwsCredentials(credentialsFile());
    const got = sigv4(await resolveBedrockAuth({ ...NONE, ...STORED, sessionToken: 'stored-session-token-0001' }, new AwsCredentialChains()));
    assert.equal(got.accessKeyId, STORED.accessKeyId);
    assert.equal(got.sessionToken, 'stored-session-token-0001');
    assert.equal(got.source, 'AWS keys in secret storage');
    for (const value of [STORED.accessKeyId, STORED.secretAccessKey, 'stored-session-token-0001']) assert.ok(registeredSecrets().includes(value));
  });

  it('AWS_BEARER_TOKEN_BEDROCK is used when nothing is stored and no profile is configured', OPTS, async () => {
    const result = await resolveBedrockAuth(NONE, new AwsCredentialChains(), { AWS_BEARER_TOKEN_BEDROCK: 'bedrock-env-token-0001' });
    assert.ok(result.ok && result.auth.kind === 'bearer' && result.auth.token === 'bedrock-env-token-0001');
    assert.equal(result.ok && result.auth.source, 'AWS_BEARER_TOKEN_BEDROCK');
  });

  it('without a profile, environment keys win over the shared credentials file', OPTS, async () => {
    sandbox.writeAwsCredentials(credentialsFile());
    process.env['AWS_ACCESS_KEY_ID'] = ENV.id;
    process.env['AWS_SECRET_ACCESS_KEY'] = ENV.secret;
    process.env['AWS_PROFILE'] = 'work';
    const got = sigv4(await resolveBedrockAuth(NONE, new AwsCredentialChains(), {}));
    assert.equal(got.accessKeyId, ENV.id);
    assert.ok(registeredSecrets().includes(ENV.secret));
  });

  it('without a profile or environment keys, the default profile of the shared credentials file', OPTS, async () => {
    sandbox.writeAwsCredentials(credentialsFile());
    const got = sigv4(await resolveBedrockAuth(NONE, new AwsCredentialChains(), {}));
    assert.equal(got.accessKeyId, FILE_DEFAULT.id);
    assert.equal(got.source, 'the default AWS credential chain');
    assert.equal(redactSecrets(`signed with ${FILE_DEFAULT.secret}`), 'signed with [redacted]');
  });

  it('the configured profile wins over environment keys and the default profile', OPTS, async () => {
    sandbox.writeAwsCredentials(credentialsFile());
    process.env['AWS_ACCESS_KEY_ID'] = ENV.id;
    process.env['AWS_SECRET_ACCESS_KEY'] = ENV.secret;
    const got = sigv4(await resolveBedrockAuth({ ...NONE, profile: 'work' }, new AwsCredentialChains(), { AWS_BEARER_TOKEN_BEDROCK: 'bedrock-env-token-0001' }));
    assert.equal(got.accessKeyId, FILE_WORK.id);
    assert.equal(got.sessionToken, FILE_WORK.token);
    assert.equal(got.source, "AWS profile 'work'");
    for (const value of [FILE_WORK.id, FILE_WORK.secret, FILE_WORK.token]) assert.ok(registeredSecrets().includes(value));
  });

  it('a profile of the config file with keys of its own (profile sections) is found too', OPTS, async () => {
    sandbox.writeAwsConfig(['[profile dev]', `aws_access_key_id = ${FILE_WORK.id}`, `aws_secret_access_key = ${FILE_WORK.secret}`, 'region = eu-west-1', ''].join('\n'));
    const got = sigv4(await resolveBedrockAuth({ ...NONE, profile: 'dev' }, new AwsCredentialChains(), {}));
    assert.equal(got.accessKeyId, FILE_WORK.id);
  });

  it('nothing found: the message names Bedrock, where it looked and what to do — never the API key', OPTS, async () => {
    const result = await resolveBedrockAuth(NONE, new AwsCredentialChains(), {});
    assert.ok(!result.ok);
    assert.match(result.message, /^Bedrock: no AWS credentials found \(environment, ~\/\.aws default profile, SSO/);
    assert.match(result.message, /Set AWS Credentials for Bedrock/);
    assert.doesNotMatch(result.message, /API key/);
  });

  it('a profile that does not exist names the profile', OPTS, async () => {
    sandbox.writeAwsCredentials(credentialsFile());
    const result = await resolveBedrockAuth({ ...NONE, profile: 'missing' }, new AwsCredentialChains(), {});
    assert.ok(!result.ok);
    assert.match(result.message, /^Bedrock: .*'missing'/);
    assert.match(result.message, /resilientClaude\.bedrock\.profile/);
  });

  it('an SSO profile without a login says so and names the profile', OPTS, async () => {
    sandbox.writeAwsConfig(
      [
        '[profile corp]',
        'sso_session = corp-sso',
        'sso_account_id = 111122223333',
        'sso_role_name = BedrockUser',
        'region = us-east-1',
        '',
        '[sso-session corp-sso]',
        'sso_start_url = https://corp.example.invalid/start',
        'sso_region = us-east-1',
        '',
      ].join('\n'),
    );
    const result = await resolveBedrockAuth({ ...NONE, profile: 'corp' }, new AwsCredentialChains(), {});
    assert.ok(!result.ok);
    assert.match(result.message, /^Bedrock: AWS credentials from profile 'corp' could not be loaded: .*sso/i);
  });

  it('a chain that found nothing is looked up afresh next time (credentials added later are used)', OPTS, async () => {
    const chains = new AwsCredentialChains();
    assert.equal((await resolveBedrockAuth({ ...NONE, profile: 'work' }, chains, {})).ok, false);
    sandbox.writeAwsCredentials(credentialsFile());
    assert.equal(sigv4(await resolveBedrockAuth({ ...NONE, profile: 'work' }, chains, {})).accessKeyId, FILE_WORK.id);
  });
});
