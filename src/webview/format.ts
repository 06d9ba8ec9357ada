// Plain-text formatting for the diagnostics panel (no DOM; unit-tested).

export function formatPercent(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  const percent = rate * 100;
  if (percent === 0) return '0%';
  if (percent < 0.1) return '<0.1%';
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

/** "45 s", "3 min", "2 h 5 min", "3 d". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d`;
}

export function formatAgo(time: number, now: number): string {
  return now - time < 1000 ? 'just now' : `${formatDuration(now - time)} ago`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local time "HH:MM:SS", with the date "YYYY-MM-DD HH:MM:SS" when not `today`. */
export function formatClock(time: number, now: number): string {
  const d = new Date(time);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const n = new Date(now);
  const sameDay = d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate();
  return sameDay ? clock : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock}`;
}

export function formatStatus(status: number | null): string {
  return status === null ? 'no status' : String(status);
}

/**
 * Countdown to an open breaker's next probe; once due, that the next request routed there probes
 * it, and when the breaker stops waiting for one (`closesAt`).
 */
export function formatProbe(nextProbeAt: number | null, now: number, closesAt: number | null = null): string {
  const until = closesAt !== null && closesAt > now ? `; closes in ${formatDuration(closesAt - now)} if no request comes` : '';
  if (nextProbeAt !== null && nextProbeAt > now) return `next probe in ${formatDuration(nextProbeAt - now)}`;
  if (nextProbeAt === null && closesAt === null) return '';
  return `probed by the next request routed here${until}`;
}
