// A statuspage.io v2 summary (GET /api/v2/summary.json) built from the scenario's
// `statusPage` (the active phase's, if it has one). Default: all operational.
import type { ComponentStatus, StatusIndicator, StatusPageSpec } from './scenario-types';

const PAGE_ID = 'simpage0001';
const DEFAULT_COMPONENTS = ['claude.ai', 'platform.claude.com', 'Claude API (api.anthropic.com)', 'Claude Code'];

const DESCRIPTIONS: Record<StatusIndicator, string> = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
  critical: 'Major System Outage',
  maintenance: 'Service Under Maintenance',
};

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 12) || 'component';
}

/**
 * `origin` is the simulator's own address (http://127.0.0.1:PORT): incident links and the page URL
 * point there, never to a real status page, so nothing a rehearsal shows links off the machine.
 */
export function statusSummary(spec: StatusPageSpec | undefined, scenarioStartedAt: number, now = Date.now(), origin = 'http://127.0.0.1'): unknown {
  const indicator: StatusIndicator = spec?.indicator ?? 'none';
  const startedIso = new Date(scenarioStartedAt).toISOString();
  const nowIso = new Date(now).toISOString();
  const statusByName = new Map<string, ComponentStatus>();
  for (const name of DEFAULT_COMPONENTS) statusByName.set(name, 'operational');
  for (const component of spec?.components ?? []) statusByName.set(component.name, component.status);

  const components = [...statusByName.entries()].map(([name, status], position) => ({
    id: `sim${slug(name)}`,
    name,
    status,
    created_at: '2023-07-11T00:00:00.000Z',
    updated_at: startedIso,
    position: position + 1,
    description: null,
    showcase: true,
    start_date: null,
    group_id: null,
    page_id: PAGE_ID,
    group: false,
    only_show_if_degraded: false,
  }));
  const affected = components.filter((c) => c.status !== 'operational');

  const incidents = (spec?.incidents ?? []).map((incident, index) => {
    const id = `siminc${index + 1}`;
    const resolved = incident.status === 'resolved' || incident.status === 'postmortem';
    return {
      id,
      name: incident.name,
      status: incident.status,
      created_at: startedIso,
      updated_at: startedIso,
      monitoring_at: incident.status === 'monitoring' ? startedIso : null,
      resolved_at: resolved ? startedIso : null,
      impact: incident.impact ?? (indicator === 'maintenance' ? 'none' : indicator),
      shortlink: `${origin}/incidents/${id}`,
      started_at: startedIso,
      page_id: PAGE_ID,
      incident_updates: [
        {
          id: `${id}u1`,
          status: incident.status,
          body: incident.body ?? incident.name,
          incident_id: id,
          created_at: startedIso,
          updated_at: startedIso,
          display_at: startedIso,
          affected_components: affected.map((c) => ({ code: c.id, name: c.name, old_status: 'operational', new_status: c.status })),
          deliver_notifications: true,
          custom_tweet: null,
          tweet_id: null,
        },
      ],
      components: affected,
    };
  });

  return {
    page: {
      id: PAGE_ID,
      name: 'Anthropic (simulated)',
      url: `${origin}/`,
      time_zone: 'Etc/UTC',
      updated_at: nowIso,
    },
    components,
    incidents,
    scheduled_maintenances: [],
    status: { indicator, description: spec?.description ?? DESCRIPTIONS[indicator] },
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page an incident's link opens: its name, status and update, marked simulated; null for no such incident. */
export function incidentPage(spec: StatusPageSpec | undefined, id: string): string | null {
  const index = /^siminc(\d+)$/.exec(id)?.[1];
  const incident = index === undefined ? undefined : spec?.incidents?.[Number(index) - 1];
  if (incident === undefined) return null;
  return [
    '<!doctype html><meta charset="utf-8"><title>Simulated incident</title>',
    '<p><strong>Simulated by the overload rehearsal</strong>: this incident is not on Anthropic\'s status page.</p>',
    `<h1>${escapeHtml(incident.name)}</h1>`,
    `<p>Status: ${escapeHtml(incident.status)}${incident.impact ? `, ${escapeHtml(incident.impact)} impact` : ''}</p>`,
    `<p>${escapeHtml(incident.body ?? incident.name)}</p>`,
  ].join('\n');
}
