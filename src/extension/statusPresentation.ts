// Pure mapping from the client's health to what the status-bar item shows:
// text with a codicon, background, accessible label and a Markdown tooltip.
// No 'vscode' import, so it is unit-tested on its own.
import type { BreakerState, ProviderId } from '../core/types';
import type { Translate } from './translate';
import type { Sharing } from '../broker/client/sharedManager';
import type { EndpointStatus } from './endpoint/endpointTraffic';
import { PROVIDER_SHORT_NAMES } from '../shared/vocabulary';

export type Health = 'healthy' | 'degraded' | 'down';

export interface RouteHealth {
  readonly provider: ProviderId;
  readonly model: string;
  readonly state: BreakerState;
  readonly nextProbeAt: number | null;
  /** Epoch ms when a due probe no request takes stops being waited for (the breaker closes); null or absent otherwise. */
  readonly closesAt?: number | null;
  /** Epoch ms until which a rate limit holds the route; null or absent when not held. */
  readonly heldUntil?: number | null;
  /** 529s / attempts over the history window, or null when there were no attempts. */
  readonly overloadRate: number | null;
  readonly attempts: number;
}

export interface StatusState {
  /** Chain order: the primary first. */
  readonly routes: readonly RouteHealth[];
  readonly primaryModel: string;
  /** The model that answered the last successful request, null before any. */
  readonly lastServedModel: string | null;
  /** The provider that answered it (absent or null: not known, taken as the first provider). */
  readonly lastServedProvider?: ProviderId | null;
  /** The rehearsal scenario being played, or null for real traffic. */
  readonly rehearsal: string | null;
  /** No API key is stored (and no rehearsal runs): requests cannot be sent yet. */
  readonly needsKey: boolean;
  /** Models moved to the end of the chain by "Use Fallback Now". */
  readonly setAside: readonly string[];
  /** Whether requests run on the user's shared broker (absent or null: sharing is off). */
  readonly sharing?: Sharing | null;
  /** The local endpoint for Claude Code and other clients (absent or null: off, offered). */
  readonly endpoint?: EndpointStatus | null;
  /** Configured model ids the Models API (or the rehearsal's simulator) does not list. */
  readonly unknownModels?: readonly string[];
  readonly now: number;
}

export type StatusBackground = 'warning' | 'error' | null;

export interface StatusPresentation {
  readonly health: Health;
  readonly text: string;
  readonly accessibilityLabel: string;
  readonly background: StatusBackground;
  /** Markdown, meant for a trusted MarkdownString limited to `TOOLTIP_COMMANDS` and theme icons. */
  readonly tooltip: string;
}

export const TOOLTIP_COMMANDS = [
  'resilientClaude.setApiKey',
  'resilientClaude.switchModel',
  'resilientClaude.resetBreakers',
  'resilientClaude.showDiagnostics',
  'resilientClaude.useEndpointInTerminals',
  'resilientClaude.copyEndpointShellLines',
] as const;

/** Hover tables have no cell padding: without a gap the columns (and their headers) run together. */
const CELL_GAP = '&nbsp;&nbsp;&nbsp;';

const HEALTH_ICON: Record<Health, string> = { healthy: '$(pass)', degraded: '$(warning)', down: '$(error)' };
/** Each breaker state's icon, wherever a breaker is listed (tooltip, model picker). */
export const BREAKER_ICON: Readonly<Record<BreakerState, string>> = { closed: '$(pass)', half_open: '$(warning)', open: '$(error)' };
const STATE_LABEL: Record<BreakerState, string> = { closed: 'closed', half_open: 'half-open', open: 'open' };

/** The status bar's compact model id (space is short; a display name is `shortModelName`): `claude-opus-5-5` → `opus-5-5`; other ids unchanged. */
export function compactModelId(model: string): string {
  return model.startsWith('claude-') ? model.slice('claude-'.length) : model;
}

/** True while a rate limit holds the route. */
export function isHeld(route: Pick<RouteHealth, 'heldUntil'>, now: number): boolean {
  return route.heldUntil !== undefined && route.heldUntil !== null && route.heldUntil > now;
}

/** The route a new request would start on: the first whose breaker is not open and that no rate limit holds. */
export function servingRoute(state: StatusState): RouteHealth | null {
  return state.routes.find((r) => r.state !== 'open' && !isHeld(r, state.now)) ?? state.routes.find((r) => r.state !== 'open') ?? null;
}

/** The model a new request would start on: the first route whose breaker is not open. */
export function servingModel(state: StatusState): string | null {
  return servingRoute(state)?.model ?? null;
}

/** True when the routes span more than one provider (then routes are shown per provider). */
export function multiProvider(state: StatusState): boolean {
  return new Set(state.routes.map((r) => r.provider)).size > 1;
}

/** The provider a request serves from when it is not the first one configured, else null. */
function fallbackProvider(state: StatusState): ProviderId | null {
  const first = state.routes[0]?.provider;
  if (first === undefined) return null;
  const serving = servingRoute(state);
  if (serving !== null && serving.provider !== first) return serving.provider;
  const last = state.lastServedProvider ?? null;
  return last !== null && last !== first ? last : null;
}

export function healthOf(state: StatusState): Health {
  if (state.routes.length > 0 && state.routes.every((r) => r.state === 'open')) return 'down';
  const serving = servingModel(state);
  const fromFallback =
    (serving !== null && serving !== state.primaryModel) ||
    (state.lastServedModel !== null && state.lastServedModel !== state.primaryModel) ||
    fallbackProvider(state) !== null;
  // Only a half-open route that new requests start on (so the next one probes it) degrades the
  // service; one behind a working primary waits for a request that may never come.
  return fromFallback || probedRoute(state) !== null ? 'degraded' : 'healthy';
}

/** The half-open route the next request will probe: the serving route, when it is half-open. */
export function probedRoute(state: StatusState): RouteHealth | null {
  const serving = servingRoute(state);
  return serving !== null && serving.state === 'half_open' ? serving : null;
}

export function presentStatus(state: StatusState, t: Translate): StatusPresentation {
  const health = healthOf(state);
  const shown =
    health === 'down'
      ? t('Claude unavailable')
      : compactModelId(
          health === 'degraded' && state.lastServedModel !== null && servingModel(state) === state.primaryModel
            ? state.lastServedModel
            : (servingModel(state) ?? state.primaryModel),
        );
  const rehearsalPrefix = state.rehearsal !== null ? `$(beaker) ${t('Rehearsal')} · ` : '';
  const viaProvider = health !== 'down' ? fallbackProvider(state) : null;
  // A model id no list holds never looks healthy: it is named as unknown where it shows.
  const unknown = state.unknownModels ?? [];
  const shownUnknown = health !== 'down' && unknown.some((m) => compactModelId(m) === shown);
  const icon = shownUnknown ? '$(warning)' : HEALTH_ICON[health];
  const text = `${rehearsalPrefix}${icon} ${shown}${shownUnknown ? ` (${t('unknown model')})` : ''}${viaProvider !== null ? ` (${PROVIDER_SHORT_NAMES[viaProvider]})` : ''}`;

  const summary = healthSummary(state, health, t);
  const accessibilityLabel =
    (state.rehearsal !== null ? t('Overload rehearsal {0}. ', state.rehearsal) : '') +
    t('Resilient Claude: {0}', summary) +
    (unknown.length > 0 ? t('. Unknown model: {0}', unknown.join(', ')) : '') +
    (state.needsKey ? t('. No API key set') : '');

  const background: StatusBackground = health === 'down' ? 'error' : health === 'degraded' || unknown.length > 0 ? 'warning' : null;
  return { health, text, accessibilityLabel, background, tooltip: tooltipMarkdown(state, summary, t) };
}

function healthSummary(state: StatusState, health: Health, t: Translate): string {
  switch (health) {
    case 'healthy':
      return t('healthy, using {0}', state.primaryModel);
    case 'degraded': {
      const serving = servingModel(state);
      const from = serving !== state.primaryModel ? serving : state.lastServedModel;
      const via = fallbackProvider(state);
      if (via !== null) return t('degraded, serving {0} from fallback provider {1}', from ?? state.primaryModel, PROVIDER_SHORT_NAMES[via]);
      return from !== null && from !== state.primaryModel
        ? t('degraded, serving from fallback {0}', from)
        : t('degraded, {0} is being probed', probedRoute(state)?.model ?? state.primaryModel);
    }
    case 'down':
      return t('down, every model route is open');
  }
}

function tooltipMarkdown(state: StatusState, summary: string, t: Translate): string {
  const lines: string[] = [];
  lines.push(`**Resilient Claude** — ${escapeMarkdown(summary)}`);
  if (state.rehearsal !== null) {
    lines.push('', `$(beaker) ${escapeMarkdown(t('Rehearsal: {0} (simulated traffic, no API calls)', state.rehearsal))}`);
  }
  for (const model of state.unknownModels ?? []) {
    lines.push('', `$(warning) ${escapeMarkdown(t('{0} is not a model the Models API lists: requests to it fail.', model))}`);
  }
  const sharing = sharingLine(state.sharing ?? null, t);
  if (sharing !== null) lines.push('', sharing);
  for (const model of state.setAside) {
    lines.push('', `$(arrow-down) ${escapeMarkdown(t('{0} is tried last (Use Fallback Now); reset breakers to undo.', model))}`);
  }
  if (state.needsKey) {
    lines.push(
      '',
      `$(key) ${escapeMarkdown(t('No API key set.'))} [${escapeMarkdown(t('Set API Key'))}](command:resilientClaude.setApiKey)`,
    );
  }
  const perProvider = multiProvider(state);
  // The history counts per model: with several providers the rate covers them all, shown once per model.
  const rateHeader = perProvider ? t('529 rate (5 min, all providers)') : t('529 rate (5 min)');
  const header = [...(perProvider ? [t('Provider')] : []), t('Model'), t('Breaker'), rateHeader, t('Next probe')].map(
    (h) => `${escapeMarkdown(h)}${CELL_GAP}`,
  );
  const rateShown = new Set<string>();
  lines.push('', `| ${header.join(' | ')} |`, `|${'---|'.repeat(header.length)}`);
  for (const route of state.routes) {
    const role = route.model === state.primaryModel ? ` ${escapeMarkdown(t('(primary)'))}` : '';
    const cells = [
      ...(perProvider ? [escapeMarkdown(PROVIDER_SHORT_NAMES[route.provider])] : []),
      `${escapeMarkdown(route.model)}${role}`,
      isHeld(route, state.now)
        ? `$(clock) ${escapeMarkdown(t('rate-limited until {0}', clockTime(route.heldUntil!)))}`
        : `${BREAKER_ICON[route.state]} ${escapeMarkdown(t(STATE_LABEL[route.state]))}`,
      escapeMarkdown(rateShown.has(route.model) ? '' : formatRate(route, t)),
      escapeMarkdown(formatProbe(route, state.now, t)),
    ];
    rateShown.add(route.model);
    lines.push(`| ${cells.map((c) => `${c}${CELL_GAP}`).join(' | ')} |`);
  }
  lines.push('', endpointLine(state.endpoint ?? null, t));
  lines.push(
    '',
    [
      `[$(arrow-swap) ${escapeMarkdown(t('Switch model'))}](command:resilientClaude.switchModel)`,
      `[$(debug-restart) ${escapeMarkdown(t('Reset breakers'))}](command:resilientClaude.resetBreakers)`,
      `[$(pulse) ${escapeMarkdown(t('Show diagnostics'))}](command:resilientClaude.showDiagnostics)`,
    ].join(' · '),
  );
  return lines.join('\n');
}

/** The local endpoint's traffic per client, or the offer to route terminals' Claude clients through it. */
export function endpointLine(endpoint: EndpointStatus | null, t: Translate): string {
  const setUp = `(command:resilientClaude.useEndpointInTerminals)`;
  if (endpoint === null) {
    return `$(terminal) ${escapeMarkdown(t('Claude Code in terminals:'))} [${escapeMarkdown(t('protect it with the local endpoint'))}]${setUp}`;
  }
  if (endpoint.url === null) return `$(terminal) ${escapeMarkdown(t('Local endpoint: not running.'))} [${escapeMarkdown(t('Set up'))}]${setUp}`;
  const traffic =
    endpoint.clients.length === 0
      ? t('no requests yet')
      : endpoint.clients
          .map((c) => `${c.client} ${c.requests}${c.failed === 0 ? '' : ` (${t('{0} failed', c.failed)})`}`)
          .join(' · ');
  const where = endpoint.terminals ? t('Local endpoint {0} (terminals): {1}', endpoint.url, traffic) : t('Local endpoint {0}: {1}', endpoint.url, traffic);
  return `$(terminal) ${escapeMarkdown(where)} · [${escapeMarkdown(t('Copy shell lines'))}](command:resilientClaude.copyEndpointShellLines)`;
}

/** 10:42 (local time, 24-hour). */
export function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** "Shared by N windows" while on the broker; why not, while this window runs its own manager. */
export function sharingLine(sharing: Sharing | null, t: Translate): string | null {
  if (sharing === null || sharing.mode === 'connecting') return null;
  if (sharing.mode === 'local') return `$(debug-disconnect) ${escapeMarkdown(t("This window's own request manager: {0}.", sharing.reason))}`;
  const { windows, clis } = sharing.clients;
  const shared = windows === 1 ? t('Shared by 1 window') : t('Shared by {0} windows', String(windows));
  const scripts = clis === 0 ? '' : clis === 1 ? t(' and 1 script') : t(' and {0} scripts', String(clis));
  return `$(broadcast) ${escapeMarkdown(`${shared}${scripts}`)}`;
}

export function formatRate(route: Pick<RouteHealth, 'overloadRate' | 'attempts'>, t: Translate): string {
  if (route.overloadRate === null || route.attempts === 0) return '—';
  return t('{0} of {1}', formatPercent(route.overloadRate), route.attempts);
}

export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  if (pct >= 10) return `${Math.round(pct)}%`;
  const tenths = Math.round(pct * 10) / 10;
  return Number.isInteger(tenths) ? `${tenths}%` : `${tenths.toFixed(1)}%`;
}

export function formatProbe(route: Pick<RouteHealth, 'state' | 'nextProbeAt' | 'closesAt'>, now: number, t: Translate): string {
  if (route.state === 'half_open') {
    const closesAt = route.closesAt ?? null;
    return closesAt !== null && closesAt > now ? t('on its next request (else closes at {0})', clockTime(closesAt)) : t('on its next request');
  }
  if (route.state !== 'open' || route.nextProbeAt === null) return '—';
  const seconds = Math.max(0, Math.ceil((route.nextProbeAt - now) / 1000));
  return seconds === 0 ? t('on next request') : t('in {0} s', seconds);
}

/** Escapes text placed in the tooltip so a model id cannot inject links or markup. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>$-]/g, (c) => `\\${c}`);
}
