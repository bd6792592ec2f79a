// What every CLI command gets: the I/O, the global options, a core opened for the command's
// duration, a contract call that throws FlowscopeError, and printing in human or JSON form.
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract';
import { FlowscopeError } from '../../../shared/errors';
import { planClient } from '../../core/connection/client-options';
import type { Core } from '../../core/create-core';
import { connectionConfigFrom } from '../../core/config';
import { defaultDataDir } from '../../core/data-dir';
import { logFilePath, openLogFile } from '../../core/log/log-file';
import { createLogger, logLevelFrom, type Logger, type LogLevel } from '../../core/log/logger';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running commands await it. */
  untilStopped(): Promise<void>;
}

export interface GlobalOptions {
  redis?: string;
  tlsCa?: string;
  sentinelPassword?: string;
  /** Unset: $FLOWSCOPE_PREFIX, else bull (core/config.ts). */
  prefix?: string;
  json: boolean;
  dataDir?: string;
  readOnly?: boolean;
  logLevel?: LogLevel;
}

export interface CliContext {
  io: CliIo;
  globals(): GlobalOptions;
  /**
   * Opens a core on --redis / $REDIS_URL (else redis://127.0.0.1:6379, or the sandbox when it
   * serves a UI), runs fn, always closes it.
   */
  withCore<T>(fn: (core: Core) => Promise<T>, serving?: boolean): Promise<T>;
  /** The log of `serve` / `demo` (host and core): stderr and logs/serve.log, at --log-level / $FLOWSCOPE_LOG_LEVEL (default info). */
  serveLogger(): Logger;
  call<M extends MethodName>(core: Core, method: M, args: MethodInput<M>): Promise<MethodOutput<M>>;
  print(value: unknown, human: () => string): void;
  /** The full job key of a queue and id under the current prefix. */
  jobKey(queue: string, jobId: string): string;
}

/** What dispatch logs about the outcome of a call: a one-shot command reports that itself. */
const CALL_OUTCOME_LINES = new Set(['call failed', 'refused call']);

/**
 * The core's log for a one-shot command: warnings and errors on stderr, except dispatch's own
 * line about the command's call failing, which the CLI already reports as `error: …` (printing
 * both showed every error twice, first as an internal JSON line).
 */
export function commandLogger(io: Pick<CliIo, 'err'>, level: LogLevel = 'warn'): Logger {
  const order: Record<LogLevel, number> = { info: 0, warn: 1, error: 2 };
  const write = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (order[at] < order[level] || CALL_OUTCOME_LINES.has(message)) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    io.err(`[flowscope] ${at}: ${message}${extra}\n`);
  };
  return { info: (m, f) => write('info', m, f), warn: (m, f) => write('warn', m, f), error: (m, f) => write('error', m, f) };
}

export function createCliContext(io: CliIo, globals: () => GlobalOptions): CliContext {
  let warned = false;
  let hostLog: Logger | undefined;
  const dataDir = () => globals().dataDir ?? defaultDataDir(io.env);
  const settings = () => connectionConfigFrom(io.env, globals());
  // One log for the web host and its core: stderr and logs/serve.log in the data folder.
  const serveLogger = (): Logger =>
    (hostLog ??= createLogger({
      level: globals().logLevel ?? logLevelFrom(io.env, [], 'info').level,
      file: openLogFile({ path: logFilePath(dataDir(), 'serve') }),
    }));
  return {
    io,
    globals,
    serveLogger,
    async withCore(fn, serving = false) {
      const g = globals();
      const config = settings();
      const redisUrl = config.redisUrl ?? (serving ? undefined : 'redis://127.0.0.1:6379');
      const { redisTlsCaFile, redisSentinelPassword } = config;
      if (g.prefix === undefined && /\s/.test(config.prefix)) {
        throw new FlowscopeError('BAD_REQUEST', `$FLOWSCOPE_PREFIX must be a prefix without spaces, not "${config.prefix}"`);
      }
      // Settings that cannot work together (a CA file without TLS, an unreadable CA file, a bad
      // $REDIS_URL) are a usage error before anything connects.
      if (redisUrl) planClient({ url: redisUrl, tlsCaFile: redisTlsCaFile, sentinelPassword: redisSentinelPassword });
      else if (redisTlsCaFile || redisSentinelPassword) throw new FlowscopeError('BAD_REQUEST', '--tls-ca and --sentinel-password need --redis URL (or $REDIS_URL)');
      // The core (Redis client, contract, handlers) loads only when a command runs, never for --help.
      const { createCore } = await import('../../core/create-core');
      const core = await createCore({
        shell: serving ? 'web' : 'cli',
        redisUrl,
        redisTlsCaFile,
        redisSentinelPassword,
        prefix: config.prefix,
        dataDir: dataDir(),
        readOnly: g.readOnly,
        // Serving, the log is the host's record of its clients' calls; a command reports its one call itself.
        log: serving ? serveLogger() : commandLogger(io, g.logLevel ?? logLevelFrom(io.env, [], 'warn').level),
      });
      try {
        return await fn(core);
      } finally {
        await core.close();
      }
    },
    async call(core, method, args) {
      await core.ready;
      const status = core.status();
      if (status.state === 'error') {
        throw new FlowscopeError(status.code === 'NO_REDIS_BINARY' ? 'NO_REDIS_BINARY' : 'REDIS_UNAVAILABLE', status.message ?? 'Redis is not reachable');
      }
      if (status.warning && !warned) {
        warned = true;
        io.err(`warning: ${status.warning}\n`);
      }
      const result = await core.dispatch(method, args);
      if (!result.ok) throw FlowscopeError.fromPayload(result.error);
      return result.result as MethodOutput<typeof method>;
    },
    print(value, human) {
      io.out(globals().json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    jobKey: (queue, jobId) => `${settings().prefix}:${queue}:${jobId}`,
  };
}
