// The batch lane's part of the escalation report: failed Batches API calls in the
// window with their request ids, and the batches still running or recently ended
// with the request id of their create call. Secret-free by construction (calls and
// records hold none) and redacted again on the way out.
import { redactSecrets } from '../redact';
import type { BatchApiCall, BatchRecord } from './batchTypes';

export function batchReportSection(calls: readonly BatchApiCall[], records: readonly BatchRecord[], windowMs: number, now: number): string {
  const since = now - windowMs;
  const failed = calls.filter((c) => !c.ok && c.time >= since).sort((a, b) => b.time - a.time);
  const batches = records.filter((r) => r.createdAt >= since || r.status !== 'ended');
  if (failed.length === 0 && batches.length === 0) return '';
  const lines = ['## Message Batches API', ''];
  if (failed.length > 0) {
    lines.push('| time (UTC) | call | batch | status | class | request id | message |', '|---|---|---|---|---|---|---|');
    for (const c of failed) {
      lines.push(
        `| ${new Date(c.time).toISOString()} | ${c.op} #${c.attempt} | ${c.batchId ?? ''} | ${c.status ?? 'none'} | ${c.errorClass ?? ''} | ${c.requestId ?? 'none'} | ${(c.message ?? c.errorType ?? '').replace(/\|/g, '\\|')} |`,
      );
    }
    lines.push('');
  } else {
    lines.push('No failed Batches API calls in this window.', '');
  }
  for (const r of batches) {
    const c = r.counts;
    lines.push(
      `- ${r.batchId ?? '(not submitted)'} — ${r.status}, ${r.total} requests (${c.succeeded} succeeded, ${c.errored} errored, ${c.expired} expired, ${c.canceled} canceled), create request id ${r.createRequestId ?? 'none'}${r.problem ? `; last problem: ${r.problem.message}` : ''}`,
    );
  }
  return redactSecrets(`${lines.join('\n')}\n`);
}
