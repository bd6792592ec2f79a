// The core's logger: shells decide where lines go (stderr, and a rotating file in the data
// folder: log-file.ts). Lines never contain passwords: callers pass targets through
// redactRedisUrl first, and every line is redacted again on its way out (redactSecrets).
import { SETTINGS } from '../config';
import { redactRedisUrl } from '../../../shared/redis-url';
import type { LogFile } from './log-file';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'info' | 'warn' | 'error';
type Level = LogLevel;
export const LOG_LEVELS: readonly LogLevel[] = ['info', 'warn', 'error'];

/** The environment variable that sets the level (a `--log-level` flag wins over it). */
export const LOG_LEVEL_ENV = SETTINGS.logLevel.env;

/**
 * The level asked for by `--log-level <level>` / `--log-level=<level>` in argv, else by
 * $FLOWSCOPE_LOG_LEVEL, else `fallback`; `problem` says what was not a level (and was ignored).
 */
export function logLevelFrom(env: NodeJS.ProcessEnv, argv: readonly string[], fallback: LogLevel): { level: LogLevel; problem?: string } {
  let asked: string | undefined;
  let from = '';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--log-level' && i + 1 < argv.length) {
      asked = argv[i + 1];
      from = '--log-level';
    } else if (arg.startsWith('--log-level=')) {
      asked = arg.slice('--log-level='.length);
      from = '--log-level';
    }
  }
  if (asked === undefined && env[LOG_LEVEL_ENV] !== undefined && env[LOG_LEVEL_ENV] !== '') {
    asked = env[LOG_LEVEL_ENV];
    from = LOG_LEVEL_ENV;
  }
  if (asked === undefined) return { level: fallback };
  const level = asked.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return { level: level as LogLevel };
  return { level: fallback, problem: `${from} "${clip(asked, 40)}" is not a level (${LOG_LEVELS.join(', ')}); using ${fallback}` };
}

// A URL with a scheme, up to what ends it in a log line (space, quote, bracket).
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*):\/\/[^\s"'<>`]+/gi;

function maskCredentials(url: string): string {
  return url.replace(/^([^:]+:\/\/[^/@:]*):[^@/]*@/, '$1:***@').replace(/([?&](?:password|pass|pwd|token)=)[^&#]*/gi, '$1***');
}

/** `text` with every password in a URL replaced by *** (Redis URLs by shared/redis-url.ts, others by their user:password@ part). */
export function redactSecrets(text: string): string {
  return text.replace(URL_IN_TEXT, (url, scheme: string) => {
    if (/^rediss?(\+cluster|\+sentinel)?$/i.test(scheme)) {
      const redacted = redactRedisUrl(url);
      if (redacted !== '<invalid url>') return redacted;
    }
    return maskCredentials(url);
  });
}

/** What is logged of a text that came from outside (a method name, a path, a parse error). */
export const CLIP_CHARS = 300;

/** `text` cut to `max` characters, saying how long it was; for anything a client sent. */
export function clip(text: unknown, max = CLIP_CHARS): string {
  const s = typeof text === 'string' ? text : String(text);
  if (s.length <= max) return s;
  // A copy, not a slice: V8 keeps a slice's whole parent alive, so a clipped 2 MB field kept in
  // a log buffer or an answer would keep its 2 MB (utf16le round trip: surrogates stay as they are).
  const cut = Buffer.from(s.slice(0, max), 'utf16le').toString('utf16le');
  return `${cut}… (${s.length} chars)`;
}

/** A stderr line is never longer than this, whatever a caller passed in its fields. */
const MAX_LINE = 4096;
const ORDER: Record<Level, number> = { info: 0, warn: 1, error: 2 };

function fieldsText(fields: Record<string, unknown> | undefined): string {
  if (!fields || Object.keys(fields).length === 0) return '';
  try {
    return ` ${JSON.stringify(fields, (_key, value: unknown) => (value instanceof Error ? { message: value.message, stack: value.stack } : value))}`;
  } catch {
    return ' {"fields":"(not serialisable)"}';
  }
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Lines to stderr (stdout stays free for CLI output); on by default. */
  stderr?: boolean;
  /** The same lines, with a timestamp, to a log file. */
  file?: LogFile;
  /** The clock for the file's timestamps (tests). */
  now?: () => Date;
}

/** A logger writing one redacted line per entry to stderr and, when given, to a log file. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const minLevel = options.level ?? 'info';
  const toStderr = options.stderr ?? true;
  const now = options.now ?? (() => new Date());
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    const text = clip(redactSecrets(`${level}: ${message}${fieldsText(fields)}`), MAX_LINE);
    if (toStderr) process.stderr.write(`[flowscope] ${text}\n`);
    options.file?.write(`${now().toISOString()} ${text}\n`);
  };
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/**
 * A logger that writes one line per entry to stderr (stdout stays free for CLI output), from
 * `minLevel` up, or from the level $FLOWSCOPE_LOG_LEVEL names when it is set (the web host and
 * `flowscope serve` take their level from it).
 */
export function stderrLogger(minLevel: Level = 'info', env: NodeJS.ProcessEnv = process.env): Logger {
  return createLogger({ level: logLevelFrom(env, [], minLevel).level });
}

// A test seam: exported for the tests, which read what the core logged (no shell uses it).
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
