// What serves a token request on the broker-hosted endpoint: the credentials the windows sent,
// the latest window's that has one first; when it leaves the one before takes over; with none (or none with a
// credential) there is no user provider at all — never one that would look for the broker's own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EndpointProvisions } from '../../../src/broker/endpoint/endpointProvisions';
import type { EndpointWantParams } from '../../../src/broker/protocol';

function want(models: string[], secrets: Record<string, string>, upstreamBaseUrl = 'https://api.anthropic.com'): EndpointWantParams {
  return {
    port: 0,
    config: { models, providers: [{ id: 'anthropic', baseURL: 'http://127.0.0.1:9', secretFields: ['apiKey'] }] },
    secrets: [secrets],
    upstreamBaseUrl,
    historyFile: null,
  };
}

async function keyOf(provisions: EndpointProvisions<string>): Promise<string | undefined> {
  const provider = provisions.userProviders()?.[0];
  return provider?.apiKey?.();
}

describe('the endpoint provisions', () => {
  it('serve with the latest window, fall back to the one before when it leaves, and have no provider without a credential', async () => {
    const provisions = new EndpointProvisions<string>();
    assert.equal(provisions.userProviders(), null, 'no window, no provider');
    provisions.set('a', want(['claude-opus-5-5', 'claude-haiku-5-5'], { apiKey: 'key-of-window-a' }));
    const madeForA = provisions.userProviders();
    assert.equal(await keyOf(provisions), 'key-of-window-a');
    assert.equal(madeForA?.[0]?.ambientCredentials, false, "never the broker's own credentials");
    assert.equal(provisions.userProviders(), madeForA, 'the same providers while nothing changed');

    provisions.set('b', want(['claude-sonnet-5-5'], { apiKey: 'key-of-window-b' }, 'https://gateway.example'));
    assert.equal(await keyOf(provisions), 'key-of-window-b');
    assert.deepEqual(provisions.models(), ['claude-sonnet-5-5']);
    assert.equal(provisions.upstreamBaseUrl(), 'https://gateway.example');
    // A manager made earlier (with A's providers) reads the newest key when it asks.
    assert.equal(await madeForA?.[0]?.apiKey?.(), 'key-of-window-b');

    provisions.set('a', want(['claude-opus-5-5'], { apiKey: 'new-key-of-window-a' }));
    assert.equal(await keyOf(provisions), 'new-key-of-window-a', 'a window sending again becomes the latest');
    provisions.delete('a');
    assert.equal(await keyOf(provisions), 'key-of-window-b', 'the window before takes over');
    provisions.set('a', want(['claude-opus-5-5'], {}));
    assert.equal(await keyOf(provisions), 'key-of-window-b', 'a window without a credential does not take over from one with');
    provisions.delete('a');
    provisions.set('b', want(['claude-sonnet-5-5'], {}));
    assert.equal(provisions.userProviders(), null, 'no credential from any window: no provider');
    provisions.delete('b');
    assert.equal(provisions.size, 0);
    assert.equal(provisions.userProviders(), null);
  });
});
