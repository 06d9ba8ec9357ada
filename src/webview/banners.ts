// Decides which banners the panel shows: the 529 alert and Anthropic's posted incidents.
// Pure, so the wording is unit-tested.
import { formatDuration, formatPercent } from './format';
import type { AnthropicStatus, PanelSnapshot } from './protocol';

export interface Banner {
  readonly kind: 'simulated' | 'alert' | 'incident' | 'status-error';
  readonly text: string;
  /** A link to the incident page, when there is one. */
  readonly url: string | null;
}

export const RETRIES_WONT_FIX = "Anthropic reports an incident — retries won't fix this.";

/** Put before every banner's text while the panel shows simulated data. */
export const SIMULATED_PREFIX = 'Simulated: ';

export function bannersFor(snapshot: PanelSnapshot): Banner[] {
  const simulated = snapshot.simulated ?? null;
  const banners = liveBanners(snapshot);
  if (simulated === null) return banners;
  // A rehearsal: a label first, and every other banner says it is simulated itself.
  return [
    {
      kind: 'simulated',
      text: `Rehearsal — simulated data (${simulated}): nothing here was sent to Anthropic, and its request ids mean nothing to support.`,
      url: null,
    },
    ...banners.map((banner) => ({ ...banner, text: `${SIMULATED_PREFIX}${banner.text}` })),
  ];
}

function liveBanners(snapshot: PanelSnapshot): Banner[] {
  const banners: Banner[] = [];
  const { alert } = snapshot;
  const incidents = snapshot.anthropicStatus?.incidents ?? [];
  const storm = alert.firing.length > 0;
  if (storm && incidents.length > 0) {
    const first = incidents[0];
    banners.push({
      kind: 'incident',
      text: `${RETRIES_WONT_FIX} ${first ? `“${first.name}” (${first.status}).` : ''}`.trim(),
      url: first?.url ?? null,
    });
  }
  for (const firing of alert.firing) {
    banners.push({
      kind: 'alert',
      text:
        `${firing.model}: ${formatPercent(firing.rate)} of ${firing.attempts} attempts overloaded (529) ` +
        `in the last ${formatDuration(alert.windowMs)} — above the ${formatPercent(alert.threshold)} threshold.`,
      url: null,
    });
  }
  if (!storm) {
    for (const incident of incidents) {
      banners.push({
        kind: 'incident',
        text: `Anthropic status: “${incident.name}” (${incident.status}${incident.impact !== 'none' ? `, ${incident.impact} impact` : ''}).`,
        url: incident.url,
      });
    }
  }
  const statusError = snapshot.anthropicStatus?.error;
  if (statusError) banners.push({ kind: 'status-error', text: `Status page not available: ${statusError}`, url: null });
  return banners;
}

/**
 * What the status line says of the status page. A page may read "All Systems Operational" while
 * an incident is still open (monitoring a fix): the line then names the incident instead, so it
 * never contradicts the incident banner under it.
 */
export function statusDescription(status: AnthropicStatus): string {
  const open = status.incidents.length;
  if (status.indicator === 'none' && open > 0) {
    const first = status.incidents[0]!;
    return `${open === 1 ? 'an incident is open' : `${open} incidents are open`}: “${first.name}” (${first.status})`;
  }
  return status.description || (status.error ? 'unknown' : 'no status');
}
