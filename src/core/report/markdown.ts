// Small helpers that keep arbitrary text from breaking (or injecting into) Markdown output.

/** Text safe inside one Markdown table cell: one line, pipes and HTML neutralised. */
export function tableCell(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, "'")
    .trim();
}

/** An identifier shown as code: backticks cannot be escaped inside code spans, so they go. */
export function codeCell(text: string | null | undefined): string {
  if (text === null || text === undefined || text === '') return '—';
  // Inside a code span only the table's pipe needs escaping; everything else shows literally.
  const inline = text.replace(/[\r\n\t]+/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|').trim();
  return `\`${inline}\``;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** 2026-11-22 05:34:17 UTC */
export function utcTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${((part / whole) * 100).toFixed(1)} %`;
}

export function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} min`;
  const hours = ms / 3_600_000;
  if (hours < 48) return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
  const days = ms / 86_400_000;
  return `${Number.isInteger(days) ? days : days.toFixed(1)} days`;
}
