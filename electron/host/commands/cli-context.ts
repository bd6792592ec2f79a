// What every CLI command gets: the I/O, the global options, a core opened for the command's
// duration, a contract call that throws FlowscopeError, and printing in human or JSON form.
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/contract';
import { FlowscopeError } from '../../../shared/errors';
import { planClient } from '../../core/connection/client-options';
import type { Core } from '../../core/create-core';
import { defaultDataDir } from '../../core/data-dir';
import { stderrLogger, type Logger } from '../../core/log/logger';

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
  prefix: string;
  json: boolean;
  dataDir?: string;
  readOnly?: boolean;
}

export interface CliContext {
  io: CliIo;
  globals(): GlobalOptions;
  /**
   * Opens a core on --redis / $REDIS_URL (else redis://127.0.0.1:6379, or the sandbox when it
   * serves a UI), runs fn, always closes it.
   */
  withCore<T>(fn: (core: Core) => Promise<T>, serving?: boolean): Promise<T>;
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
export function commandLogger(io: Pick<CliIo, 'err'>): Logger {
  const write = (level: 'warn' | 'error', message: string, fields?: Record<string, unknown>) => {
    if (CALL_OUTCOME_LINES.has(message)) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    io.err(`[flowscope] ${level}: ${message}${extra}\n`);
  };
  return { info: () => undefined, warn: (m, f) => write('warn', m, f), error: (m, f) => write('error', m, f) };
}

export function createCliContext(io: CliIo, globals: () => GlobalOptions): CliContext {
  let warned = false;
  return {
    io,
    globals,
    async withCore(fn, serving = false) {
      const g = globals();
      const redisUrl = g.redis ?? io.env.REDIS_URL ?? (serving ? undefined : 'redis://127.0.0.1:6379');
      const redisTlsCaFile = g.tlsCa ?? io.env.REDIS_TLS_CA;
      const redisSentinelPassword = g.sentinelPassword ?? io.env.REDIS_SENTINEL_PASSWORD;
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
        prefix: g.prefix,
        dataDir: g.dataDir ?? defaultDataDir(io.env),
        readOnly: g.readOnly,
        // Serving, the log is the host's record of its clients' calls; a command reports its one call itself.
        log: serving ? stderrLogger('warn') : commandLogger(io),
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
    jobKey: (queue, jobId) => `${globals().prefix}:${queue}:${jobId}`,
  };
}
