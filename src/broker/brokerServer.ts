// The broker process: claims the user's socket (or steps aside for a live broker), serves every
// client session, owns the managers and the history writer, and exits a while after its last
// client leaves (or on SIGTERM/SIGINT), flushing the histories first.
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type * as net from 'node:net';
import { BrokerHistories } from './brokerHistories';
import { BrokerSession } from './brokerSession';
import { MAX_BROKER_CONNECTIONS, brokerFullMessage, refuseConnection } from './connectionRefusal';
import { EndpointHost } from './endpointHost';
import { MAX_UNREAD_BYTES } from './limitedMessageWriter';
import type { SessionHost } from './brokerSession';
import { ManagerRegistry } from './managerRegistry';
import { BROKER_PROTOCOL_VERSION } from './protocol';
import type { BrokerInfo, ClientCounts } from './protocol';
import { createBrokerKey, proofFor } from './peerProof';
import { brokerPidPath, brokerSocketPath, checkSocketPath, ensurePrivateRuntimeDir, recheckRuntimeDir } from './runtimeDir';
import type { RuntimeDir } from './runtimeDir';
import { claimSocket } from './socketClaim';
import type { SharedRoutes } from '../core/sharedRoutes';

export const IDLE_EXIT_ENV = 'RESILIENT_CLAUDE_BROKER_IDLE_MS';
export const DEFAULT_IDLE_EXIT_MS = 60_000;
/** A connection that has not completed its handshake (an \`initialize\` answered) this long after it
 *  was accepted is closed and frees its place under the cap. A client sends \`initialize\` as soon as
 *  it has connected, so a few seconds is plenty; a connection that did complete it is never cut by
 *  this rule (brokerSession.ts), and one whose \`initialize\` is waiting unread when the deadline
 *  fires (the broker's loop was busy) is read first. */
export const HANDSHAKE_DEADLINE_MS = 5_000;

export interface BrokerOptions {
  readonly runtimeDir: string;
  /** Exit this long after the last client leaves (and after start if none comes). */
  readonly idleExitMs: number;
  /** A connection that completes no handshake within this long is closed (default HANDSHAKE_DEADLINE_MS). */
  readonly helloTimeoutMs?: number;
  readonly log: (message: string) => void;
  /** This process runs a local endpoint of its own (`serve`) and adopts it once it listens. */
  readonly ownEndpoint?: boolean;
  /** Connections served at once (default MAX_BROKER_CONNECTIONS); one more is refused. */
  readonly maxConnections?: number;
  /** Bytes a client may leave unread before it is disconnected (default MAX_UNREAD_BYTES). */
  readonly maxUnreadBytes?: number;
}

export interface RunningBroker {
  /** Resolves when the broker has stopped (idle, signal or stop()). */
  readonly stopped: Promise<void>;
  stop(reason: string): Promise<void>;
  /** The route state every manager of this broker shares (the local endpoint's too). */
  readonly shared: SharedRoutes;
  /** Where the endpoint the windows asked for listens, or null while none wants it. */
  endpointUrl(): string | null;
  /** The local endpoint the windows are given (endpointHost.ts): `serve` hands them its own. */
  readonly endpoint: Pick<EndpointHost, 'windowHooks' | 'adopt'>;
}

/** Starts the broker; resolves with null when another broker already serves this user. */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker | null> {
  const dir = ensurePrivateRuntimeDir(options.runtimeDir);
  const socketPath = brokerSocketPath(dir);
  const server = await claimSocket(socketPath, () => {
    recheckRuntimeDir(dir);
    checkSocketPath(socketPath);
  });
  if (!server) {
    options.log('Another broker already serves this user; this one exits.');
    return null;
  }
  if (process.platform !== 'win32') chmodSync(socketPath, 0o600);
  // Written before the first connection is read: a client checks the proof against this key.
  const key = createBrokerKey(dir);
  const pidPath = brokerPidPath(dir);
  writeFileSync(pidPath, `${process.pid}\n`, { mode: 0o600 });
  return new Broker(server, dir, pidPath, key, options).start();
}

class Broker implements SessionHost {
  readonly registry: ManagerRegistry;
  readonly endpoint: EndpointHost;
  private readonly histories: BrokerHistories;
  private readonly sessions = new Set<BrokerSession>();
  private readonly startedAt = Date.now();
  private nextSessionId = 1;
  readonly helloTimeoutMs: number;
  readonly maxUnreadBytes: number;
  private readonly maxConnections: number;
  /** Connections beyond the cap being answered with the refusal (as many again at most; more are cut at once). */
  private readonly refused = new Set<net.Socket>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private stopping: Promise<void> | null = null;
  /** Set before the sessions are closed, so the last one leaving arms no idle timer. */
  private stopRequested = false;
  private resolveStopped: () => void = () => undefined;
  readonly stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));

  constructor(
    private readonly server: net.Server,
    dir: RuntimeDir,
    private readonly pidPath: string,
    private readonly key: Buffer,
    private readonly options: BrokerOptions,
  ) {
    this.helloTimeoutMs = options.helloTimeoutMs ?? HANDSHAKE_DEADLINE_MS;
    this.maxConnections = options.maxConnections ?? MAX_BROKER_CONNECTIONS;
    this.maxUnreadBytes = options.maxUnreadBytes ?? MAX_UNREAD_BYTES;
    this.histories = new BrokerHistories(options.log);
    this.registry = new ManagerRegistry(this.histories, options.log);
    this.endpoint = new EndpointHost({ dir, shared: this.registry.shared, histories: this.histories, log: options.log, ownEndpoint: options.ownEndpoint === true });
  }

  start(): RunningBroker {
    this.server.on('connection', (socket) => {
      if (this.sessions.size >= this.maxConnections) {
        this.refuse(socket);
        return;
      }
      this.clearIdle();
      this.sessions.add(new BrokerSession(socket, this, this.nextSessionId++));
    });
    this.options.log(`Broker ${process.pid} listening (protocol ${BROKER_PROTOCOL_VERSION}).`);
    this.armIdle();
    return { stopped: this.stopped, stop: (reason) => this.stop(reason), shared: this.registry.shared, endpointUrl: () => this.endpoint.url, endpoint: this.endpoint };
  }

  info(): BrokerInfo {
    return { pid: process.pid, protocolVersion: BROKER_PROTOCOL_VERSION, startedAt: this.startedAt, clients: this.counts(), answerEvents: true };
  }

  prove(challenge: string): string {
    return proofFor(this.key, challenge);
  }

  counts(): ClientCounts {
    let windows = 0;
    let clis = 0;
    for (const session of this.sessions) {
      if (session.kind === 'window') windows += 1;
      else if (session.kind === 'cli') clis += 1;
    }
    return { windows, clis };
  }

  introduced(): void {
    this.publishCounts();
  }

  closed(session: BrokerSession): void {
    if (!this.sessions.delete(session)) return;
    this.options.log(`Client ${session.id} left.`);
    this.publishCounts();
    if (this.sessions.size === 0 && !this.stopRequested) this.armIdle();
  }

  log(message: string): void {
    this.options.log(message);
  }

  /** A connection beyond the cap: told so (or cut at once while as many are being told). */
  private refuse(socket: net.Socket): void {
    if (this.refused.size >= this.maxConnections) {
      socket.destroy();
      return;
    }
    if (this.refused.size === 0) this.options.log(`Refusing a connection: ${this.sessions.size} are open, the most this broker serves at once.`);
    this.refused.add(socket);
    refuseConnection(socket, brokerFullMessage(this.maxConnections), this.helloTimeoutMs, () => this.refused.delete(socket));
  }

  private publishCounts(): void {
    const counts = this.counts();
    for (const session of this.sessions) session.sendCounts(counts);
  }

  private armIdle(): void {
    this.clearIdle();
    this.idleTimer = setTimeout(() => void this.stop(`no client for ${this.options.idleExitMs} ms`), this.options.idleExitMs);
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private stop(reason: string): Promise<void> {
    this.stopping ??= (async () => {
      this.stopRequested = true;
      this.clearIdle();
      this.options.log(`Broker stopping: ${reason}.`);
      // Stop accepting first (this removes the socket), then let the sessions go.
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const session of [...this.sessions]) session.close();
      for (const socket of this.refused) socket.destroy();
      await closed;
      await this.endpoint.stop();
      this.registry.disposeAll();
      await this.histories.flushAll();
      try {
        if (readFileSync(this.pidPath, 'utf8').trim() === String(process.pid)) rmSync(this.pidPath, { force: true });
      } catch {
        // Already gone.
      }
      this.resolveStopped();
    })();
    return this.stopping;
  }
}
