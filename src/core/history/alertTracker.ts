// The 529 alert rule with hysteresis: an incident starts when a model's 529 share over the
// window goes above the threshold (with enough attempts to mean something) and ends only
// when the share falls back to or below the threshold. One notification per incident.
import type { AlertRule, HistoryAlert } from './historyTypes';

export interface WindowFigures {
  readonly attempts: number;
  readonly overloaded529: number;
  readonly sinceMs: number;
  readonly untilMs: number;
}

export class AlertTracker {
  private readonly incidents = new Map<string, number>();

  constructor(readonly rule: AlertRule) {
    // 1 (the setting's maximum) is allowed and never alerts: a share of attempts never exceeds it.
    if (!(rule.threshold >= 0 && rule.threshold <= 1)) {
      throw new RangeError(`Alert threshold must be in [0, 1], got ${rule.threshold}`);
    }
    if (!(rule.windowMs > 0)) throw new RangeError(`Alert window must be positive, got ${rule.windowMs}`);
    if (!(Number.isInteger(rule.minAttempts) && rule.minAttempts >= 1)) {
      throw new RangeError(`Alert minAttempts must be a positive integer, got ${rule.minAttempts}`);
    }
  }

  /**
   * Re-evaluates one model. Returns the alert when this evaluation starts an incident,
   * else undefined.
   */
  evaluate(model: string, figures: WindowFigures, now: number): HistoryAlert | undefined {
    const rate = figures.attempts === 0 ? 0 : figures.overloaded529 / figures.attempts;
    const startedAt = this.incidents.get(model);
    if (startedAt !== undefined) {
      if (rate <= this.rule.threshold) this.incidents.delete(model);
      return undefined;
    }
    if (rate > this.rule.threshold && figures.attempts >= this.rule.minAttempts) {
      this.incidents.set(model, now);
      return this.alertFor(model, figures, now);
    }
    return undefined;
  }

  /** The alert for a model in an incident, with current figures; undefined otherwise. */
  current(model: string, figures: WindowFigures): HistoryAlert | undefined {
    const startedAt = this.incidents.get(model);
    return startedAt === undefined ? undefined : this.alertFor(model, figures, startedAt);
  }

  modelsInIncident(): string[] {
    return [...this.incidents.keys()].sort();
  }

  forget(model?: string): void {
    if (model === undefined) this.incidents.clear();
    else this.incidents.delete(model);
  }

  private alertFor(model: string, figures: WindowFigures, startedAt: number): HistoryAlert {
    return {
      model,
      attempts: figures.attempts,
      overloaded529: figures.overloaded529,
      rate: figures.attempts === 0 ? 0 : figures.overloaded529 / figures.attempts,
      threshold: this.rule.threshold,
      windowMs: this.rule.windowMs,
      sinceMs: figures.sinceMs,
      untilMs: figures.untilMs,
      startedAt,
    };
  }
}
