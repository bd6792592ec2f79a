// The `flowscope` command line: the same core as the desktop app, for scripts and runbooks.
// Exit codes: 0 ok, 1 failure, 2 usage, 3 refused by a safety rule. With --json, stdout holds
// only the JSON answer; everything else goes to stderr.
import { Command, CommanderError, Option } from 'commander';
import { FlowscopeError } from '../../shared/errors';
import { APP_VERSION } from '../core/version';
import { parsePrefix, parseRedisUrl } from './cli-options';
import { addActionCommands } from './commands/action-commands';
import { createCliContext, type CliIo, type GlobalOptions } from './commands/cli-context';
import { addReadCommands } from './commands/read-commands';
import { addServeCommands } from './commands/serve-commands';

export type { CliIo } from './commands/cli-context';

export const EXIT = { ok: 0, failure: 1, usage: 2, refused: 3 } as const;

function exitCodeFor(error: FlowscopeError): number {
  if (error.code === 'READ_ONLY' || error.code === 'REFUSED') return EXIT.refused;
  if (error.code === 'BAD_REQUEST' || error.code === 'UNKNOWN_METHOD') return EXIT.usage;
  return EXIT.failure;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command();

  program
    .name('flowscope')
    .description('See and repair BullMQ flow trees.')
    .version(APP_VERSION)
    .addOption(new Option('--redis <url>', 'Redis URL (redis://, rediss://, redis+cluster://h1:p1,h2:p2, redis+sentinel://h:26379/master; default: $REDIS_URL, else redis://127.0.0.1:6379; serve and demo start a sandbox)').argParser(parseRedisUrl))
    .addOption(new Option('--tls-ca <file>', 'CA certificate (PEM) for a rediss:// server with a self-signed certificate (default: $REDIS_TLS_CA)'))
    .addOption(new Option('--sentinel-password <password>', 'password of the Sentinels of a redis+sentinel:// URL (default: $REDIS_SENTINEL_PASSWORD)'))
    .addOption(new Option('--prefix <prefix>', 'BullMQ key prefix (default: $FLOWSCOPE_PREFIX, else bull)').argParser(parsePrefix))
    .option('--json', 'machine output on stdout', false)
    .option('--read-only', 'refuse every action that changes Redis')
    .option('--data-dir <dir>', 'where the sandbox, the audit log and logs/ live (default: $FLOWSCOPE_DATA_DIR or the user data folder)')
    .addOption(new Option('--log-level <level>', 'least severe log lines shown (default: $FLOWSCOPE_LOG_LEVEL, else info for serve/demo, warn otherwise)').choices(['info', 'warn', 'error']))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run flowscope --help for usage)');

  const cli = createCliContext(io, () => program.opts<GlobalOptions>());
  addReadCommands(program, cli);
  addActionCommands(program, cli);
  addServeCommands(program, cli);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version end with exit code 0; everything else commander raises is a usage error.
      exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else if (err instanceof FlowscopeError) {
      io.err(`error: ${err.message}\n`);
      exitCode = exitCodeFor(err);
    } else {
      io.err(`error: ${(err as Error).message ?? String(err)}\n`);
      exitCode = EXIT.failure;
    }
  }
  return exitCode;
}

/**
 * Writes to a process stream until its reader goes away (`flowscope … | head -c 300` closes the
 * pipe: EPIPE): from then on output is dropped quietly instead of ending in an unhandled
 * 'error' event and a stack trace. The command still finishes and exits with its own code.
 */
export function quietWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    open = false;
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED' && stream !== process.stderr) {
      process.stderr.write(`flowscope: cannot write output: ${err.message}\n`);
    }
  });
  return (text) => {
    if (open && !stream.destroyed) stream.write(text);
  };
}

/** Real process I/O for the installed command. */
export function processIo(): CliIo {
  const out = quietWriter(process.stdout);
  const err = quietWriter(process.stderr);
  return {
    out,
    err,
    env: process.env,
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}
