// Telling a frozen broker from a busy one. While this client has requests on the broker it asks
// "still there?" (PingRequest) now and then; the broker answers from its event loop at once, even
// while the upstream keeps it waiting, so only a stopped or hung broker leaves a ping unanswered.
// Then the channel is given up and the requests continue in this process.
import { PingRequest } from '../protocol';
import type { BrokerChannel } from './channel';
import { BrokerTimeoutError } from './rpcChannel';

export interface LivenessTiming {
  /** A ping goes out this often while requests are in flight. */
  readonly everyMs: number;
  /** A ping unanswered this long means the broker has stopped answering. */
  readonly timeoutMs: number;
}

export const LIVENESS: LivenessTiming = { everyMs: 1_500, timeoutMs: 3_000 };

export class Liveness {
  private inFlight = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private pinging = false;
  private stopped = false;

  constructor(
    private readonly channel: BrokerChannel,
    private readonly onFrozen: () => void,
    private readonly timing: LivenessTiming = LIVENESS,
  ) {}

  /** A request went to the broker; call the result when it settled. */
  begin(): () => void {
    this.inFlight += 1;
    if (this.inFlight === 1 && !this.stopped) {
      this.timer = setInterval(() => this.ping(), this.timing.everyMs);
      this.timer.unref?.();
    }
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight -= 1;
      if (this.inFlight === 0) this.clear();
    };
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private clear(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private ping(): void {
    if (this.pinging || this.stopped) return;
    this.pinging = true;
    this.channel
      .request(PingRequest, null, { timeoutMs: this.timing.timeoutMs })
      .catch((error: unknown) => {
        // Any other failure is an answer (an older broker's "method not found") or a closed channel.
        if (error instanceof BrokerTimeoutError && !this.stopped) {
          this.stop();
          this.onFrozen();
        }
      })
      .finally(() => (this.pinging = false));
  }
}
