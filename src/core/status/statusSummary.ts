// Parses a statuspage.io v2 summary (`/api/v2/summary.json`, as status.claude.com serves it)
// into the few facts the diagnostics panel shows: the overall indicator and the open incidents.

import type { StatusIncident, StatusIndicator } from '../../shared/vocabulary';
import { isRecord } from '../../shared/isRecord';
import { parseHttpUrl } from '../../shared/httpUrl';

export type { StatusIncident, StatusIndicator };

export interface StatusSummary {
  readonly indicator: StatusIndicator;
  readonly description: string;
  /** Open incidents only (resolved and post-mortem ones are dropped), newest update first. */
  readonly incidents: readonly StatusIncident[];
}

export class StatusPageError extends Error {
  override readonly name = 'StatusPageError';
}

const INDICATORS: readonly StatusIndicator[] = ['none', 'minor', 'major', 'critical', 'maintenance'];
const CLOSED_STATUSES = new Set(['resolved', 'postmortem', 'completed']);
const MAX_INCIDENTS = 10;
const MAX_TEXT = 300;

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new StatusPageError(`status page summary: ${field} is not a string`);
  return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT - 1)}…` : value;
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_TEXT) : null;
}

function httpUrl(value: unknown): string | null {
  return parseHttpUrl(value)?.toString() ?? null;
}

/** Throws `StatusPageError` naming the first field that does not fit the v2 summary format. */
export function parseStatusSummary(json: unknown): StatusSummary {
  if (!isRecord(json)) throw new StatusPageError('status page summary: not a JSON object');
  const status = json.status;
  if (!isRecord(status)) throw new StatusPageError('status page summary: status is missing');
  const indicator = status.indicator;
  if (typeof indicator !== 'string' || !(INDICATORS as readonly string[]).includes(indicator)) {
    throw new StatusPageError(`status page summary: status.indicator must be one of ${INDICATORS.join(', ')}`);
  }
  const description = text(status.description ?? '', 'status.description');
  const rawIncidents = json.incidents ?? [];
  if (!Array.isArray(rawIncidents)) throw new StatusPageError('status page summary: incidents is not an array');
  const incidents: StatusIncident[] = [];
  rawIncidents.forEach((raw: unknown, index) => {
    if (!isRecord(raw)) throw new StatusPageError(`status page summary: incidents[${index}] is not an object`);
    const incidentStatus = text(raw.status, `incidents[${index}].status`);
    if (CLOSED_STATUSES.has(incidentStatus)) return;
    incidents.push({
      name: text(raw.name, `incidents[${index}].name`),
      status: incidentStatus,
      impact: optionalText(raw.impact) ?? 'none',
      url: httpUrl(raw.shortlink),
      updatedAt: optionalText(raw.updated_at),
    });
  });
  incidents.sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''));
  return { indicator: indicator as StatusIndicator, description, incidents: incidents.slice(0, MAX_INCIDENTS) };
}

export interface FetchStatusOptions {
  readonly fetch?: typeof globalThis.fetch;
  readonly signal?: AbortSignal;
  /** Default 10 s. */
  readonly timeoutMs?: number;
}

/** GETs and parses the summary. Rejects with `StatusPageError` on HTTP errors, timeouts and bad JSON. */
export async function fetchStatusSummary(url: string, options: FetchStatusOptions = {}): Promise<StatusSummary> {
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw new StatusPageError(`status page URL is not a URL: ${url}`);
  }
  if (parsedUrl.protocol !== 'https:' && parsedUrl.protocol !== 'http:') {
    throw new StatusPageError(`status page URL must be http(s): ${url}`);
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetchImpl(parsedUrl, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    const reason = timeout.aborted ? 'timed out' : error instanceof Error ? error.message : String(error);
    throw new StatusPageError(`status page unreachable (${parsedUrl.host}): ${reason}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new StatusPageError(`status page answered HTTP ${response.status} (${parsedUrl.host})`);
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new StatusPageError(`status page did not answer JSON (${parsedUrl.host})`);
  }
  return parseStatusSummary(json);
}
