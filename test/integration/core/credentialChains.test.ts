// Credentials the way users already have them, over loopback HTTP: Bedrock signed with
// keys from a profile of the AWS shared credentials file (AWS_SHARED_CREDENTIALS_FILE in a
// temporary directory); Vertex with Google Application Default Credentials from a
// GOOGLE_APPLICATION_CREDENTIALS file whose token endpoint is a fake on 127.0.0.1, its
// short-lived tokens refreshed by google-auth-library; per-provider model ids on the wire.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRequestManager } from '../../../src/core/requestManager';
import { registeredSecrets } from '../../../src/core/secretRegistry';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import { isolateCredentials } from '../../support/credentialEnvironment';
import type { CredentialSandbox } from '../../support/credentialEnvironment';
import { ASK, OPUS, TEST_KEY, scenario, testConfig } from './harness';

const OPTS = { timeout: 30_000 };
const PROFILE_KEY_ID = 'AKIAPROFILEKEY000001';
const PROFILE_SECRET = 'profile-secret-access-key-never-shown-0001';

/** A fake OAuth/STS token endpoint: each exchange issues the next token, valid for `expiresIn` seconds. */
interface TokenEndpoint {
  readonly url: string;
  readonly issued: string[];
  close(): Promise<void>;
}

async function tokenEndpoint(token: (n: number) => string, expiresIn: number): Promise<TokenEndpoint> {
  const issued: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const accessToken = token(issued.length + 1);
      issued.push(accessToken);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ access_token: accessToken, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: expiresIn }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/token`, issued, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** An ADC file of the workload identity federation kind: the token exchange goes to `tokenUrl`. */
function writeAdcFile(sandbox: CredentialSandbox, tokenUrl: string): string {
  const subject = join(sandbox.dir, 'subject-token');
  writeFileSync(subject, 'subject-token-from-the-identity-provider');
  return sandbox.writeJson('application_default_credentials.json', {
    type: 'external_account',
    audience: '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/pool/providers/local',
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    token_url: tokenUrl,
    credential_source: { file: subject },
  });
}

describe('provider credentials from the user\'s own AWS and Google set-up', () => {
  let sandbox: CredentialSandbox;
  before(() => {
    sandbox = isolateCredentials();
  });
  after(() => sandbox.restore());

  it('Bedrock signs with the keys of the configured profile in the shared credentials file', OPTS, async () => {
    sandbox.writeAwsCredentials(
      ['[default]', 'aws_access_key_id = AKIADEFAULTNOTUSED01', 'aws_secret_access_key = default-not-used', '', '[bedrock-dev]', `aws_access_key_id = ${PROFILE_KEY_ID}`, `aws_secret_access_key = ${PROFILE_SECRET}`, ''].join('\n'),
    );
    // The simulator accepts a signature only with this access key id.
    const bedrock = await startSimulator({ scenario: scenario({}), apiKey: PROFILE_KEY_ID });
    const manager = createRequestManager({
      ...testConfig(bedrock.url),
      providers: [{ id: 'bedrock', baseURL: bedrock.url, region: 'us-east-1', awsProfile: 'bedrock-dev', modelIds: { [OPUS]: 'us.anthropic.claude-opus-5-5-v1:0' } }],
    });
    try {
      const outcome = await manager.send(ASK);
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.provider, 'bedrock');
      assert.equal(outcome.model, OPUS, 'the route keeps the API model id');
      assert.equal(outcome.text, canonicalAnswer(ASK.messages[0]!.content));
      const [call] = bedrock.stats().requests;
      assert.equal(call?.apiKeyOk, true, 'signed with the profile\'s access key id');
      assert.equal(call?.path, '/model/us.anthropic.claude-opus-5-5-v1:0/invoke-with-response-stream');
      assert.ok(registeredSecrets().includes(PROFILE_SECRET), 'the profile\'s secret is registered with redaction');
    } finally {
      manager.dispose();
      await bedrock.close();
    }
  });

  it('Vertex uses Application Default Credentials when no token is stored', OPTS, async () => {
    const vertexToken = 'ya29.adc-token-accepted-by-the-simulator';
    const tokens = await tokenEndpoint(() => vertexToken, 3600);
    const vertex = await startSimulator({ scenario: scenario({}), apiKey: vertexToken });
    process.env['GOOGLE_APPLICATION_CREDENTIALS'] = writeAdcFile(sandbox, tokens.url);
    const manager = createRequestManager({
      ...testConfig(vertex.url),
      providers: [{ id: 'vertex', baseURL: `${vertex.url}/v1`, projectId: 'demo-project', region: 'us-east5', apiKey: () => '', modelIds: { [OPUS]: 'claude-opus-5-5@20261101' } }],
    });
    try {
      const outcome = await manager.send(ASK);
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.provider, 'vertex');
      const [call] = vertex.stats().requests;
      assert.equal(call?.apiKeyOk, true, 'the ADC token is what Vertex received');
      assert.equal(call?.path, `/v1/projects/demo-project/locations/us-east5/publishers/anthropic/models/claude-opus-5-5@20261101:streamRawPredict`);
      assert.equal(tokens.issued.length, 1, 'the token is fetched once while it is valid');
      await manager.send(ASK);
      assert.equal(tokens.issued.length, 1);
      assert.ok(registeredSecrets().includes(vertexToken));
    } finally {
      manager.dispose();
      delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
      await vertex.close();
      await tokens.close();
    }
  });

  it('an expired ADC token is refreshed before the next request', OPTS, async () => {
    // Tokens valid for 1 s are inside the library's refresh margin: every request gets a fresh one.
    const tokens = await tokenEndpoint((n) => `ya29.short-lived-token-${n}`, 1);
    const vertex = await startSimulator({ scenario: scenario({}) });
    process.env['GOOGLE_APPLICATION_CREDENTIALS'] = writeAdcFile(sandbox, tokens.url);
    const manager = createRequestManager({
      ...testConfig(vertex.url),
      providers: [{ id: 'vertex', baseURL: `${vertex.url}/v1`, projectId: 'demo-project', region: 'us-east5', apiKey: () => undefined }],
    });
    try {
      assert.ok((await manager.send(ASK)).ok);
      const afterFirst = tokens.issued.length;
      assert.ok((await manager.send(ASK)).ok);
      assert.ok(tokens.issued.length > afterFirst, `a new token was fetched (${tokens.issued.length} issued)`);
      for (const token of tokens.issued) assert.ok(registeredSecrets().includes(token), 'every token issued is registered with redaction');
    } finally {
      manager.dispose();
      delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
      await vertex.close();
      await tokens.close();
    }
  });

  it('a stored Vertex token wins over Application Default Credentials', OPTS, async () => {
    const tokens = await tokenEndpoint(() => 'ya29.adc-token-never-used', 3600);
    const vertex = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
    process.env['GOOGLE_APPLICATION_CREDENTIALS'] = writeAdcFile(sandbox, tokens.url);
    const manager = createRequestManager({
      ...testConfig(vertex.url),
      providers: [{ id: 'vertex', baseURL: `${vertex.url}/v1`, projectId: 'demo-project', region: 'us-east5', apiKey: () => TEST_KEY }],
    });
    try {
      assert.ok((await manager.send(ASK)).ok);
      assert.equal(vertex.stats().requests[0]?.apiKeyOk, true);
      assert.equal(tokens.issued.length, 0);
    } finally {
      manager.dispose();
      delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
      await vertex.close();
      await tokens.close();
    }
  });

  it('Vertex without any Google credentials fails naming Vertex and the fix, sending nothing', OPTS, async () => {
    const vertex = await startSimulator({ scenario: scenario({}) });
    const manager = createRequestManager({
      ...testConfig(vertex.url),
      providers: [{ id: 'vertex', baseURL: `${vertex.url}/v1`, projectId: 'demo-project', region: 'us-east5', apiKey: () => '' }],
    });
    try {
      const outcome = await manager.send(ASK);
      assert.ok(!outcome.ok);
      assert.equal(outcome.error.class, 'auth');
      assert.match(outcome.error.message, /Vertex: no Google credentials found/);
      assert.match(outcome.error.message, /gcloud auth application-default login/);
      assert.equal(vertex.stats().total, 0);
    } finally {
      manager.dispose();
      await vertex.close();
    }
  });
});
