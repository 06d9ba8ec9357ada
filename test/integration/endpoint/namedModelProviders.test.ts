// A model the client named that the API does not know, for a user with provider failover (Anthropic,
// then Bedrock): the same model on the next provider is a legitimate failover — asked once — and
// when that provider does not serve it either, the request ends there. The client is told the
// Anthropic API's own 404, as the API sent it (status, body, request id) with `x-should-retry:
// false`, after at most one attempt per provider, and no fallback model answers. The official SDK
// with the endpoint's token → the endpoint in this process → the simulator on its Anthropic and
// its Bedrock routes (one simulator each, so each provider's attempts are counted on their own).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { ProviderConfig } from '../../../src/core/contract';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import type { EndpointRequest, RunningEndpoint } from '../../../src/broker/endpoint/endpointServer';
import { isolateCredentials } from '../../support/credentialEnvironment';
import type { CredentialSandbox } from '../../support/credentialEnvironment';
import { recordedSimulator } from '../../support/recordedSimulator';
import type { RecordedSimulator } from '../../support/recordedSimulator';
import { ASK, TEST_KEY, ownKeyEndpoint, scenario } from './endpointKit';
import type { ApiBody } from './endpointKit';

const TOKEN = 'rc-endpoint-named-model-providers-0123456789abcdef';
const ACCESS_KEY_ID = 'AKIDRESILIENTTEST404';
const SECRET_ACCESS_KEY = 'bedrock-secret-access-key-never-shown-404404';
/** A model neither provider serves, of a class the chain has (the chain's Opus is no answer to it). */
const UNKNOWN = 'claude-opus-4-1';
/** A model the Anthropic API does not know and Bedrock serves. */
const ON_BEDROCK_ONLY = 'claude-sonnet-4-5';

describe('a model the client named, for a user with Anthropic then Bedrock', { timeout: 120_000 }, () => {
  let anthropic: RecordedSimulator;
  let bedrock: RunningSimulator;
  let endpoint: RunningEndpoint;
  let sandbox: CredentialSandbox | undefined;
  let client: Anthropic;
  const answered: EndpointRequest[] = [];
  before(async () => {
    sandbox = isolateCredentials();
    anthropic = await recordedSimulator(scenario({ [UNKNOWN]: { unknown: true }, [ON_BEDROCK_ONLY]: { unknown: true } } as Parameters<typeof scenario>[0]), TEST_KEY);
    bedrock = await startSimulator({ scenario: scenario({ [UNKNOWN]: { unknown: true } } as Parameters<typeof scenario>[0]), apiKey: ACCESS_KEY_ID });
    const providers: ProviderConfig[] = [
      { id: 'anthropic', baseURL: anthropic.proxy.url, apiKey: () => TEST_KEY },
      { id: 'bedrock', baseURL: bedrock.url, region: 'us-east-1', awsAccessKeyId: () => ACCESS_KEY_ID, awsSecretAccessKey: async () => SECRET_ACCESS_KEY },
    ];
    endpoint = await ownKeyEndpoint(anthropic.proxy.url, { token: TOKEN, userProviders: () => providers, onRequest: (request) => answered.push(request) });
    client = new Anthropic({ baseURL: endpoint.url, apiKey: TOKEN });
  });
  after(async () => {
    await endpoint?.close();
    await anthropic?.close();
    await bedrock?.close();
    sandbox?.restore();
  });

  test('unknown on both: the client gets the Anthropic API’s 404 as it sent it, after one attempt per provider, and no fallback answers', async () => {
    const body = { model: UNKNOWN, ...ASK };
    // The first request learns the API does not know the model; the next ones start from that.
    const asks = [() => client.messages.create(body), () => client.messages.stream(body).finalMessage(), () => client.messages.create(body)];
    for (const [i, ask] of asks.entries()) {
      const what = `ask ${i + 1}`;
      const anthropicBefore = anthropic.proxy.answers.length;
      const bedrockBefore = bedrock.stats().requests.length;
      const error = await ask().then(
        () => assert.fail(`${what}: answered`),
        (e: unknown) => e,
      );
      assert.ok(error instanceof Anthropic.APIError, String(error));
      const toAnthropic = anthropic.proxy.answers.slice(anthropicBefore);
      const toBedrock = bedrock.stats().requests.slice(bedrockBefore);
      assert.deepEqual(toAnthropic.map((answer) => `${answer.path.split('?')[0]} ${answer.status}`), ['/v1/messages 404'], `${what}: the API was asked once, and refused`);
      assert.ok(toBedrock.length <= 1, `${what}: at most one attempt on Bedrock (${toBedrock.length})`);
      assert.ok(toBedrock.every((request) => request.path.includes(UNKNOWN) && request.status === 404), `${what}: Bedrock was asked for the named model only`);
      const sent = JSON.parse(toAnthropic[0]!.body) as ApiBody;
      assert.equal(error.status, 404);
      assert.deepEqual(error.error, sent, `${what}: the error body is the API’s`);
      assert.equal(sent.error.type, 'not_found_error');
      assert.equal(error.requestID, sent.request_id, `${what}: the request id is the API’s`);
      assert.equal(error.headers?.get('x-should-retry'), 'false');
      assert.equal(answered.at(-1)?.status, 404);
      assert.equal(answered.at(-1)?.model, null, `${what}: no model answered`);
    }
  });

  test('served on Bedrock: the same model there answers (a provider failover, not a fallback model)', async () => {
    for (const ask of [() => client.messages.create({ model: ON_BEDROCK_ONLY, ...ASK }).withResponse(), () => client.messages.create({ model: ON_BEDROCK_ONLY, ...ASK }).withResponse()]) {
      const bedrockBefore = bedrock.stats().requests.length;
      const { data, response } = await ask();
      assert.equal(data.model, ON_BEDROCK_ONLY);
      assert.equal(response.headers.get('x-resilient-claude-model'), ON_BEDROCK_ONLY);
      assert.deepEqual(bedrock.stats().requests.slice(bedrockBefore).map((request) => request.status), [200], 'one attempt on Bedrock');
    }
    const toAnthropic = anthropic.proxy.answers.filter((answer) => answer.body.includes(ON_BEDROCK_ONLY));
    assert.ok(toAnthropic.length <= 2, `the API asked at most once a request (${toAnthropic.length})`);
  });
});
