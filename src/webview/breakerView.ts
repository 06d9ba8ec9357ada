// The Breakers tab: one card per route with its state, since when, the next probe and the
// recent failure rate, plus "Reset" and "Use now".
import { h, replaceChildren } from './dom';
import { formatAgo, formatClock, formatPercent, formatProbe } from './format';
import type { BreakerCard, PanelSnapshot, WebviewToHost } from './protocol';

const STATE_LABELS = { closed: 'Closed — healthy', open: 'Open — skipped', half_open: 'Half-open — probing' } as const;

/** "2 hedges, 1 stall in this window", or null when the route had neither. */
export function tailLine(breaker: BreakerCard): string | null {
  const hedges = breaker.hedges ?? 0;
  const stalls = breaker.stalls ?? 0;
  if (hedges === 0 && stalls === 0) return null;
  const parts = [hedges > 0 ? `${hedges} ${hedges === 1 ? 'hedge' : 'hedges'}` : null, stalls > 0 ? `${stalls} ${stalls === 1 ? 'stall' : 'stalls'}` : null];
  return `${parts.filter((p) => p !== null).join(', ')} in this window`;
}

const TAIL_TITLE = 'Hedge: a late first token got a second attempt on a fresh connection, and one of the two answered. Stall: a response that went silent was cut and tried again.';

export class BreakerView {
  readonly element: HTMLElement;
  private readonly cards: HTMLElement;
  private countdowns: Array<{ element: HTMLElement; nextProbeAt: number | null; closesAt: number | null }> = [];

  constructor(private readonly post: (message: WebviewToHost) => void) {
    this.cards = h('div', { className: 'cards', attrs: { role: 'list' } });
    this.element = h('section', { className: 'breakers', attrs: { 'aria-label': 'Circuit breakers per route' } }, [
      h('div', { className: 'toolbar' }, [
        h('vscode-button', {
          text: 'Reset all breakers',
          attrs: { secondary: '', 'aria-label': 'Reset all breakers' },
          on: { click: () => this.post({ type: 'resetAllBreakers' }) },
        }),
      ]),
      this.cards,
    ]);
  }

  render(snapshot: PanelSnapshot, hostNow: () => number): void {
    this.countdowns = [];
    if (snapshot.breakers.length === 0) {
      replaceChildren(this.cards, [h('p', { className: 'empty', text: 'No routes yet: breakers appear after the first request.' })]);
      return;
    }
    replaceChildren(this.cards, snapshot.breakers.map((b) => this.card(b, snapshot, hostNow())));
  }

  /** Refreshes the countdowns every second without a new snapshot. */
  tick(now: number): void {
    for (const c of this.countdowns) c.element.textContent = formatProbe(c.nextProbeAt, now, c.closesAt);
  }

  private card(breaker: BreakerCard, snapshot: PanelSnapshot, now: number): HTMLElement {
    const route = `${breaker.provider}:${breaker.model}`;
    const closesAt = breaker.state === 'closed' ? null : (breaker.closesAt ?? null);
    const countdown = h('span', { className: 'probe', text: formatProbe(breaker.nextProbeAt, now, closesAt) });
    this.countdowns.push({ element: countdown, nextProbeAt: breaker.nextProbeAt, closesAt });
    const primary = snapshot.primaryModel === breaker.model;
    return h('article', { className: `card state-${breaker.state}`, attrs: { role: 'listitem', 'data-route': route, 'aria-label': `Route ${route}` } }, [
      h('header', {}, [
        h('span', { className: 'route', text: breaker.model }),
        h('span', { className: 'provider', text: breaker.provider }),
        primary ? h('span', { className: 'badge', text: 'primary' }) : null,
      ]),
      h('p', { className: 'state' }, [
        h('span', { className: 'dot', attrs: { 'aria-hidden': 'true' } }),
        h('strong', { text: STATE_LABELS[breaker.state] }),
        breaker.since > 0 ? ` since ${formatAgo(breaker.since, now)}` : ' (not used yet)',
      ]),
      breaker.heldUntil !== undefined && breaker.heldUntil !== null && breaker.heldUntil > now
        ? h('p', { className: 'detail held', text: `Rate-limited until ${formatClock(breaker.heldUntil, now)}` })
        : null,
      h('p', { className: 'detail' }, [countdown]),
      h('p', {
        className: 'detail',
        text:
          breaker.recentAttempts === 0
            ? `No attempts in the last ${Math.round(snapshot.alert.windowMs / 60_000)} min`
            : `${formatPercent(breaker.recentFailureRate)} failed of ${breaker.recentAttempts} attempts (last ${Math.round(snapshot.alert.windowMs / 60_000)} min); ${breaker.consecutiveFailures} in a row`,
      }),
      tailLine(breaker) === null ? null : h('p', { className: 'detail tail', text: tailLine(breaker) ?? '', attrs: { title: TAIL_TITLE } }),
      h('div', { className: 'actions' }, [
        h('vscode-button', {
          text: 'Reset',
          attrs: { secondary: '', 'aria-label': `Reset breaker for ${route}` },
          on: { click: () => this.post({ type: 'resetBreaker', provider: breaker.provider, model: breaker.model }) },
        }),
        h('vscode-button', {
          text: 'Use now',
          attrs: { 'aria-label': `Use now: make ${breaker.model} the primary model` },
          on: { click: () => this.post({ type: 'useModel', model: breaker.model }) },
        }),
      ]),
    ]);
  }
}
