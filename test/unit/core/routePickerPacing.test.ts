// The route picker and the tier pacer: a route whose paced wait is long, or whose next reserve
// slot is not due, gives way to a later route that can go now; with none, it is used (the reserve
// at once, a short wait waited out), and a route spent until a distant reset is shown held.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultManagerConfig } from '../../../src/core/defaults';
import { RequestBounds } from '../../../src/core/policies/bounds';
import { paceCheck } from '../../../src/core/policies/tierPacer';
import { RoutePicker } from '../../../src/core/routePicker';
import { RouteState } from '../../../src/core/routeState';
import type { ManagerEvent } from '../../../src/core/types';
import { FakeClock } from '../../support/fakeClock';

const OPUS = 'claude-opus-5-5';
const HAIKU = 'claude-haiku-5-5';
const estimate = { priority: 'interactive' as const, inputTokens: 10, outputTokens: 10 };

function resetText(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function setup(): { clock: FakeClock; routes: RouteState; events: ManagerEvent[]; picker: () => RoutePicker } {
  const clock = new FakeClock(1_700_000_000_000);
  const config = defaultManagerConfig();
  const events: ManagerEvent[] = [];
  const routes = new RouteState(config.breaker, config.budget, clock, (e) => events.push(e), 600_000, 60_000);
  const picker = (): RoutePicker =>
    new RoutePicker([OPUS, HAIKU], ['anthropic'], undefined, routes, new RequestBounds(config.retry, clock.now()), () => true, config.retry.retryAfterCapMs, (key) =>
      paceCheck(routes.tier, key, config.pacing, estimate),
    );
  return { clock, routes, events, picker };
}

function pickedModel(picker: RoutePicker, now: number): string | null {
  const picked = picker.pick(now);
  if (picked.kind !== 'route') return null;
  return picked.entry.route.model;
}

test('the primary above its share gives way to a fallback until its next reserve slot is due', { timeout: 5000 }, () => {
  const { clock, routes, picker } = setup();
  const key = picker().first.key;
  const first = routes.tier.book(key, estimate);
  routes.tier.observe(key, new Headers({ 'anthropic-ratelimit-requests-limit': '10', 'anthropic-ratelimit-requests-remaining': '2', 'anthropic-ratelimit-requests-reset': resetText(clock.now() + 59_000) }), first);
  routes.tier.settle(first);
  // 2 left of 10, the reserve, spread over the minute to the reset: a slot every 30 s.
  assert.equal(pickedModel(picker(), clock.now()), HAIKU, 'a request just went: the fallback answers meanwhile');
  clock.advance(30_000);
  assert.equal(pickedModel(picker(), clock.now()), OPUS, 'the slot is due');
  routes.tier.settle(routes.tier.book(key, estimate));
  assert.equal(pickedModel(picker(), clock.now()), HAIKU);
  clock.advance(30_000);
  assert.equal(pickedModel(picker(), clock.now()), OPUS);
});

test('with no fallback that can go, the reserve is used at once; a spent route is shown held', { timeout: 5000 }, () => {
  const { clock, routes, events, picker } = setup();
  const opus = picker().first.key;
  const haiku = picker().chain[1]!.key;
  const resetAt = clock.now() + 59_000;
  const limits = (remaining: number) => new Headers({ 'anthropic-ratelimit-requests-limit': '10', 'anthropic-ratelimit-requests-remaining': String(remaining), 'anthropic-ratelimit-requests-reset': resetText(resetAt) });
  for (const key of [opus, haiku]) {
    const b = routes.tier.book(key, estimate);
    routes.tier.observe(key, limits(2), b);
    routes.tier.settle(b);
    routes.tier.settle(routes.tier.book(key, estimate));
  }
  // Both in their reserve with no slot due: the first route goes anyway, without a wait.
  const p = picker();
  assert.equal(pickedModel(p, clock.now()), OPUS);
  assert.equal(p.waitOn(p.first).waitMs, 0);
  routes.tier.settle(routes.tier.book(opus, estimate));
  routes.tier.settle(routes.tier.book(haiku, estimate));
  // Both spent until the reset, a minute away: held, and said so.
  const none = picker().pick(clock.now());
  assert.equal(none.kind, 'none');
  assert.ok(none.kind === 'none' && none.blocked.every((b) => b.why === 'held' && b.until !== null && b.until >= resetAt));
  assert.ok(events.some((e) => e.type === 'hold' && e.model === OPUS && e.until !== null && e.until >= resetAt));
});
