// The local endpoint hosted by the user's broker: one for every window, at the same URL with
// the same per-user token. This window holds it through its own channel to the broker
// (EndpointLease) and sends what serves token requests — its chain, providers and credentials
// resolved here (SecretStorage, its own AWS / Google set-up), as a stream request carries them —
// again whenever they change; it hears the endpoint's traffic (status bar) and events (529
// history, failures, report) like its own.
import { createHash } from 'node:crypto';
import type { EndpointWantParams } from '../../broker/protocol';
import { modelChain } from '../settings';
import type { EndpointDeps, HostedEndpoint } from './hostedEndpoint';
import { upstreamOf } from './hostedEndpoint';

/** The broker could not be used (unreachable, refused, not answering): the window runs the endpoint itself. */
export class BrokerUnavailable extends Error {}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How a window that runs the endpoint itself hands it back to the broker. */
export interface HandBack {
  /** The port its terminals hold: the broker tries it first. */
  readonly heldPort: number;
  /** Runs once the broker answers, before it is asked for the endpoint (closes the window's, freeing the port). */
  readonly beforeWant: () => Promise<void>;
}

/** Asks the broker for the endpoint; `onLost` runs when the broker hosting it goes away. */
export async function startInBroker(deps: EndpointDeps, port: number, onLost: (reason: string) => void, handBack?: HandBack): Promise<HostedEndpoint> {
  const [{ EndpointLease }, { RequestCredentials }, { toWireConfig }, { ensureEndpointToken, endpointTokenPath }, { ensurePrivateRuntimeDir, runtimeDirPath }] = await Promise.all([
    import('../../broker/client/endpointLease.js'),
    import('../../broker/client/requestCredentials.js'),
    import('../../broker/wireConfig.js'),
    import('../../broker/endpoint/endpointToken.js'),
    import('../../broker/runtimeDir.js'),
  ]);
  const { client, broker, settings } = deps;
  const credentials = new RequestCredentials();
  const lease = new EndpointLease({
    connect: () => broker.openChannel('endpoint'),
    onRequest: deps.onRequest,
    onEvent: (event) => client.observer.observe(event, false),
    onLost,
  });
  const provision = async (): Promise<EndpointWantParams> => {
    const config = { ...client.routes.liveConfig(), models: modelChain(settings.settings) };
    return { port, config: toWireConfig(config), secrets: await credentials.resolve(config), upstreamBaseUrl: upstreamOf(deps), historyFile: broker.brokerHistoryFile() };
  };
  // Only a digest of what was sent is kept, to send again only what changed.
  const digest = (params: EndpointWantParams): string => createHash('sha256').update(JSON.stringify(params)).digest('hex');

  let sent: string;
  let result;
  try {
    const params = await provision();
    if (handBack !== undefined) {
      await lease.connect();
      await handBack.beforeWant();
    }
    result = await lease.want(handBack !== undefined ? { ...params, heldPort: handBack.heldPort } : params);
    sent = digest(params);
  } catch (error) {
    void lease.release();
    throw new BrokerUnavailable(message(error));
  }
  if (!result.ok) {
    void lease.release();
    throw new Error(result.message);
  }
  const dir = ensurePrivateRuntimeDir(runtimeDirPath());
  if (endpointTokenPath(dir) !== result.tokenFile) {
    void lease.release();
    throw new BrokerUnavailable(`the broker keeps its token in ${result.tokenFile}, not in this window's runtime folder`);
  }
  const token = ensureEndpointToken(dir);
  deps.log.info(`Local endpoint at ${result.url}, hosted by the shared broker (one for every window).`);
  if (port !== 0 && result.port !== port) deps.log.warn(`Local endpoint: it already runs on port ${result.port} for other windows; this window uses it there, not on port ${port}.`);
  let refreshing: Promise<void> = Promise.resolve();
  return {
    url: result.url,
    token,
    tokenFile: result.tokenFile,
    requestedPort: port,
    where: 'broker',
    refresh: () => {
      refreshing = refreshing.then(async () => {
        const params = await provision();
        const now = digest(params);
        if (now === sent) return;
        const answer = await lease.want(params);
        sent = now;
        if (!answer.ok) deps.log.warn(`Local endpoint: the broker did not take the new settings (${answer.message}).`);
      }).catch((error: unknown) => deps.log.warn(`Local endpoint: new settings or credentials not sent to the broker (${message(error)}).`));
      return refreshing;
    },
    close: () => lease.release(),
    handOver: () => lease.release(),
  };
}
