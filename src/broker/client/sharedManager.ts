// A RequestManager that is a client of the user's broker: requests run on the one shared manager
// (breakers, budgets, pacing shared by every window and script); each request's answer and events
// come back to it alone, the manager's events and breakers to every client for the status bar
// and history. The answer comes as the caller reads it: the API's own events (a RelayStream, as
// core's manager gives it: the broker sends its manager's events when asked, one a notification)
// or the typed parts. Token counts run on the shared manager too. Never worse than one window: when the broker cannot be
// reached or dies, requests run on an in-process manager at once; a request in flight when the
// broker dies is finished here, continuing its partial answer (relayedAnswer.ts), and the client reconnects in the
// background (windows) so the next requests are shared again. A broker that stops answering
// (frozen, hung) is treated the same way: every wait on it is bounded (the handshake and attach,
// each request by its own deadline plus a margin, pings while requests run, leaving), and a
// request never waits on a background reconnect. Once attached, the client names its credentials
// to the broker in the background, so the rate-limit holds other clients met on them show in its
// breakers before it sends anything.
import type { ManagerConfig, RelayManager, RequestManager } from '../../core/contract';
import { newClientRequestId } from '../../core/clientRequestId';
import { TextQueue } from '../../core/textQueue';
import { requestStream } from '../../core/requestStream';
import type { StreamItem, ViewedStream } from '../../core/requestStream';
import type { RelayView } from '../../core/answerRelay';
import { asOf, breakerChanges, holdChanges } from './breakerSnapshots';
import type { AnswerEvent, Answering, AttemptRecord, BreakerSnapshot, ClaudeRequest, CountOutcome, ManagerEvent, Outcome, PassHeaders, Priority, RequestEvent, RequestStream, Route, SendOptions, StreamPart } from '../../core/types';
import { AnswerEventNotification, AnsweringNotification, AttachRequest, BreakersNotification, ClientsNotification, CountTokensRequest, CredentialsRequest, EventNotification, PartNotification, RequestEventNotification, ResetBreakersRequest, StreamRequest } from '../protocol';
import type { ClientCounts } from '../protocol';
import { toWireConfig } from '../wireConfig';
import { RequestCredentials } from './requestCredentials';
import type { BrokerChannel } from './channel';
import { continuationOf, joinOutcome } from './continuation';
import { RelayedAnswer } from './relayedAnswer';
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
  /** The caller named the first model (SendOptions.namedModel). */
  readonly namedModel: boolean;
  /** The caller's query string for the Messages path (SendOptions.query). */
  readonly query: Readonly<Record<string, string>> | undefined;
}

/** Where a request's answer and events go, and who is told which attempt answers it (SendOptions.onAnswering), wherever it runs. */
interface Inbox {
  /** What the caller reads: the API's events, or the typed parts (the stream's view). */
  readonly view: () => RelayView;
  readonly out: (item: StreamItem) => void;
  readonly event: (event: RequestEvent) => void;
  readonly answering: (answering: Answering) => void;
}

/** What the broker sends for one of this client's requests. */
interface Listener {
  readonly part: (part: StreamPart) => void;
  readonly answerEvent: (event: AnswerEvent) => void;
  readonly event: (event: RequestEvent) => void;
  readonly answering: (answering: Answering) => void;
}

const ignore = (): void => undefined;

export class SharedManager implements RequestManager {
  private config: ManagerConfig;
  private readonly events = new Emitter<[ManagerEvent]>();
  private readonly sharingChanges = new Emitter<[Sharing]>();
  private local: RelayManager | null = null;
  private link: Link | null = null;
  private ready: Promise<void>;
  private current: Sharing = { mode: 'connecting' };
  /** The requests running on the broker, by client request id. */
  private readonly inboxes = new Map<string, Listener>();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectDelay = RECONNECT_MIN_MS;
  private disposed = false;
  private readonly credentials = new RequestCredentials();
  /** The claims of this client's credentials, one after another (the last made is the broker's). */
  private claiming: Promise<void> = Promise.resolve();

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

  /** Settles once the broker has named this client's credentials as they are now (or could not). */
  async whenCredentialsNamed(): Promise<void> {
    await this.ready;
    await this.claiming;
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
    const queue = new TextQueue<StreamItem>(() => controller.abort());
    const clientRequestId = options.clientRequestId ?? newClientRequestId();
    const priority = options.priority ?? 'interactive';
    const onEvent = options.onEvent ?? ignore;
    const asked: Asked = { request, priority, clientRequestId, headers: options.headers, client: options.client, namedModel: options.namedModel === true, query: options.query };
    // A broker that sends only parts gives no events to hand on: its caller rebuilds them from the parts.
    const partsOnly = this.link !== null && this.link.channel.info.answerEvents !== true;
    let viewed: ViewedStream | null = null;
    const view = (): RelayView => (partsOnly ? 'parts' : (viewed?.view() ?? options.reads ?? 'events'));
    const inbox: Inbox = { view, out: (item) => queue.push(item), event: onEvent, answering: (answering) => options.onAnswering?.(answering) };
    const outcome = this.run(asked, inbox, controller.signal).finally(() => {
      external?.removeEventListener('abort', onAbort);
      queue.end();
    });
    viewed = requestStream(queue, outcome, clientRequestId, options.reads);
    if (partsOnly) {
      const { events: _events, ...parts } = viewed.stream;
      void _events;
      return parts;
    }
    return viewed.stream;
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
    this.inboxes.set(clientRequestId, { part: ignore, answerEvent: ignore, event: options.onEvent ?? ignore, answering: ignore });
    const settled = link.liveness.begin();
    const signal = options.signal ?? new AbortController().signal;
    try {
      const secrets = await this.credentials.resolve(this.config, { clientRequestId });
      const params = { managerId: link.managerId, request: body, priority: options.priority ?? 'interactive', clientRequestId, secrets, ...(options.headers ? { headers: options.headers } : {}), ...(options.client ? { client: options.client } : {}), ...(options.query ? { query: options.query } : {}) };
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
    channel.onNotification(AnswerEventNotification, (parsed) => {
      this.inboxes.get(parsed.clientRequestId)?.answerEvent(parsed.event);
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
    this.claiming = this.claiming.then(() => this.claimCredentials(link, result.managerId));
  }

  /** Names this client's credentials (as its requests would carry them now) to the manager it
   *  joined; the holds on them come back in its breakers. A failure only leaves them unnamed. */
  private async claimCredentials(link: Link, managerId: string): Promise<void> {
    try {
      const secrets = await this.credentials.resolveNames(this.config, { clientRequestId: newClientRequestId() });
      if (link.closed || link.managerId !== managerId) return;
      const breakers = await link.channel.request(CredentialsRequest, { managerId, secrets }, { timeoutMs: ATTACH_TIMEOUT_MS });
      if (link.closed || link.managerId !== managerId) return;
      const before = link.breakers;
      link.breakers = breakers;
      const now = Date.now();
      for (const event of [...breakerChanges(before, breakers, now), ...holdChanges(before, breakers, now)]) this.emit(event);
    } catch (error) {
      if (!link.closed) this.options.log('info', `The broker could not name this window's credentials: ${describe(error)}`);
    }
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
    const events = inbox.view() === 'events';
    // A caller that reads events, on a broker that sends only parts (met after its stream began): this process answers.
    if (!link || (events && link.channel.info.answerEvents !== true)) return this.runLocal(asked, inbox, signal, '', []);
    const { request, priority, clientRequestId, headers, client, namedModel, query } = asked;
    const answer = events ? new RelayedAnswer(inbox.out, inbox.view) : null;
    let delivered = '';
    let handedToolCall = false;
    let answering: Answering | null = null;
    const seen: AttemptRecord[] = [];
    this.inboxes.set(clientRequestId, {
      part: (part) => {
        if (part.type === 'text') delivered += part.text;
        if (part.type === 'tool_use') handedToolCall = true;
        inbox.out({ event: null, part });
      },
      answerEvent: (event) => answer?.accept(event),
      event: (event) => {
        if (event.type === 'attempt') seen.push(event);
        inbox.event(event);
      },
      answering: (which) => {
        answering = which;
        inbox.answering(which);
      },
    });
    const settled = link.liveness.begin();
    try {
      const secrets = await this.credentials.resolve(this.config, { clientRequestId });
      const params = { managerId: link.managerId, request, priority, clientRequestId, secrets, ...(headers ? { headers } : {}), ...(client ? { client } : {}), ...(events ? { events: true } : {}), ...(namedModel ? { namedModel } : {}), ...(query ? { query } : {}) };
      const timeoutMs = this.config.retry.deadlineMs + REQUEST_MARGIN_MS;
      const outcome = await Promise.race([
        link.channel.request(StreamRequest, params, { signal, timeoutMs }),
        link.whenClosed.then(() => {
          throw new BrokerClosed();
        }),
        // A cancel settles here at once; the broker stops the request when $/cancelRequest reaches it.
        aborted(signal),
      ]);
      if (outcome.ok) answer?.settle();
      return outcome;
    } catch (error) {
      const text = answer?.text ?? delivered;
      if (signal.aborted) return failure(clientRequestId, text, seen, 'canceled', 'The request was canceled.');
      if (error instanceof BrokerTimeoutError) this.giveUp(link);
      const lost = error instanceof BrokerClosed || link.closed;
      if (lost && answer !== null) return this.finishRelayed(asked, inbox, signal, { answer, earlier: seen, answering, stopped: link.frozen ? 'stopped answering' : 'stopped' });
      if (lost && handedToolCall) {
        // A second, different set of tool calls must never follow the first: the answer ends here.
        return failure(clientRequestId, delivered, seen, 'transient', 'The shared broker stopped after the answer had handed on a tool call; the answer ends there.');
      }
      if (lost) {
        const stopped = link.frozen ? 'stopped answering' : 'stopped';
        this.options.log('warn', `The shared broker ${stopped} during request ${clientRequestId}; finishing it in this process${delivered === '' ? '' : ' from where its answer stopped'}.`);
        return this.runLocal(asked, inbox, signal, delivered, seen);
      }
      return failure(clientRequestId, text, seen, 'transient', `The shared broker could not run the request: ${describe(error)}`);
    } finally {
      settled();
      this.inboxes.delete(clientRequestId);
    }
  }

  /** The in-process manager's options for one of this client's requests. */
  private localOptions(asked: Asked, inbox: Inbox, signal: AbortSignal): SendOptions {
    const { priority, clientRequestId, headers, client, namedModel, query } = asked;
    return { signal, priority, clientRequestId, onEvent: inbox.event, ...(headers ? { headers } : {}), ...(client ? { client } : {}), ...(namedModel ? { namedModel } : {}), ...(query ? { query } : {}), onAnswering: inbox.answering };
  }

  /** Runs on the in-process manager, after `delivered` when the broker had started the answer (a caller of parts). */
  private async runLocal(asked: Asked, inbox: Inbox, signal: AbortSignal, delivered: string, earlier: readonly AttemptRecord[]): Promise<Outcome> {
    if (inbox.view() === 'events') {
      // Nothing was handed on yet: the in-process manager's events are the answer.
      const stream = this.localManager().stream(asked.request, this.localOptions(asked, inbox, signal));
      for await (const event of stream.events) inbox.out({ event, part: null });
      return stream.outcome;
    }
    const continuation = continuationOf(asked.request, delivered);
    const skip = new SkipPrefix(continuation.skip);
    let forwarded = '';
    const stream = this.localManager().stream(continuation.request, this.localOptions(asked, inbox, signal));
    for await (const part of stream.parts) {
      if (part.type !== 'text') {
        inbox.out({ event: null, part });
        continue;
      }
      const text = skip.take(part.text);
      if (text === '') continue;
      forwarded += text;
      inbox.out({ event: null, part: { type: 'text', text } });
    }
    const outcome = await stream.outcome;
    if (delivered === '' && earlier.length === 0) return outcome;
    return joinOutcome(outcome, delivered, forwarded, earlier);
  }

  /** The broker went away during an answer whose events the caller reads: it ends, or this process
   *  finishes it, by core's rule per block type (relayedAnswer.ts). */
  private async finishRelayed(asked: Asked, inbox: Inbox, signal: AbortSignal, lost: LostAnswer): Promise<Outcome> {
    const { answer, earlier, answering, stopped } = lost;
    const { clientRequestId } = asked;
    const after = answer.afterBrokerLost();
    if (after === 'end_at_tool_use' && answering !== null) return answer.endAtToolUse(answering, clientRequestId, earlier);
    if (after !== 'continue') return failure(clientRequestId, answer.text, earlier, 'transient', answer.incomplete(`the shared broker ${stopped} and the answer cannot be continued.`));
    this.options.log('warn', `The shared broker ${stopped} during request ${clientRequestId}; finishing it in this process${answer.text === '' ? '' : ' from where its answer stopped'}.`);
    const stream = this.localManager().stream(answer.continuation(asked.request), this.localOptions(asked, inbox, signal));
    for await (const event of stream.events) answer.accept(event);
    const outcome = await stream.outcome;
    if (outcome.ok) answer.settle();
    return answer.joined(outcome, earlier);
  }
}

/** An answer the broker began and left: what was handed on, the attempts it made, which one was answering. */
interface LostAnswer {
  readonly answer: RelayedAnswer;
  readonly earlier: readonly AttemptRecord[];
  readonly answering: Answering | null;
  readonly stopped: string;
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
