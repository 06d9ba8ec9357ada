// The local endpoint run by this window, for when no broker can be used (sharing turned off, or
// the broker unreachable or refusing): as before there was one per user, it lives and dies with
// this window. Its requests run on managers made through the window's broker client (or in this
// process), with this window's chain, providers and stored credentials. Where it remembers its
// port is the caller's choice (`memory`, given the user's shared port file): the window's own
// storage with sharing off, the shared endpoint's address read-only while standing in for it.
import type { EndpointRequest, RunningEndpoint } from '../../broker/endpoint/endpointServer';
import type { ManagerConfig } from '../../core/contract';
import type { ManagerEvent } from '../../core/types';
import type { PortMemory } from '../../broker/endpoint/endpointPort';
import { modelChain } from '../settings';
import type { EndpointDeps, HostedEndpoint } from './hostedEndpoint';
import { upstreamOf } from './hostedEndpoint';

/** Handed back to the broker, an answer this window's endpoint is streaming may take this long to finish. */
const HAND_OVER_GRACE_MS = 10 * 60_000;

export async function startInWindow(deps: EndpointDeps, port: number, memory: (shared: PortMemory) => PortMemory): Promise<HostedEndpoint> {
  // Loaded on first use: nothing of the endpoint runs while the setting is off.
  const [{ startEndpoint }, { ensureEndpointToken, endpointTokenPath }, { ensurePrivateRuntimeDir, runtimeDirPath }, { listenRemembering, portFile }] = await Promise.all([
    import('../../broker/endpoint/endpointServer.js'),
    import('../../broker/endpoint/endpointToken.js'),
    import('../../broker/runtimeDir.js'),
    import('../../broker/endpoint/endpointPort.js'),
  ]);
  const { client, broker, settings, log } = deps;
  const dir = ensurePrivateRuntimeDir(runtimeDirPath());
  const token = ensureEndpointToken(dir);
  const options = {
    token,
    createManager: (config: ManagerConfig) => broker.createManager(config, true),
    base: () => client.routes.liveConfig(),
    models: () => modelChain(settings.settings),
    upstreamBaseUrl: () => upstreamOf(deps),
    userProviders: () => client.routes.liveConfig().providers,
    log: (line: string) => log.info(`Local endpoint: ${line}`),
    onEvent: (event: ManagerEvent) => client.observer.observe(event, false),
    onRequest: (request: EndpointRequest) => deps.onRequest(request),
  };
  let endpoint: RunningEndpoint;
  try {
    // Asked for any port, it keeps the address the endpoint last had (the terminals hold it).
    endpoint = await listenRemembering(memory(portFile(dir)), port, (each) => startEndpoint({ ...options, port: each }), (remembered) =>
      log.warn(`Local endpoint: port ${remembered}, where it last listened, is taken; it takes a free port.`),
    );
  } catch (error) {
    if (port === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    log.warn(`Local endpoint: port ${port} is taken (another window?); this window's endpoint takes a free port.`);
    endpoint = await startEndpoint({ ...options, port: 0 });
  }
  log.info(`Local endpoint listening on ${endpoint.url}, run by this window.`);
  return {
    url: endpoint.url,
    token,
    tokenFile: endpointTokenPath(dir),
    requestedPort: port,
    where: 'window',
    refresh: () => Promise.resolve(),
    close: () => endpoint.close(),
    handOver: () => endpoint.handOver(HAND_OVER_GRACE_MS),
  };
}
