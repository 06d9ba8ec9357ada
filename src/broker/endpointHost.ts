// The local endpoint hosted by the broker: one door per user, shared by every window and every
// Claude client. The first window that wants it starts it (on the port it wishes; 0 = a free
// one); later windows get the same URL. It runs while at least one connected window wants it and
// closes when the last one leaves or turns the setting off. Asked for port 0 it listens on the
// port it last served on when that is free (endpointPort.ts), so a new broker keeps the address
// the terminals hold. Its managers run on the broker's one route state; token requests are
// served with the credentials the windows sent (endpointProvisions.ts); its traffic and events
// go to every window that wants it, and its events into their history files (the broker is their
// one writer). When the broker's own process runs an endpoint (`serve`), the windows are given
// that one (adopt) instead of a second: it is never moved or closed here, serves token requests
// with serve's key and else the windows', and its traffic and events reach them. A window that
// asks while that endpoint is still starting waits for it (`ownEndpoint`), so it is never given an
// endpoint that adopt then closes under it; serve's port is remembered, so the broker that follows
// serve serves at the URL the windows' terminals hold.
import type { EndpointOptions, RunningEndpoint, EndpointRequest } from './endpoint/endpointServer';
import { startEndpoint } from './endpoint/endpointServer';
import { EndpointProvisions } from './endpoint/endpointProvisions';
import { endpointTokenPath, ensureEndpointToken } from './endpoint/endpointToken';
import { listenRemembering, portFile } from './endpoint/endpointPort';
import type { BrokerHistories } from './brokerHistories';
import type { EndpointWantParams, EndpointWantResult } from './protocol';
import type { RuntimeDir } from './runtimeDir';
import { withoutAmbientCredentials } from './wireConfig';
import { createRequestManager } from '../core/requestManager';
import type { SharedRoutes } from '../core/sharedRoutes';
import type { ManagerEvent } from '../core/types';

/** What the endpoint needs from a window that wants it. */
export interface EndpointSubscriber {
  sendEndpointRequest(request: EndpointRequest): void;
  sendEndpointEvent(event: ManagerEvent): void;
}

export interface EndpointHostOptions {
  readonly dir: RuntimeDir;
  readonly shared: SharedRoutes;
  readonly histories: BrokerHistories;
  readonly log: (message: string) => void;
  /** This process runs an endpoint of its own (`serve`): windows wait for it (adopt) until then. */
  readonly ownEndpoint?: boolean;
}

export class EndpointHost {
  private readonly provisions = new EndpointProvisions<EndpointSubscriber>();
  private endpoint: RunningEndpoint | null = null;
  /** The endpoint the broker's own process runs (`serve`), given to every window. */
  private adopted: RunningEndpoint | null = null;
  /** Wants and releases run one at a time (a start or a close is never raced). */
  private queue: Promise<unknown> = Promise.resolve();
  /** Opens the queue once the process's own endpoint is adopted (or will not come). */
  private ownArrived: (() => void) | null = null;
  private stopping = false;

  constructor(private readonly options: EndpointHostOptions) {
    if (options.ownEndpoint === true) this.queue = new Promise<void>((resolve) => (this.ownArrived = resolve));
  }

  /** Where the endpoint listens now, or null. */
  get url(): string | null {
    return (this.adopted ?? this.endpoint)?.url ?? null;
  }

  /** What an endpoint run beside the broker (`serve`) shares with the windows that want it. */
  windowHooks(): Required<Pick<EndpointOptions, 'userProviders' | 'onEvent' | 'onRequest'>> {
    const { provisions } = this;
    return {
      userProviders: () => provisions.userProviders(),
      onEvent: (event) => {
        this.options.histories.record(provisions.historyFiles(), event);
        for (const owner of provisions.owners()) owner.sendEndpointEvent(event);
      },
      onRequest: (request) => {
        for (const owner of provisions.owners()) owner.sendEndpointRequest(request);
      },
    };
  }

  /** From now on windows are given `endpoint` (run by this process, closed by its runner). */
  adopt(endpoint: RunningEndpoint): Promise<void> {
    this.adopted = endpoint;
    try {
      portFile(this.options.dir).remember(endpoint.port);
    } catch {
      // Not remembered: a broker after this one may listen elsewhere (the windows are told).
    }
    this.openQueue();
    return this.serially(() => this.close(`windows now use ${endpoint.url}`));
  }

  want(subscriber: EndpointSubscriber, params: EndpointWantParams): Promise<EndpointWantResult> {
    return this.serially(async () => {
      if (this.stopping) return { ok: false, message: 'the broker is stopping' };
      for (const problem of this.provisions.set(subscriber, params)) this.options.log(`Endpoint settings: ${problem}`);
      try {
        const endpoint = await this.ensure(params.port, subscriber, params.heldPort ?? null);
        return { ok: true, url: endpoint.url, port: endpoint.port, tokenFile: endpointTokenPath(this.options.dir) };
      } catch (error) {
        this.provisions.delete(subscriber);
        return { ok: false, message: startProblem(params.port, error) };
      }
    });
  }

  /** The window no longer wants the endpoint (or left); the last one closes it. */
  release(subscriber: EndpointSubscriber): Promise<void> {
    return this.serially(async () => {
      if (!this.provisions.delete(subscriber) || this.provisions.size > 0) return;
      await this.close('no window wants it any more');
    });
  }

  /** At the broker's exit (a window still waiting for this process's own endpoint is refused). */
  stop(): Promise<void> {
    this.stopping = true;
    this.openQueue();
    return this.serially(() => this.close('the broker stops'));
  }

  private openQueue(): void {
    this.ownArrived?.();
    this.ownArrived = null;
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ensure(port: number, subscriber: EndpointSubscriber, held: number | null): Promise<RunningEndpoint> {
    if (this.adopted !== null) {
      if (port !== 0 && port !== this.adopted.port) this.options.log(`Endpoint: a window wishes port ${port}; it is given ${this.adopted.url}, run by this process.`);
      return this.adopted;
    }
    const current = this.endpoint;
    if (current !== null) {
      if (port === 0 || port === current.port) return current;
      // Another port is wished: only the one window using it may move it.
      const owners = this.provisions.owners();
      if (owners.length > 1 || owners[0] !== subscriber) {
        this.options.log(`Endpoint: a window wishes port ${port}; it stays on ${current.port}, where the other windows' clients are.`);
        return current;
      }
      await this.close(`moving to port ${port}`);
    }
    const endpoint = await this.start(port, held);
    this.endpoint = endpoint;
    this.options.log(`Endpoint listening on ${endpoint.url}.`);
    return endpoint;
  }

  /** On `port`; for 0, first where the asking window's terminals point (`held`), then where it last listened. */
  private start(port: number, held: number | null): Promise<RunningEndpoint> {
    const { dir, log } = this.options;
    return listenRemembering(
      portFile(dir),
      port,
      (each) => this.listen(each),
      (taken) => log(`Endpoint: port ${taken}, where clients last reached it, is taken by another program; it takes a free port (the windows update their terminals' ANTHROPIC_BASE_URL).`),
      held,
    );
  }

  private listen(port: number): Promise<RunningEndpoint> {
    const { provisions } = this;
    const { shared, log } = this.options;
    return startEndpoint({
      ...this.windowHooks(),
      port,
      token: ensureEndpointToken(this.options.dir),
      createManager: (config) => createRequestManager(withoutAmbientCredentials(config), shared),
      base: () => provisions.base(),
      models: () => provisions.models(),
      upstreamBaseUrl: () => provisions.upstreamBaseUrl(),
      log: (line) => log(`Endpoint: ${line}`),
    });
  }

  private async close(reason: string): Promise<void> {
    const endpoint = this.endpoint;
    this.endpoint = null;
    if (endpoint === null) return;
    await endpoint.close();
    this.options.log(`Endpoint on ${endpoint.url} closed: ${reason}.`);
  }
}

function startProblem(port: number, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `port ${port} on 127.0.0.1 is taken by another program: choose another port in the setting resilientClaude.endpoint.port, or 0 for a free one`;
  if (code === 'EACCES') return `port ${port} on 127.0.0.1 may not be used by this user: choose a port above 1023, or 0 for a free one`;
  return `the endpoint could not listen on 127.0.0.1:${port} (${code ?? (error instanceof Error ? error.message : String(error))})`;
}
