// The core's logger: shells decide where lines go. Lines never contain passwords: callers
// pass targets through redactUrl first.

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

type Level = 'info' | 'warn' | 'error';

/** What is logged of a text that came from outside (a method name, a path, a parse error). */
export const CLIP_CHARS = 300;

/** `text` cut to `max` characters, saying how long it was; for anything a client sent. */
export function clip(text: unknown, max = CLIP_CHARS): string {
  const s = typeof text === 'string' ? text : String(text);
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} chars)`;
}

/** A stderr line is never longer than this, whatever a caller passed in its fields. */
const MAX_LINE = 4096;
const ORDER: Record<Level, number> = { info: 0, warn: 1, error: 2 };

/** A logger that writes one line per entry to stderr (stdout stays free for CLI output). */
export function stderrLogger(minLevel: Level = 'info'): Logger {
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    process.stderr.write(`${clip(`[flowscope] ${level}: ${message}${extra}`, MAX_LINE)}\n`);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A logger that keeps entries in memory: used by tests to assert what was logged. */
export function memoryLogger(): Logger & { entries: { level: Level; message: string; fields?: Record<string, unknown> }[] } {
  const entries: { level: Level; message: string; fields?: Record<string, unknown> }[] = [];
  return {
    entries,
    info: (message, fields) => entries.push({ level: 'info', message, fields }),
    warn: (message, fields) => entries.push({ level: 'warn', message, fields }),
    error: (message, fields) => entries.push({ level: 'error', message, fields }),
  };
}
