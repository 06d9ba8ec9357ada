// Turns the API's results file into the lane's entries (matched to requests by
// custom_id, since the file is in no particular order) and writes the read-only
// documents the user opens: one summary, and one per request.
import type { MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import type { BatchRecord, BatchResultEntry, BatchResultType } from './batchTypes';

export function toResultEntries(record: BatchRecord, lines: readonly MessageBatchIndividualResponse[]): BatchResultEntry[] {
  const byId = new Map(lines.map((line) => [line.custom_id, line]));
  const known = new Set(record.requests.map((r) => r.customId));
  const entries = record.requests.map((request): BatchResultEntry => {
    const line = byId.get(request.customId);
    const base = { customId: request.customId, label: request.label };
    if (!line) return { ...base, type: 'errored', errorType: 'missing_result', errorMessage: 'The results file has no line for this request.' };
    const result = line.result;
    switch (result.type) {
      case 'succeeded': {
        const message = result.message;
        const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
        return {
          ...base,
          type: 'succeeded',
          text,
          messageId: message.id,
          model: message.model,
          stopReason: message.stop_reason,
          inputTokens: message.usage.input_tokens,
          outputTokens: message.usage.output_tokens,
        };
      }
      case 'errored':
        return { ...base, type: 'errored', errorType: result.error.error.type, errorMessage: result.error.error.message, requestId: result.error.request_id };
      case 'canceled':
      case 'expired':
        return { ...base, type: result.type };
    }
  });
  // Lines for requests this record does not know (should not happen) are still shown.
  for (const line of lines) {
    if (!known.has(line.custom_id)) entries.push({ customId: line.custom_id, label: line.custom_id, type: line.result.type, ...(line.result.type === 'errored' ? { errorType: line.result.error.error.type, errorMessage: line.result.error.error.message, requestId: line.result.error.request_id } : {}) });
  }
  return entries;
}

const ORDER: readonly BatchResultType[] = ['succeeded', 'errored', 'expired', 'canceled'];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

/** The summary document: the batch, then every request grouped by outcome — the answers with their token counts, request ids and error messages. */
export function summaryMarkdown(record: BatchRecord, entries: readonly BatchResultEntry[]): string {
  const lines: string[] = [`# Batch: ${record.title}`, ''];
  lines.push(`- Batch id: \`${record.batchId ?? '(not submitted)'}\``);
  lines.push(`- Model: ${record.model}`);
  lines.push(`- Status: ${record.status}${record.endedAt ? `, ended ${record.endedAt}` : ''}`);
  lines.push(`- Create call request id: \`${record.createRequestId ?? 'none'}\``);
  const c = record.counts;
  lines.push(`- Requests: ${record.total} — ${c.succeeded} succeeded, ${c.errored} errored, ${c.expired} expired, ${c.canceled} canceled`);
  lines.push('');
  for (const type of ORDER) {
    const group = entries.filter((e) => e.type === type);
    if (group.length === 0) continue;
    lines.push(`## ${type[0]!.toUpperCase()}${type.slice(1)} (${group.length})`, '');
    if (type === 'succeeded') {
      lines.push('| request | custom_id | message id | stop | tokens in/out |', '|---|---|---|---|---|');
      for (const e of group) {
        lines.push(`| ${cell(e.label)} | \`${e.customId}\` | \`${e.messageId ?? ''}\` | ${e.stopReason ?? ''} | ${e.inputTokens ?? 0}/${e.outputTokens ?? 0} |`);
      }
      // The answers themselves, each under the question or file it answers.
      for (const e of group) lines.push('', `### ${heading(e.label)}`, '', (e.text ?? '').trim() || '*(no text in this answer)*');
    } else if (type === 'errored') {
      lines.push('| request | custom_id | error | request id |', '|---|---|---|---|');
      for (const e of group) {
        lines.push(`| ${cell(e.label)} | \`${e.customId}\` | ${cell(`${e.errorType ?? ''}: ${e.errorMessage ?? ''}`)} | \`${e.requestId ?? 'none'}\` |`);
      }
    } else {
      for (const e of group) lines.push(`- ${e.label} (\`${e.customId}\`)`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** A label as one heading line. */
function heading(label: string): string {
  return label.replace(/\s+/g, ' ').trim() || 'Request';
}

/** One request's document: its answer, or why there is none, titled by its question or file. */
export function resultMarkdown(record: BatchRecord, entry: BatchResultEntry): string {
  const head = [`# ${heading(entry.label)}`, '', `Batch \`${record.batchId ?? ''}\`, request \`${entry.customId}\`: **${entry.type}**`, ''];
  if (entry.type === 'succeeded') return [...head, entry.text ?? '', ''].join('\n');
  if (entry.type === 'errored') return [...head, `${entry.errorType ?? 'error'}: ${entry.errorMessage ?? ''}`, '', `Request id: \`${entry.requestId ?? 'none'}\``, ''].join('\n');
  return [...head, entry.type === 'expired' ? 'The batch ended (24 hours) before this request was processed.' : 'The batch was canceled before this request was processed.', ''].join('\n');
}
