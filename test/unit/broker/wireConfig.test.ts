import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultManagerConfig } from '../../../src/core/defaults';
import type { ManagerConfig } from '../../../src/core/contract';
import { RequestCredentials } from '../../../src/broker/client/requestCredentials';
import { configIdentity, fromWireConfig, toWireConfig, withSecrets } from '../../../src/broker/wireConfig';

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
    const seen = await Promise.all([
      withSecrets([{ apiKey: 'key-a' }], async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return apiKey();
      }),
      withSecrets([{ apiKey: 'key-b' }], async () => apiKey()),
    ]);
    assert.deepEqual(seen, ['key-a', 'key-b']);
  });
});
