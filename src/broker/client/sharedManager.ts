// A RequestManager that is a client of the user's broker: requests run on the one shared manager
// (breakers, budgets, pacing shared by every window and script); each request's parts and events
// come back to it alone, the manager's events and breakers to every client for the status bar
// and history. Token counts run on the shared manager too. Never worse than one window: when the broker cannot be
// reached or dies, requests run on an in-process manager at once; a request in flight when the
// broker dies is finished here, continuing its partial answer, and the client reconnects in the
// background (windows) so the next requests are shared again. A broker that stops answering
// (frozen, hung) is treated the same way: every wait on it is bounded (the handshake and attach,
// each request by its own deadline plus a margin, pings while requests run, leaving), and a
// request never waits on a background reconnect.
import type { ManagerConfig, RelayManager, RequestManager } from '../../core/contract';
import { newClientRequestId } from '../../core/clientRequestId';
import { TextQueue } from '../../core/textQueue';
import { partStream } from '../../core/requestStream';
import { asOf, breakerChanges } from './breakerSnapshots';
import type { Answering, AttemptRecord, BreakerSnapshot, ClaudeRequest, CountOutcome, ManagerEvent, Outcome, PassHeaders, Priority, RequestEvent, RequestStream, Route, SendOptions, StreamPart } from '../../core/types';
import { AnsweringNotification, AttachRequest, BreakersNotification, ClientsNotification, CountTokensRequest, EventNotification, PartNotification, RequestEventNotification, ResetBreakersRequest, StreamRequest } from '../protocol';
import type { ClientCounts } from '../protocol';
import { toWireConfig } from '../wireConfig';
import { RequestCredentials } from './requestCredentials';
import type { BrokerChannel } from './channel';
import { continuationOf, joinOutcome } from './continuation';
import { SkipPrefix } from '../../core/continuation';
import { Emitter } from '../../shared/emitter';
import type { Unsubscribe } from '../../shared/emitter';
import { Liveness } from './liveness';
import { ATTACH_TIMEOUT_MS, BrokerRefusedError, BrokerTimeoutError } from './rpcChannel';

export type Sharing =
  | { readonly mode: 'connecting' }
  | { readonly mode: 'shared'; readonly brokerPid: number; readonly clients: ClientCounts }
  | { readonly mode: 'local'; readonly reason: string };

export interface SharedManagerOptions {
  readonly config: ManagerConfig;
  /** Opens a channel to the broker, starting one if none runs; rejects when that fails. */
  readonly connect: () => Promise<BrokerChannel>;
  /** The in-process manager used while the broker is unreachable (created on first need). */
  readonly createLocal: (config: ManagerConfig) => RelayManager;
  /** The history file the broker writes this client's traffic to, or null. */
  readonly historyFile: string | null;
  /** Reconnect in the background after a loss (windows); a one-shot CLI does not. */
  readonly reconnect: boolean;
  readonly log: (level: 'info' | 'warn', message: string) => void;
}

interface Link {
  readonly channel: BrokerChannel;
  readonly liveness: Liveness;
  managerId: string;
  breakers: readonly BreakerSnapshot[];
  closed: boolean;
  /** The broker stopped answering (the channel was given up, not closed by the broker). */
  frozen: boolean;
  readonly whenClosed: Promise<void>;
}

/** A client that lost the broker tries it again after this long, doubling each time up to the max
 *  (the local endpoint's window runs on the same schedule before it hands the endpoint back). */
export const RECONNECT_MIN_MS = 2_000;
export const RECONNECT_MAX_MS = 30_000;
/** A request on the broker gives up this long after its own deadline (the broker's manager keeps to it). */
export const REQUEST_MARGIN_MS = 2_000;

class BrokerClosed extends Error {}

/** One request as the caller gave it: what the broker (or the in-process manager) runs. */
interface Asked {
  readonly request: ClaudeRequest;
  readonly priority: Priority;
  readonly clientRequestId: string;
  /** The caller's anthropic-beta / anthropic-version, for every attempt wherever it runs. */
  readonly headers: PassHeaders | undefined;
  /** Which program sent it (SendOptions.client). */
  readonly client: string | undefined;
}

/** Where a request's parts and events go, and who is told which attempt answers it (SendOptions.onAnswering), wherever it runs. */
interface Inbox {
  readonly part: (part: StreamPart) => void;
  readonly event: (event: RequestEvent) => void;
  readonly answering: (answering: Answering) => void;
}

export class SharedManager implements RequestManager {
  private config: ManagerConfig;
  private readonly events = new Emitter<[ManagerEvent]>();
  private readonly sharingChanges = new Emitter<[Sharing]>();
  private local: RelayManager | null = null;
  private link: Link | null = null;
  private ready: Promise<void>;
  private current: Sharing = { mode: 'connecting' };
  /** The requests running on the broker, by client request id. */
  private readonly inboxes = new Map<string, Inbox>();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectDelay = RECONNECT_MIN_MS;
  private disposed = false;
  private readonly credentials = new RequestCredentials();

  constructor(private readonly options: SharedManagerOptions) {
    this.config = options.config;
    this.ready = this.join();
  }

  /** Whether requests run on the shared broker now, and for how many clients. */
  get sharing(): Sharing {
    return this.current;
  }

  onDidChangeSharing(listener: (sharing: Sharing) => void): Unsubscribe {
    return this.sharingChanges.on(listener);
  }

  /** Settles once the first connection attempt has succeeded or fallen back (bounded in time). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  send(request: ClaudeRequest, options: SendOptions = {}): Promise<Outcome> {
    const stream = this.stream(request, options);
    return (async () => {
      for await (const delta of stream) void delta;
      return stream.outcome;
    })();
  }

  stream(request: ClaudeRequest, options: SendOptions = {}): RequestStream {
    const controller = new AbortController();
    const external = options.signal;
    const onAbort = (): void => controller.abort();
    if (external?.aborted) controller.abort();
    external?.addEventListener('abort', onAbort, { once: true });
    const queue = new TextQueue<StreamPart>(() => controller.abort());
    const clientRequestId = options.clientRequestId ?? newClientRequestId();
    const priority = options.priority ?? 'interactive';
    const onEvent = options.onEvent ?? (() => undefined);
    const asked: Asked = { request, priority, clientRequestId, headers: options.headers, client: options.client };
    const outcome = this.run(asked, { part: (part) => queue.push(part), event: onEvent, answering: (answering) => options.onAnswering?.(answering) }, controller.signal).finally(() => {
      external?.removeEventListener('abort', onAbort);
      queue.end();
    });
    return partStream(queue, outcome, clientRequestId);
  }

  onEvent(listener: (event: ManagerEvent) => void): Unsubscribe {
    return this.events.on(listener);
  }

  /** Counts on the shared manager (its routes and breakers); in this process when the broker is unreachable or goes away. */
  async countTokens(body: Readonly<Record<string, unknown>>, options: SendOptions = {}): Promise<CountOutcome> {
    const clientRequestId = options.clientRequestId ?? newClientRequestId();
    const local = (): Promise<CountOutcome> => this.localManager().countTokens(body, { ...options, clientRequestId });
    await this.ready;
    const link = this.link;
    if (!link) return local();
    this.inboxes.set(clientRequestId, { part: () => undefined, event: options.onEvent ?? (() => undefined), answering: () => undefined });
    const settled = link.liveness.begin();
    const signal = options.signal ?? new AbortController().signal;
    try {
      const secrets = await this.credentials.resolve(this.config, { clientRequestId });
      const params = { managerId: link.managerId, request: body, priority: options.priority ?? 'interactive', clientRequestId, secrets, ...(options.headers ? { headers: options.headers } : {}), ...(options.client ? { client: options.client } : {}) };
      return await Promise.race([
        link.channel.request(CountTokensRequest, params, { signal, timeoutMs: this.config.retry.deadlineMs + REQUEST_MARGIN_MS }),
        link.whenClosed.then(() => {
          throw new BrokerClosed();
        }),
        aborted(signal),
      ]);
    } catch (error) {
      if (signal.aborted) return { ok: false, clientRequestId, attempts: [], error: { class: 'canceled', message: 'The request was canceled.', requestIds: [] } };
      if (error instanceof BrokerTimeoutError) this.giveUp(link);
      if (error instanceof BrokerClosed || link.closed) return local();
      return { ok: false, clientRequestId, attempts: [], error: { class: 'transient', message: `The shared broker could not count the tokens: ${describe(error)}`, requestIds: [] } };
    } finally {
      settled();
      this.inboxes.delete(clientRequestId);
    }
  }

  breakers(): BreakerSnapshot[] {
    if (this.link) return this.link.breakers.map((b) => asOf(b, Date.now()));
    return this.local?.breakers() ?? [];
  }

  resetBreakers(route?: Route): void {
    this.local?.resetBreakers(route);
    // After a pending attach (a settings change just before the reset), so the reset reaches the
    // manager the next requests will use.
    void this.ready
      .catch(() => undefined)
      .then(() => {
        const link = this.link;
        if (!link) return undefined;
        return link.channel.request(ResetBreakersRequest, { managerId: link.managerId, route: route ?? null }, { timeoutMs: ATTACH_TIMEOUT_MS });
      })
      .catch((error: unknown) => this.options.log('warn', `Breaker reset on the shared broker failed: ${describe(error)}`));
  }

  updateConfig(config: ManagerConfig): void {
    this.config = config;
    this.local?.updateConfig(config);
    const link = this.link;
    if (link) this.ready = this.attach(link).catch((error: unknown) => this.lose(link, `the broker refused the new settings (${describe(error)})`));
  }

  dispose(): void {
    this.disposed = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    const link = this.link;
    this.link = null;
    if (link) void link.channel.leave();
    this.local?.dispose();
    this.local = null;
  }

  // ---------------------------------------------------------------------------------------

  private emit(event: ManagerEvent): void {
    this.events.emit(event);
  }

  private setSharing(sharing: Sharing): void {
    this.current = sharing;
    this.sharingChanges.emit(sharing);
  }

  private localManager(): RelayManager {
    if (!this.local) {
      const local = this.options.createLocal(this.config);
      local.onEvent((event) => this.emit(event));
      this.local = local;
    }
    return this.local;
  }

  /** Connects and attaches; on failure requests run in-process (and a retry is scheduled). */
  private async join(): Promise<void> {
    let channel: BrokerChannel;
    try {
      channel = await this.options.connect();
    } catch (error) {
      this.fallBack(error instanceof BrokerRefusedError ? `the shared broker refused this client: ${describe(error)}` : `the broker could not be reached (${describe(error)})`);
      return;
    }
    if (this.disposed) {
      void channel.leave();
      return;
    }
    let markClosed: () => void = () => undefined;
    const link: Link = {
      channel,
      liveness: new Liveness(channel, () => this.giveUp(link)),
      managerId: '',
      breakers: [],
      closed: false,
      frozen: false,
      whenClosed: new Promise<void>((resolve) => (markClosed = resolve)),
    };
    channel.onNotification(PartNotification, (parsed) => {
      this.inboxes.get(parsed.clientRequestId)?.part(parsed.part);
    });
    channel.onNotification(RequestEventNotification, (parsed) => {
      this.inboxes.get(parsed.clientRequestId)?.event(parsed.event);
    });
    channel.onNotification(AnsweringNotification, (parsed) => {
      this.inboxes.get(parsed.clientRequestId)?.answering(parsed.answering);
    });
    channel.onNotification(BreakersNotification, (parsed) => {
      if (parsed.managerId !== link.managerId) return;
      const before = link.breakers;
      link.breakers = parsed.breakers;
      // A reset sends the new states after its events: say what changed, so views read the new list.
      for (const event of breakerChanges(before, parsed.breakers, Date.now())) this.emit(event);
    });
    channel.onNotification(EventNotification, (parsed) => {
      if (parsed.managerId === link.managerId) this.emit(parsed.event);
    });
    channel.onNotification(ClientsNotification, (clients) => {
      if (this.link === link) this.setSharing({ mode: 'shared', brokerPid: channel.info.pid, clients });
    });
    channel.onClose(() => {
      link.closed = true;
      link.liveness.stop();
      markClosed();
      this.lose(link, link.frozen ? 'the shared broker stopped answering' : 'the shared broker stopped');
    });
    try {
      await this.attach(link);
    } catch (error) {
      if (error instanceof BrokerTimeoutError) channel.abandon();
      else void channel.leave();
      this.fallBack(error instanceof BrokerTimeoutError ? `the broker stopped answering (${describe(error)})` : `the broker refused this client (${describe(error)})`);
      return;
    }
    if (link.closed) return;
    this.link = link;
    this.reconnectDelay = RECONNECT_MIN_MS;
    this.options.log('info', `Requests go through the shared broker (process ${channel.info.pid}).`);
    this.setSharing({ mode: 'shared', brokerPid: channel.info.pid, clients: channel.info.clients });
  }

  private async attach(link: Link): Promise<void> {
    const params = { config: toWireConfig(this.config), historyFile: this.options.historyFile };
    const result = await link.channel.request(AttachRequest, params, { timeoutMs: ATTACH_TIMEOUT_MS });
    link.managerId = result.managerId;
    link.breakers = result.breakers;
    for (const problem of result.problems) this.options.log('warn', `Broker: ${problem}`);
    if (this.link === link) this.setSharing({ mode: 'shared', brokerPid: link.channel.info.pid, clients: result.clients });
  }

  /** The broker left a request or a ping unanswered: drop the channel; its requests continue here. */
  private giveUp(link: Link): void {
    if (link.closed) return;
    link.frozen = true;
    link.channel.abandon();
  }

  private lose(link: Link, reason: string): void {
    if (this.link !== link) return;
    this.link = null;
    this.fallBack(reason);
  }

  private fallBack(reason: string): void {
    if (this.disposed) return;
    const wasLocal = this.current.mode === 'local';
    this.setSharing({ mode: 'local', reason });
    if (!wasLocal) this.options.log('warn', `Requests run in this process: ${reason}.${this.options.reconnect ? ' Reconnecting in the background.' : ''}`);
    if (!this.options.reconnect || this.reconnectTimer !== undefined) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(RECONNECT_MAX_MS, delay * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      // Not `ready`: requests meanwhile run here rather than wait on a broker that may not answer.
      if (!this.disposed && !this.link) void this.join();
    }, delay);
    this.reconnectTimer.unref?.();
  }

  private async run(asked: Asked, inbox: Inbox, signal: AbortSignal): Promise<Outcome> {
    await this.ready;
    const link = this.link;
    if (!link) return this.runLocal(asked, inbox, signal, '', []);
    const { request, priority, clientRequestId, headers, client } = asked;
    let delivered = '';
    let handedToolCall = false;
    const seen: AttemptRecord[] = [];
    this.inboxes.set(clientRequestId, {
      part: (part) => {
        if (part.type === 'text') delivered += part.text;
        if (part.type === 'tool_use') handedToolCall = true;
        inbox.part(part);
      },
      event: (event) => {
        if (event.type === 'attempt') seen.push(event);
        inbox.event(event);
      },
      answering: inbox.answering,
    });
    const settled = link.liveness.begin();
    try {
      const secrets = await this.credentials.resolve(this.config, { clientRequestId });
      const params = { managerId: link.managerId, request, priority, clientRequestId, secrets, ...(headers ? { headers } : {}), ...(client ? { client } : {}) };
      const timeoutMs = this.config.retry.deadlineMs + REQUEST_MARGIN_MS;
      return await Promise.race([
        link.channel.request(StreamRequest, params, { signal, timeoutMs }),
        link.whenClosed.then(() => {
          throw new BrokerClosed();
        }),
        // A cancel settles here at once; the broker stops the request when $/cancelRequest reaches it.
        aborted(signal),
      ]);
    } catch (error) {
      if (signal.aborted) return failure(clientRequestId, delivered, seen, 'canceled', 'The request was canceled.');
      if (error instanceof BrokerTimeoutError) this.giveUp(link);
      if ((error instanceof BrokerClosed || link.closed) && handedToolCall) {
        // A second, different set of tool calls must never follow the first: the answer ends here.
        return failure(clientRequestId, delivered, seen, 'transient', 'The shared broker stopped after the answer had handed on a tool call; the answer ends there.');
      }
      if (error instanceof BrokerClosed || link.closed) {
        const stopped = link.frozen ? 'stopped answering' : 'stopped';
        this.options.log('warn', `The shared broker ${stopped} during request ${clientRequestId}; finishing it in this process${delivered === '' ? '' : ' from where its answer stopped'}.`);
        return this.runLocal(asked, inbox, signal, delivered, seen);
      }
      return failure(clientRequestId, delivered, seen, 'transient', `The shared broker could not run the request: ${describe(error)}`);
    } finally {
      settled();
      this.inboxes.delete(clientRequestId);
    }
  }

  /** Runs on the in-process manager, after `delivered` when the broker had started the answer. */
  private async runLocal(asked: Asked, inbox: Inbox, signal: AbortSignal, delivered: string, earlier: readonly AttemptRecord[]): Promise<Outcome> {
    const { request, priority, clientRequestId, headers, client } = asked;
    const continuation = continuationOf(request, delivered);
    const skip = new SkipPrefix(continuation.skip);
    let forwarded = '';
    const stream = this.localManager().stream(continuation.request, { signal, priority, clientRequestId, onEvent: inbox.event, ...(headers ? { headers } : {}), ...(client ? { client } : {}), onAnswering: inbox.answering });
    for await (const part of stream.parts) {
      if (part.type !== 'text') {
        inbox.part(part);
        continue;
      }
      const text = skip.take(part.text);
      if (text === '') continue;
      forwarded += text;
      inbox.part({ type: 'text', text });
    }
    const outcome = await stream.outcome;
    if (delivered === '' && earlier.length === 0) return outcome;
    return joinOutcome(outcome, delivered, forwarded, earlier);
  }
}

function failure(clientRequestId: string, text: string, attempts: readonly AttemptRecord[], errorClass: 'canceled' | 'transient', message: string): Outcome {
  const requestIds = attempts.map((a) => a.requestId).filter((id): id is string => id !== null);
  return { ok: false, text, clientRequestId, attempts: [...attempts], error: { class: errorClass, message, requestIds } };
}

/** Rejects when the signal fires (never settles otherwise). */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new Error('canceled'));
    else signal.addEventListener('abort', () => reject(new Error('canceled')), { once: true });
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
