// The escalation report: one Markdown document with a time window's per-model rates, breaker
// states, failures with their request ids, and versions — what Anthropic support needs to
// investigate, and never a secret (every line passes the redaction pass).
import { addCounts, emptyCounts, isHedgeLoss } from '../history/attemptOutcome';
import type { MutableCounts } from '../history/attemptOutcome';
import type { FailureRecord, History } from '../history/historyTypes';
import { redactSecrets } from '../redact';
import type { BreakerSnapshot } from '../types';
import { codeCell, duration, percent, table, tableCell, utcTime } from './markdown';

/** What the report reads from the history. */
export type EscalationHistory = Pick<History, 'bucketMs' | 'buckets' | 'failures' | 'simulated'>;

export interface EscalationVersions {
  readonly extension: string;
  readonly sdk: string;
  readonly vscode?: string;
  readonly os?: string;
}

export interface EscalationReportInput {
  readonly history: EscalationHistory;
  /** The report covers [now - windowMs, now], its start rounded down to a bucket boundary. */
  readonly windowMs: number;
  readonly now: number;
  readonly versions: EscalationVersions;
  readonly breakers?: readonly BreakerSnapshot[];
  /** The Anthropic status page's current incident: text, null for "none", omitted if not checked. */
  readonly statusIncident?: string | null;
  /** Most failures listed (most recent first). Default 200. */
  readonly maxFailures?: number;
  /** Values to scrub wherever they appear (e.g. the configured API key), on top of the shape-based pass. */
  readonly knownSecrets?: readonly string[];
}

export const DEFAULT_REPORT_FAILURES = 200;

function summarySection(totalsByModel: ReadonlyMap<string, MutableCounts>): string {
  if (totalsByModel.size === 0) return 'No attempts were recorded in this window.';
  const header = ['Model', 'Attempts', 'Successes', '529', '529 rate', '429', '5xx', 'Other'];
  const row = (name: string, c: MutableCounts): string[] => [
    name,
    String(c.attempts),
    String(c.successes),
    String(c.overloaded529),
    percent(c.overloaded529, c.attempts),
    String(c.rateLimited429),
    String(c.server5xx),
    String(c.other),
  ];
  const rows: string[][] = [];
  const all = emptyCounts();
  for (const [model, counts] of totalsByModel) {
    rows.push(row(codeCell(model), counts));
    addCounts(all, counts);
  }
  if (totalsByModel.size > 1) rows.push(row('**All models**', all));
  return table(header, rows);
}

function breakerSection(breakers: readonly BreakerSnapshot[] | undefined): string {
  if (breakers === undefined) return 'Breaker states were not included.';
  if (breakers.length === 0) return 'No circuit breakers are tracked yet.';
  const rows = [...breakers]
    .sort((a, b) => `${a.provider}:${a.model}`.localeCompare(`${b.provider}:${b.model}`))
    .map((b) => [
      codeCell(`${b.provider}:${b.model}`),
      b.state.replace('_', '-'),
      // A route never used has no transition to date (its breaker was never created).
      b.since > 0 ? utcTime(b.since) : 'not used yet',
      b.nextProbeAt === null ? '—' : utcTime(b.nextProbeAt),
      String(b.consecutiveFailures),
    ]);
  return table(['Route', 'State', 'Since', 'Next probe', 'Consecutive failures'], rows);
}

function failureSection(
  listed: readonly FailureRecord[],
  inLog: number,
  failedAttempts: number,
  logCapacityNote: boolean,
): string {
  if (failedAttempts === 0 && inLog === 0) return 'No failed attempts in this window.';
  const parts: string[] = [];
  if (listed.length > 0) {
    const rows = listed.map((f) => [
      utcTime(f.time),
      f.client === null ? '—' : tableCell(f.client),
      codeCell(f.model),
      f.provider,
      String(f.attempt),
      f.status === null ? '—' : String(f.status),
      f.errorClass,
      codeCell(f.errorType),
      codeCell(f.requestId),
      codeCell(f.clientRequestId),
      f.message === null ? '' : tableCell(f.message),
    ]);
    parts.push(
      table(
        ['Time', 'Client', 'Model', 'Provider', 'Attempt', 'Status', 'Class', 'Error type', 'request_id', 'Client request id', 'Message'],
        rows,
      ),
    );
  }
  const requestIds = listed.flatMap((f) => (f.requestId === null ? [] : [f.requestId.replace(/[\s`]+/g, '')]));
  if (requestIds.length > 0) {
    parts.push(['Server `request_id`s of the failures listed above, one per line:', '', '```text', ...requestIds, '```'].join('\n'));
  }
  const omitted = inLog - listed.length;
  if (omitted > 0) {
    parts.push(`${omitted} older failure${omitted === 1 ? '' : 's'} in this window omitted (the ${listed.length} most recent are listed).`);
  }
  if (logCapacityNote) {
    const missing = failedAttempts - inLog;
    parts.push(
      `${missing} further failed attempt${missing === 1 ? ' is' : 's are'} counted above but no longer in the failure log, which keeps only the most recent failures.`,
    );
  }
  return parts.join('\n\n');
}

function statusLine(statusIncident: string | null | undefined): string | undefined {
  if (statusIncident === undefined) return undefined;
  if (statusIncident === null || statusIncident.trim() === '') {
    return '**Anthropic status page:** no incident reported when this report was generated.';
  }
  return `**Anthropic status page:** ${tableCell(statusIncident)}`;
}

export function buildEscalationReport(input: EscalationReportInput): string {
  const { history, now, windowMs, versions } = input;
  if (!Number.isFinite(now)) throw new RangeError(`Escalation report needs a finite "now", got ${now}`);
  if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new RangeError(`Escalation report window must be a positive number of ms, got ${windowMs}`);
  }
  const maxFailures = input.maxFailures ?? DEFAULT_REPORT_FAILURES;
  const sinceMs = Math.floor((now - windowMs) / history.bucketMs) * history.bucketMs;

  const totalsByModel = new Map<string, MutableCounts>();
  for (const bucket of history.buckets({ sinceMs, untilMs: now })) {
    // Rounded to bucket boundaries, the window includes whole buckets from sinceMs on.
    if (bucket.start < sinceMs) continue;
    let totals = totalsByModel.get(bucket.model);
    if (totals === undefined) {
      totals = emptyCounts();
      totalsByModel.set(bucket.model, totals);
    }
    addCounts(totals, bucket);
  }
  let failedAttempts = 0;
  for (const c of totalsByModel.values()) failedAttempts += c.attempts - c.successes;

  // A hedge loser aborted by us is no failure (and is not in the counts above).
  const inWindow = history.failures({ sinceMs, untilMs: now }).filter((f) => !isHedgeLoss(f));
  const listed = inWindow.slice(0, Math.max(0, maxFailures));

  const lines: string[] = [];
  if (history.simulated !== undefined) {
    lines.push(
      `> **SIMULATED DATA — not for Anthropic support.** Every request in this report went to the local simulator ` +
        `(${tableCell(history.simulated)}), not to Anthropic; its request ids mean nothing to support.`,
      '',
    );
  }
  lines.push(
    `# Resilient Claude escalation report: ${utcTime(sinceMs)} to ${utcTime(now)}`,
    '',
    `**Window:** ${utcTime(sinceMs)} → ${utcTime(now)} (${duration(now - sinceMs)})`,
    '',
    `**Generated:** ${utcTime(now)}`,
  );
  const status = statusLine(input.statusIncident);
  if (status !== undefined) lines.push('', status);
  lines.push(
    '',
    '## Attempts per model',
    '',
    '529 = HTTP 529 or a mid-stream `overloaded_error`. Counts are per attempt (retries and fallbacks included).',
    '',
    summarySection(totalsByModel),
    '',
    '## Circuit breakers',
    '',
    breakerSection(input.breakers),
    '',
    '## Failed attempts (most recent first)',
    '',
    failureSection(listed, inWindow.length, failedAttempts, failedAttempts > inWindow.length),
    '',
    '## Versions',
    '',
    `- Resilient Claude: ${tableCell(versions.extension)}`,
    `- Anthropic SDK: ${tableCell(versions.sdk)}`,
  );
  if (versions.vscode !== undefined) lines.push(`- VS Code: ${tableCell(versions.vscode)}`);
  if (versions.os !== undefined) lines.push(`- OS: ${tableCell(versions.os)}`);
  if (history.simulated !== undefined) {
    lines.push(
      '',
      '## What to send to support',
      '',
      'Nothing: this report comes from a rehearsal against the local simulator. Stop the rehearsal and copy the report ' +
        'again for real traffic; that one is what Anthropic support can use.',
      '',
    );
  } else {
    lines.push(
      '',
      '## What to send to support',
      '',
      'Send this whole report to Anthropic support: the `request_id` values above let them find each failed ' +
        'request on their side, and the window and rates show the scale. It contains no API keys and no prompt or answer text.',
      '',
    );
  }
  // Defence in depth: whatever reached the text, nothing that looks like a credential leaves.
  return redactSecrets(lines.join('\n'), input.knownSecrets);
}
