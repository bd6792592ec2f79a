// Connection targets shown to people and logs: the password (and a user's secret) removed.

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '<invalid url>';
  }
}
