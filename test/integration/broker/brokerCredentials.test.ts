// Nobody's credentials are lent: the broker a CLI starts inherits none of that shell's
// ANTHROPIC_*, AWS_*, GOOGLE_* or CLOUDSDK_* variables, and a window using Bedrock with no
// credential of its own is never signed with the starter's — its own set-up (here
// AWS_BEARER_TOKEN_BEDROCK in the client's environment) is what its requests carry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { SharedManager } from '../../../src/broker/client/sharedManager';
import { createRequestManager } from '../../../src/core/requestManager';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { isolateCredentials } from '../../support/credentialEnvironment';
import type { CredentialSandbox } from '../../support/credentialEnvironment';
import { ASK, OPUS, TEST_KEY, scenario, testConfig } from '../core/harness';
import { ask, brokerEnv, cleanUp, json, requireBuild, runtimeDir } from './brokerKit';

const STARTER_TOKEN = 'bedrock-token-of-the-shell-that-started-the-broker-0001';
const STARTER = {
  AWS_BEARER_TOKEN_BEDROCK: STARTER_TOKEN,
  AWS_ACCESS_KEY_ID: 'AKIASTARTERSHELL0001',
  AWS_SECRET_ACCESS_KEY: 'starter-secret-access-key-never-lent-0001',
  AWS_PROFILE: 'starter',
  GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/starter-adc.json',
  CLOUDSDK_CONFIG: '/nonexistent/starter-gcloud',
  ANTHROPIC_AUTH_TOKEN: 'starter-auth-token-never-lent-0001',
};

let anthropic: RunningSimulator;
let bedrock: RunningSimulator;
let sandbox: CredentialSandbox;
const dir = runtimeDir();

before(async () => {
  requireBuild();
  anthropic = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  // Accepts only the starter's Bedrock token.
  bedrock = await startSimulator({ scenario: scenario({}), apiKey: STARTER_TOKEN });
});

after(async () => {
  sandbox?.restore();
  await cleanUp(dir);
  await anthropic.close();
  await bedrock.close();
});

function bedrockWindow(): SharedManager {
  return new SharedManager({
    config: { ...testConfig(bedrock.url), models: [OPUS], providers: [{ id: 'bedrock', baseURL: bedrock.url, region: 'us-east-1' }] },
    historyFile: null,
    reconnect: false,
    createLocal: (c) => createRequestManager(c),
    log: () => undefined,
    connect: async () => openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start: () => undefined }), 'window', 'bedrock-window'),
  });
}

describe('the broker lends no credential', { timeout: 60_000 }, () => {
  let brokerPid = 0;

  test('a broker started from a shell full of credentials has none of them in its environment', async () => {
    const result = await ask(['--broker', '--json', '--base-url', anthropic.url, 'hello'], brokerEnv(dir, STARTER));
    assert.equal(json(result).broker?.mode, 'shared', result.stderr);
    brokerPid = json(result).broker?.pid ?? 0;
    const environ = readFileSync(`/proc/${brokerPid}/environ`, 'utf8').split('\0');
    const leaked = environ.filter((entry) => /^(ANTHROPIC_|AWS_|GOOGLE_|CLOUDSDK_)/i.test(entry)).map((entry) => entry.split('=')[0]);
    assert.deepEqual(leaked, []);
    for (const value of [TEST_KEY, ...Object.values(STARTER)]) assert.equal(environ.some((entry) => entry.includes(value)), false);
  });

  test("a Bedrock window with no credential of its own is refused, never signed with the starter's token; with its own, it is served", async () => {
    sandbox = isolateCredentials();
    const window = bedrockWindow();
    try {
      await window.whenReady();
      assert.equal(window.sharing.mode, 'shared');
      assert.equal(window.sharing.mode === 'shared' && window.sharing.brokerPid, brokerPid, 'the broker the CLI started');
      const refused = await window.send(ASK);
      assert.equal(refused.ok, false, 'no credential, no request');
      assert.match(refused.ok ? '' : refused.error.message, /no AWS credentials found/);
      assert.equal(bedrock.stats().total, 0, 'nothing was sent to Bedrock');

      // The same token, now in this client's own environment: resolved here, carried by the request.
      process.env['AWS_BEARER_TOKEN_BEDROCK'] = STARTER_TOKEN;
      const served = await window.send(ASK);
      assert.ok(served.ok, JSON.stringify(served));
      assert.equal(served.provider, 'bedrock');
      assert.equal(bedrock.stats().requests.at(-1)?.apiKeyOk, true);
    } finally {
      window.dispose();
    }
  });
});
