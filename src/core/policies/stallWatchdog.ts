// How long a response may stay silent before it is cut as stalled. Liveness is
// complete events on the raw stream (the API's `ping` events count, though the SDK
// drops them), so a model that pauses while pinging is never cut, and a server
// that trickles bytes without ever completing an event is. Before any content the
// limit is the configured idle timeout (the first-token hedge acts long before it)
// — or, while not one event of the body has come, a short first-byte limit; once
// content flows it is a multiple of the stream's own gaps between events, never
// below a floor above the API's ping cadence.

export interface StallLimits {
  /** Silence allowed after the headers while not one event of the body has come (the API sends
   *  message_start at once, so a body that never starts is a dead connection, not a slow model). */
  readonly firstByteMs: number;
  /** Silence allowed before the first content. */
  readonly beforeContentMs: number;
  /** Silence never cut sooner than this once content flows (above the ping cadence). */
  readonly floorMs: number;
  /** Once content flows: this many times the stream's typical gap between events. */
  readonly gapMultiple: number;
}

/** Weight of the newest gap in the running estimate (the estimate rises at once, decays slowly). */
const GAP_WEIGHT = 0.2;

export class StallWatchdog {
  private lastEventAt: number;
  private lastGapStart: number | null = null;
  private gapMs = 0;
  private contentSeen = false;
  private bodySeen = false;

  constructor(
    private readonly limits: StallLimits,
    startedAt: number,
  ) {
    this.lastEventAt = startedAt;
  }

  /** The response headers arrived: the wait for the body starts. */
  headers(at: number): void {
    this.lastEventAt = Math.max(this.lastEventAt, at);
  }

  /** A complete event of the response body arrived (content, a ping, any event; bytes that do
   *  not complete one are no sign of life). */
  event(at: number): void {
    this.bodySeen = true;
    if (this.contentSeen && this.lastGapStart !== null) {
      const gap = at - this.lastGapStart;
      this.gapMs = gap > this.gapMs ? gap : this.gapMs + GAP_WEIGHT * (gap - this.gapMs);
    }
    this.lastGapStart = at;
    this.lastEventAt = Math.max(this.lastEventAt, at);
  }

  /** The first content (text, thinking, a tool call) arrived. */
  content(at: number): void {
    if (this.contentSeen) return;
    this.contentSeen = true;
    this.bodySeen = true;
    this.lastGapStart = at;
    this.lastEventAt = Math.max(this.lastEventAt, at);
  }

  get bodyStarted(): boolean {
    return this.bodySeen;
  }

  get flowing(): boolean {
    return this.contentSeen;
  }

  /** The silence currently allowed. */
  limitMs(): number {
    if (!this.bodySeen) return Math.min(this.limits.firstByteMs, this.limits.beforeContentMs);
    if (!this.contentSeen) return this.limits.beforeContentMs;
    return Math.max(this.limits.floorMs, this.limits.gapMultiple * this.gapMs);
  }

  /** Epoch ms at which the response counts as stalled if nothing arrives meanwhile. */
  stalledAt(): number {
    return this.lastEventAt + this.limitMs();
  }

  silentFor(now: number): number {
    return Math.max(0, now - this.lastEventAt);
  }
}
