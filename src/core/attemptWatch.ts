// One timer over an attempt's limits (headers in time, no silence past the stall watchdog's
// limit, the request's deadline). A limit that moves later costs nothing: the timer fires at the
// old time, the check finds nothing due and the timer is set for the new one. Only a limit that
// moves sooner (headers arrived, content started) replaces the timer — no signal, listener or
// error per re-arm.
import { scheduleOn } from './clock';
import type { Clock } from './contract';

export class AttemptWatch {
  private cancel: (() => void) | null = null;
  private armedFor = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    /** When the nearest limit falls due (on `clock`); +Infinity while none is to be watched. */
    private readonly dueAt: () => number,
    /** Called when that time has come: acts on whatever limit is due (or finds it moved). */
    private readonly onDue: () => void,
  ) {}

  /** Looks at the limits again; call when one may have moved sooner. */
  arm(): void {
    if (this.stopped) return;
    const due = this.dueAt();
    if (due === Number.POSITIVE_INFINITY || (this.cancel !== null && due >= this.armedFor)) return;
    this.cancel?.();
    this.armedFor = due;
    this.cancel = scheduleOn(this.clock, due - this.clock.now(), () => this.fire());
  }

  get active(): boolean {
    return !this.stopped;
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = null;
  }

  private fire(): void {
    this.cancel = null;
    this.armedFor = Number.POSITIVE_INFINITY;
    if (this.stopped) return;
    this.onDue();
    this.arm();
  }
}
