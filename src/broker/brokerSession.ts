// One client of the broker (a window or the CLI) on its own socket connection. It speaks LSP's
// lifecycle — `initialize` first; `shutdown`/`exit` mean "this client leaves", never "stop the
// broker" — and the broker's own messages (protocol.ts), each validated on arrival. A request
// runs on the shared manager with the client's credentials in scope only; its parts stream back
// as notifications, in order, before the outcome. A client that goes away cancels its requests;
// one that breaks the framing limits (limitedMessageReader.ts) is disconnected, the others unaffected.
import type * as net from 'node:net';
import { CancellationToken, ErrorCodes, ResponseError, createMessageConnection } from 'vscode-jsonrpc/node';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { ExitNotification, InitializeRequest, InitializedNotification, ShutdownRequest } from 'vscode-languageserver/node';
import type { RelayManager } from '../core/contract';
import type { ClaudeRequest, BreakerSnapshot, CountOutcome, ManagerEvent, Outcome, SendOptions } from '../core/types';
import type { ManagerRegistry, ManagerSubscriber } from './managerRegistry';
import {
  AnswerEventNotification,
  AnsweringNotification,
  AttachRequest,
  BROKER_PROTOCOL_VERSION,
  BreakersNotification,
  ClientsNotification,
  CountTokensRequest,
  CredentialsRequest,
  EndpointEventNotification,
  EndpointReleaseRequest,
  EndpointRequestNotification,
  EndpointWantRequest,
  EventNotification,
  PartNotification,
  PingRequest,
  RequestEventNotification,
  ResetBreakersRequest,
  StreamRequest,
  parseHelloOptions,
} from './protocol';
import type { AttachParams, AttachResult, BrokerInfo, BrokerNotificationType, BrokerRequestType, ClientCounts, ClientKind, CredentialsParams, EndpointWantParams, EndpointWantResult, HelloOptions, ResetParams, StreamParams } from './protocol';
import type { EndpointHost, EndpointSubscriber } from './endpointHost';
import type { EndpointRequest } from './endpoint/endpointServer';
import { LimitedMessageReader } from './limitedMessageReader';
import { LimitedMessageWriter, UnreadBacklogError } from './limitedMessageWriter';
import { PendingRequests } from './pendingRequests';
import { FramingError } from './messageFraming';
import { lendSecrets } from './wireConfig';

export interface SessionHost {
  readonly registry: ManagerRegistry;
  /** The local endpoint, run while a window wants it. */
  readonly endpoint: EndpointHost;
  info(): BrokerInfo;
  /** The answer to a client's challenge (peerProof.ts). */
  prove(challenge: string): string;
  counts(): ClientCounts;
  /** A connection that has not completed its handshake by then is closed (it would hold a place under
   *  the connection cap, and keep the broker from its idle exit). */
  readonly helloTimeoutMs: number;
  /** A client that leaves more than this many bytes unread is disconnected (limitedMessageWriter.ts). */
  readonly maxUnreadBytes: number;
  /** The client said who it is (its kind now counts). */
  introduced(session: BrokerSession): void;
  closed(session: BrokerSession): void;
  log(message: string): void;
}

function invalid(what: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `Invalid ${what}.`);
}

/** Answers `type` with `handler`, once its parameters passed the protocol's validator. */
function serve<P, R>(connection: MessageConnection, type: BrokerRequestType<P, R>, handler: (params: P, token: CancellationToken) => R | Promise<R>): void {
  connection.onRequest(type.method, async (raw: unknown, token: CancellationToken): Promise<unknown> => {
    const params = type.params(raw);
    if (params === undefined) throw invalid(`${type.method} parameters`);
    return handler(params, token);
  });
}

/** Runs `fn` once what the sockets have already brought is handled: a timer that fires after the
 *  loop was busy runs before the input that waited meanwhile is read (poll phase), and
 *  vscode-jsonrpc hands a message read there to its handler in a setImmediate of its own; the
 *  second hop runs after that one. */
function afterPendingInput(fn: () => void): void {
  setImmediate(() => setImmediate(fn));
}

function notify<P>(connection: MessageConnection, type: BrokerNotificationType<P>, params: P): void {
  void connection.sendNotification(type.method, params).catch(() => undefined);
}

export class BrokerSession implements ManagerSubscriber, EndpointSubscriber {
  private readonly connection: MessageConnection;
  private hello: HelloOptions | null = null;
  private readonly running = new Set<AbortController>();
  private closedAlready = false;
  private readonly helloTimer: ReturnType<typeof setTimeout>;

  constructor(
    private readonly socket: net.Socket,
    private readonly host: SessionHost,
    readonly id: number,
  ) {
    const pending = new PendingRequests(socket);
    const reader = new LimitedMessageReader(socket, undefined, pending);
    reader.onError((error) => {
      if (error instanceof FramingError) host.log(`Client ${id} disconnected: ${error.message}`);
    });
    const writer = new LimitedMessageWriter(socket, host.maxUnreadBytes, pending);
    writer.onError(([error]) => {
      if (error instanceof UnreadBacklogError) host.log(`Client ${id} disconnected: ${error.message}`);
    });
    this.connection = createMessageConnection(reader, writer);
    this.connection.onRequest(InitializeRequest.method, (params: unknown) => this.initialize(params));
    this.connection.onNotification(InitializedNotification.method, () => undefined);
    this.connection.onRequest(ShutdownRequest.method, () => null);
    this.connection.onNotification(ExitNotification.method, () => this.close());
    serve(this.connection, AttachRequest, (params) => this.attach(params));
    serve(this.connection, StreamRequest, (params, token) => this.stream(params, token));
    serve(this.connection, CountTokensRequest, (params, token) => this.count(params, token));
    serve(this.connection, CredentialsRequest, (params) => this.claim(params));
    serve(this.connection, ResetBreakersRequest, (params) => this.reset(params));
    serve(this.connection, PingRequest, () => null);
    serve(this.connection, EndpointWantRequest, (params) => this.wantEndpoint(params));
    serve(this.connection, EndpointReleaseRequest, async () => {
      this.requireHello();
      await host.endpoint.release(this);
      return null;
    });
    this.connection.onClose(() => this.close());
    this.connection.onError(() => undefined);
    socket.on('error', () => this.close());
    this.connection.listen();
    this.helloTimer = setTimeout(() => afterPendingInput(() => {
      if (this.hello || this.closedAlready) return;
      host.log(`Client ${id} sent no handshake within ${host.helloTimeoutMs} ms; disconnected.`);
      this.close();
    }), host.helloTimeoutMs);
  }

  get kind(): ClientKind | null {
    return this.hello?.kind ?? null;
  }

  sendEvent(managerId: string, event: ManagerEvent): void {
    notify(this.connection, EventNotification, { managerId, event });
  }

  sendBreakers(managerId: string, breakers: readonly BreakerSnapshot[]): void {
    notify(this.connection, BreakersNotification, { managerId, breakers });
  }

  sendEndpointRequest(request: EndpointRequest): void {
    notify(this.connection, EndpointRequestNotification, request);
  }

  sendEndpointEvent(event: ManagerEvent): void {
    notify(this.connection, EndpointEventNotification, { event });
  }

  sendCounts(clients: ClientCounts): void {
    if (this.hello === null) return;
    notify(this.connection, ClientsNotification, clients);
  }

  close(): void {
    if (this.closedAlready) return;
    this.closedAlready = true;
    clearTimeout(this.helloTimer);
    for (const controller of this.running) controller.abort();
    this.running.clear();
    this.host.registry.detach(this);
    void this.host.endpoint.release(this);
    this.connection.dispose();
    this.socket.destroy();
    this.host.closed(this);
  }

  private initialize(params: unknown): object {
    const options = parseHelloOptions(typeof params === 'object' && params !== null ? (params as { initializationOptions?: unknown }).initializationOptions : undefined);
    if (!options) throw invalid('initializationOptions (protocolVersion, kind, name, challenge)');
    if (options.protocolVersion !== BROKER_PROTOCOL_VERSION) {
      throw new ResponseError(ErrorCodes.InvalidRequest, `This broker speaks protocol ${BROKER_PROTOCOL_VERSION}, the client ${options.protocolVersion}.`);
    }
    this.hello = options;
    clearTimeout(this.helloTimer);
    this.host.introduced(this);
    this.host.log(`Client ${this.id} joined: ${options.kind} ${options.name}.`);
    return { capabilities: {}, serverInfo: { name: 'resilient-claude-broker', version: String(BROKER_PROTOCOL_VERSION) }, broker: this.host.info(), proof: this.host.prove(options.challenge) };
  }

  private requireHello(): HelloOptions {
    if (!this.hello) throw new ResponseError(ErrorCodes.ServerNotInitialized, 'Send initialize first.');
    return this.hello;
  }

  private attach(parsed: AttachParams): AttachResult {
    const hello = this.requireHello();
    const { managerId, problems } = this.host.registry.attach(this, parsed.config, parsed.historyFile, hello.name);
    return { managerId, breakers: this.host.registry.breakers(managerId, this), clients: this.host.counts(), problems };
  }

  private async claim(parsed: CredentialsParams): Promise<BreakerSnapshot[]> {
    this.requireHello();
    const breakers = await this.host.registry.claim(this, parsed.managerId, parsed.secrets);
    if (breakers === null) throw new ResponseError(ErrorCodes.InvalidRequest, `Not attached to manager ${parsed.managerId}.`);
    return breakers;
  }

  private wantEndpoint(params: EndpointWantParams): Promise<EndpointWantResult> {
    const hello = this.requireHello();
    if (hello.kind === 'cli') throw new ResponseError(ErrorCodes.InvalidRequest, 'Only an editor window hosts the local endpoint through the broker (the CLI has `serve`).');
    return this.host.endpoint.want(this, params);
  }

  /** Runs one request of this client on its manager: cancelable, counted in flight, with its
   *  credentials, headers and own events. */
  private async run<T>(parsed: StreamParams, token: CancellationToken, fn: (manager: RelayManager, options: SendOptions) => Promise<T>): Promise<T> {
    this.requireHello();
    const manager = this.host.registry.manager(parsed.managerId, this);
    if (!manager) throw new ResponseError(ErrorCodes.InvalidRequest, `Not attached to manager ${parsed.managerId}.`);
    const controller = new AbortController();
    const cancel = token.onCancellationRequested(() => controller.abort());
    this.running.add(controller);
    const done = this.host.registry.track(parsed.managerId);
    try {
      const options: SendOptions = {
        signal: controller.signal,
        priority: parsed.priority,
        clientRequestId: parsed.clientRequestId,
        ...(parsed.headers ? { headers: parsed.headers } : {}),
        ...(parsed.client ? { client: parsed.client } : {}),
        ...(parsed.namedModel === true ? { namedModel: true } : {}),
        ...(parsed.query ? { query: parsed.query } : {}),
        onEvent: (event) => notify(this.connection, RequestEventNotification, { clientRequestId: parsed.clientRequestId, event }),
        onAnswering: (answering) => notify(this.connection, AnsweringNotification, { clientRequestId: parsed.clientRequestId, answering }),
      };
      const release = lendSecrets(parsed.clientRequestId, parsed.secrets);
      if (release === null) throw new ResponseError(ErrorCodes.InvalidRequest, `A request with the id ${parsed.clientRequestId} is running already.`);
      try {
        await this.host.registry.claimRequest(this, parsed.managerId, parsed.clientRequestId);
        return await fn(manager, options);
      } finally {
        release();
      }
    } finally {
      cancel.dispose();
      this.running.delete(controller);
      done();
    }
  }

  private stream(parsed: StreamParams, token: CancellationToken): Promise<Outcome> {
    return this.run(parsed, token, async (manager, options) => {
      // The request body is validated by the manager itself (it answers bad_request).
      const stream = manager.stream(parsed.request as unknown as ClaudeRequest, options);
      const { clientRequestId } = parsed;
      // One view per stream: the API's events for a caller that relays them, else the typed parts.
      if (parsed.events === true) {
        for await (const event of stream.events) notify(this.connection, AnswerEventNotification, { clientRequestId, event });
      } else {
        for await (const part of stream.parts) notify(this.connection, PartNotification, { clientRequestId, part });
      }
      return stream.outcome;
    });
  }

  private count(parsed: StreamParams, token: CancellationToken): Promise<CountOutcome> {
    return this.run(parsed, token, (manager, options) => manager.countTokens(parsed.request, options));
  }

  private reset(parsed: ResetParams): null {
    this.requireHello();
    const manager = this.host.registry.manager(parsed.managerId, this);
    if (!manager) throw new ResponseError(ErrorCodes.InvalidRequest, `Not attached to manager ${parsed.managerId}.`);
    manager.resetBreakers(parsed.route ?? undefined);
    this.host.registry.publishBreakers();
    return null;
  }
}
