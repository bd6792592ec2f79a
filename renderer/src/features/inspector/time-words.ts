// Timestamps as the person's local time, and the gaps between them as short durations.
/** Local time; the date only when it is not today (a time of today fits one line). */
export function localTime(ms: number | null | undefined, now = Date.now()): string {
  if (!ms) return '—';
  const date = new Date(ms);
  const today = date.toDateString() === new Date(now).toDateString();
  return date.toLocaleString(undefined, {
    ...(today ? {} : { year: 'numeric', month: 'short', day: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
  });
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "3 min ago" for lists, where an exact time would be noise. */
export function timeAgo(ms: number | null | undefined, now = Date.now()): string {
  if (!ms) return '';
  const gap = now - ms;
  if (gap < 0) return 'in the future';
  if (gap < 5_000) return 'just now';
  return `${duration(gap).replace(/\.\d+ s$/, ' s')} ago`;
}
