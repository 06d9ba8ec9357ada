import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultManagerConfig } from '../../../src/core/defaults';
import type { ManagerConfig } from '../../../src/core/contract';
import { RequestCredentials } from '../../../src/broker/client/requestCredentials';
import { configIdentity, fromWireConfig, lendSecrets, toWireConfig } from '../../../src/broker/wireConfig';

function config(baseURL: string, key: string): ManagerConfig {
  return { ...defaultManagerConfig(), providers: [{ id: 'anthropic', baseURL, apiKey: () => key }], random: Math.random };
}

describe('manager configuration over the wire', () => {
  it('carries no function and no secret; the identity ignores the key but not the endpoint', async () => {
    const wire = toWireConfig(config('https://gateway.example', 'sk-ant-secret-1'));
    const text = JSON.stringify(wire);
    assert.ok(!text.includes('sk-ant-secret'));
    assert.deepEqual(wire.providers[0]?.secretFields, ['apiKey']);
    assert.equal(configIdentity(wire), configIdentity(toWireConfig(config('https://gateway.example', 'sk-ant-secret-2'))));
    assert.notEqual(configIdentity(wire), configIdentity(toWireConfig(config('https://api.anthropic.com', 'sk-ant-secret-1'))));
    assert.deepEqual(await new RequestCredentials({}).resolve(config('https://gateway.example', 'sk-ant-secret-1')), [{ apiKey: 'sk-ant-secret-1' }]);
  });

  it('on the broker, each request sees only its own credentials', async () => {
    const rebuilt = fromWireConfig(toWireConfig(config('https://gateway.example', 'unused')), 'test') as unknown as ManagerConfig;
    const apiKey = rebuilt.providers[0]!.apiKey!;
    assert.equal(await apiKey(), undefined);
    const releaseA = lendSecrets('req-a', [{ apiKey: 'key-a' }])!;
    const releaseB = lendSecrets('req-b', [{ apiKey: 'key-b' }])!;
    assert.equal(lendSecrets('req-a', [{ apiKey: 'key-c' }]), null, 'an id already running is refused, its credentials kept');
    const seen = await Promise.all([
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return apiKey({ clientRequestId: 'req-a' });
      })(),
      apiKey({ clientRequestId: 'req-b' }),
    ]);
    assert.equal(await apiKey({ clientRequestId: 'req-unknown' }), undefined);
    releaseA();
    releaseB();
    assert.equal(await apiKey({ clientRequestId: 'req-a' }), undefined, 'gone once the request ended');
    assert.deepEqual(seen, ['key-a', 'key-b']);
  });
});
