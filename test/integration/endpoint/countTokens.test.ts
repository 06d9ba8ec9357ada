// POST /v1/messages/count_tokens through `serve` goes through the manager: the official SDK (no
// retries of its own) → the endpoint → a recording proxy → the simulator, whose counts meet the
// model's outcomes (countTokensFails). A transient failure is retried and the count arrives; each
// attempt carries the client's body and beta and version headers unchanged; when every attempt
// fails, the client gets the upstream's status with `x-should-retry: false`. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator } from '../../../src/simulator/index';
import type { Scenario } from '../../../src/simulator/index';
import { recordingProxy } from '../../support/recordingProxy';
import type { Seen } from '../../support/recordingProxy';
import { OPUS, TEST_KEY, requireBuild, scenario, serve } from './endpointKit';

const BODY = { model: OPUS, messages: [{ role: 'user' as const, content: 'How many tokens is this?' }], a_field_the_sdk_has_not_met: { kept: true } };
const BETAS = ['token-counting-2024-11-01', 'context-management-2025-06-27'];
const VERSION = '2023-06-01';

async function throughServe(s: Scenario, run: (client: Anthropic, seen: () => Seen[], directCount: () => Promise<unknown>) => Promise<void>): Promise<void> {
  requireBuild();
  const sim = await startSimulator({ scenario: s, apiKey: TEST_KEY });
  const proxy = await recordingProxy(sim.url);
  const served = await serve(proxy.url);
  try {
    const client = new Anthropic({ baseURL: served.url, apiKey: TEST_KEY, defaultHeaders: { 'anthropic-version': VERSION }, maxRetries: 0 });
    const seen = (): Seen[] => proxy.seen.filter((x) => x.path.startsWith('/v1/messages/count_tokens'));
    // The simulator's own count of the body (its scenario is healthy for this once: see each test).
    const directCount = async (): Promise<unknown> => {
      const answer = await fetch(`${sim.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json', 'anthropic-version': VERSION }, body: JSON.stringify(BODY) });
      return answer.json();
    };
    await run(client, seen, directCount);
  } finally {
    await served.stop();
    await proxy.close();
    await sim.close();
  }
}

test('count_tokens through serve: a 529 is retried by the manager and the count arrives; body and headers unchanged on every attempt', { timeout: 60_000 }, async () => {
  await throughServe(scenario({ [OPUS]: { countTokensFails: true, sequence: ['529', 'ok'] } }), async (client, seen, directCount) => {
    // The beta API, as Claude Code calls it: /v1/messages/count_tokens?beta=true with anthropic-beta.
    const { data, response } = await client.beta.messages.countTokens({ ...BODY, betas: BETAS } as Anthropic.Beta.MessageCountTokensParams).withResponse();
    const sent = seen();
    assert.equal(sent.length, 2, 'the 529, then the count');
    for (const attempt of sent) {
      assert.deepEqual(attempt.body, BODY, 'the client\'s body, unknown fields included');
      assert.equal(attempt.headers['anthropic-beta'], [...BETAS, 'token-counting-2024-11-01'].join(','), 'as the SDK\'s beta API sent it (its own beta last)');
      assert.equal(attempt.headers['anthropic-version'], VERSION);
    }
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-resilient-claude-attempts'), '2');
    assert.equal(response.headers.get('x-resilient-claude-model'), OPUS);
    assert.ok(response.headers.get('request-id'), 'the upstream\'s request id');
    assert.deepEqual(data, await directCount(), 'the API\'s answer, whole');
  });
});

test('count_tokens through serve when every attempt fails: the upstream\'s status with x-should-retry: false, a bounded number of attempts', { timeout: 90_000 }, async () => {
  await throughServe(scenario({ [OPUS]: { countTokensFails: true, p529: 1 } }), async (client, seen) => {
    const error = await client.messages.countTokens(BODY as Anthropic.MessageCountTokensParams).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof Anthropic.APIError, `an API error (${String(error)})`);
    assert.equal(error.status, 529);
    assert.equal(error.headers?.get('x-should-retry'), 'false');
    const attempts = seen().length;
    assert.ok(attempts >= 2 && attempts <= 6, `retried within the manager's attempts (${attempts})`);
    assert.equal(error.headers?.get('x-resilient-claude-attempts'), String(attempts));
  });
});
