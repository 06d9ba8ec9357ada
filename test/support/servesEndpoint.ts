// The endpoint `serve` runs when it is the user's broker, started in a test the way serve starts it
// (src/cli/serve-command.ts): on a free port with the runtime folder's token, its managers sharing
// the broker's route state, and the broker's window hooks, so a token request is served with a
// window's key. Not adopted yet: the test calls `broker.endpoint.adopt` when it wants.
import type { RunningBroker } from '../../src/broker/brokerServer';
import { startEndpoint } from '../../src/broker/endpoint/endpointServer';
import type { RunningEndpoint } from '../../src/broker/endpoint/endpointServer';
import { ensureEndpointToken } from '../../src/broker/endpoint/endpointToken';
import { ensurePrivateRuntimeDir } from '../../src/broker/runtimeDir';
import type { ManagerConfig } from '../../src/core/contract';
import { createRequestManager } from '../../src/core/requestManager';

export interface ServesEndpointOptions {
  readonly runtimeDir: string;
  /** The chain and policies (its `models` are the endpoint's). */
  readonly config: ManagerConfig;
  /** Where the managers send requests. */
  readonly upstream: string;
  readonly log?: (line: string) => void;
}

export function startServesEndpoint(broker: RunningBroker, options: ServesEndpointOptions): Promise<RunningEndpoint> {
  const { config, upstream } = options;
  return startEndpoint({
    ...broker.endpoint.windowHooks(),
    port: 0,
    token: ensureEndpointToken(ensurePrivateRuntimeDir(options.runtimeDir)),
    createManager: (managerConfig) => createRequestManager(managerConfig, broker.shared),
    base: () => config,
    models: () => config.models,
    upstreamBaseUrl: () => upstream,
    log: options.log ?? (() => undefined),
  });
}
