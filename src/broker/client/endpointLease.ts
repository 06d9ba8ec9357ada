// A window's hold on the local endpoint the broker hosts: its own channel to the broker, on which
// it says it wants the endpoint (with its chain, providers and credentials, sent again when they
// change) and hears the endpoint's traffic and events. Leaving the channel releases the endpoint
// (the last window to leave closes it). When the broker goes away the endpoint goes with it: the
// window is told, and asks again (a new broker) or runs the endpoint itself.
import type { EndpointRequest } from '../endpoint/endpointServer';
import type { ManagerEvent } from '../../core/types';
import { EndpointEventNotification, EndpointRequestNotification, EndpointWantRequest } from '../protocol';
import type { EndpointWantParams, EndpointWantResult } from '../protocol';
import type { BrokerChannel } from './channel';
import { BrokerTimeoutError } from './rpcChannel';

/** Starting the endpoint is quick; a broker that takes longer is not answering. */
const WANT_TIMEOUT_MS = 10_000;

export interface EndpointLeaseOptions {
  /** Opens a channel to the broker (starting one if none runs); rejects when that fails. */
  readonly connect: () => Promise<BrokerChannel>;
  readonly onRequest: (request: EndpointRequest) => void;
  readonly onEvent: (event: ManagerEvent) => void;
  /** The channel closed without this window leaving (the broker stopped): the endpoint is gone. */
  readonly onLost: (reason: string) => void;
}

export class EndpointLease {
  private channel: Promise<BrokerChannel> | null = null;
  private left = false;

  constructor(private readonly options: EndpointLeaseOptions) {}

  /** Asks for the endpoint (or sends new credentials); rejects when the broker cannot be used. */
  async want(params: EndpointWantParams): Promise<EndpointWantResult> {
    if (this.left) throw new Error('this hold on the endpoint was released');
    const opening = this.open();
    const channel = await opening;
    try {
      return await channel.request(EndpointWantRequest, params, { timeoutMs: WANT_TIMEOUT_MS });
    } catch (error) {
      // A broker that does not answer is dropped (the next want connects afresh).
      if (error instanceof BrokerTimeoutError && this.channel === opening) {
        this.channel = null;
        channel.abandon();
      }
      throw error;
    }
  }

  /** Opens the channel to the broker (a broker that answers); rejects when it cannot be used. */
  async connect(): Promise<void> {
    if (this.left) throw new Error('this hold on the endpoint was released');
    await this.open();
  }

  /** This window no longer wants the endpoint: it leaves the broker's channel. */
  async release(): Promise<void> {
    this.left = true;
    const channel = await this.channel?.catch(() => null);
    this.channel = null;
    await channel?.leave();
  }

  private open(): Promise<BrokerChannel> {
    if (this.channel !== null) return this.channel;
    const opening = this.options.connect().then((channel) => {
      channel.onNotification(EndpointRequestNotification, (request) => this.options.onRequest(request));
      channel.onNotification(EndpointEventNotification, ({ event }) => this.options.onEvent(event));
      channel.onClose(() => {
        if (this.channel !== opening) return;
        this.channel = null;
        if (!this.left) this.options.onLost('the broker that hosted the endpoint stopped');
      });
      return channel;
    });
    opening.catch(() => {
      if (this.channel === opening) this.channel = null;
    });
    this.channel = opening;
    return opening;
  }
}
