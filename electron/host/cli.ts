// The `flowscope` command line: the same core as the desktop app, for scripts and runbooks.
// Exit codes: 0 ok, 1 failure, 2 usage, 3 refused by a safety rule. With --json, stdout holds
// only the JSON answer; everything else goes to stderr.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import { FlowscopeError } from '../../shared/errors';
import { createCore, type Core } from '../core/create-core';
import { defaultDataDir } from '../core/data-dir';
import { stderrLogger } from '../core/log/logger';
import { APP_VERSION } from '../core/version';
import { formatFlows, formatQueues } from './format-output';
import { JOB_STATES, type FlowFilterState } from '../../shared/domain';
import { formatTree } from './format-tree';
import { rendererDir } from './renderer-dir';
import { startWebHost } from './web-host';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); long-running commands await it. */
  untilStopped(): Promise<void>;
}

interface GlobalOptions {
  redis?: string;
  prefix: string;
  json: boolean;
  dataDir?: string;
  readOnly?: boolean;
}

export const EXIT = { ok: 0, failure: 1, usage: 2, refused: 3 } as const;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be an integer from 0 to 65535');
  return port;
}

function intOption(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

function parseRedisUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be a URL such as redis://127.0.0.1:6379');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new InvalidArgumentError('must start with redis:// or rediss://');
  return value;
}

function parsePrefix(value: string): string {
  if (value === '' || /\s/.test(value)) throw new InvalidArgumentError('must be a non-empty prefix without spaces');
  return value;
}

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
    .addOption(new Option('--redis <url>', 'Redis URL (default: $REDIS_URL, else redis://127.0.0.1:6379; serve and demo start a sandbox)').argParser(parseRedisUrl))
    .addOption(new Option('--prefix <prefix>', 'BullMQ key prefix').default('bull').argParser(parsePrefix))
    .option('--json', 'machine output on stdout', false)
    .option('--read-only', 'refuse every action that changes Redis')
    .option('--data-dir <dir>', 'where the sandbox and the audit log live (default: $FLOWSCOPE_DATA_DIR or the user data folder)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run flowscope --help for usage)');

  const globals = () => program.opts<GlobalOptions>();

  /** Opens a core on the given Redis (or the default one; a sandbox when serving), runs fn, always closes it. */
  const withCore = async <T>(fn: (core: Core) => Promise<T>, serving = false): Promise<T> => {
    const g = globals();
    const redisUrl = g.redis ?? io.env.REDIS_URL ?? (serving ? undefined : 'redis://127.0.0.1:6379');
    const core = await createCore({
      shell: serving ? 'web' : 'cli',
      redisUrl,
      prefix: g.prefix,
      dataDir: g.dataDir ?? defaultDataDir(io.env),
      readOnly: g.readOnly,
      log: stderrLogger('warn'),
    });
    try {
      return await fn(core);
    } finally {
      await core.close();
    }
  };

  const call = async <M extends MethodName>(core: Core, method: M, args: MethodInput<M>): Promise<MethodOutput<M>> => {
    await core.ready;
    const status = core.status();
    if (status.state === 'error') throw new FlowscopeError(status.code === 'NO_REDIS_BINARY' ? 'NO_REDIS_BINARY' : 'REDIS_UNAVAILABLE', status.message ?? 'Redis is not reachable');
    const result = await core.dispatch(method, args);
    if (!result.ok) throw FlowscopeError.fromPayload(result.error);
    return result.result as MethodOutput<M>;
  };

  const print = (value: unknown, human: () => string) => {
    io.out(globals().json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
  };

  program
    .command('queues')
    .description('queues under the prefix with counts per state')
    .action(async () => {
      const queues = await withCore((core) => call(core, 'listQueues', {}));
      print(queues, () => formatQueues(queues));
    });

  program
    .command('flows')
    .description('flow roots and parents waiting for children, newest first')
    .option('--queue <queue>', 'only flows whose root or parent is in this queue')
    .addOption(new Option('--state <state>', 'a job state, or stuck / has-failed-children').choices([...JOB_STATES, 'stuck', 'has-failed-children']))
    .option('--name <text>', 'only jobs whose name contains this text')
    .option('--search <jobId>', 'find a job by id (in every queue unless --queue)')
    .addOption(new Option('--limit <n>', 'how many to list').default(50).argParser(intOption(1, 500)))
    .action(async (opts: { queue?: string; state?: FlowFilterState; name?: string; search?: string; limit: number }) => {
      const list = await withCore((core) => call(core, 'listFlows', opts));
      print(list, () => formatFlows(list));
    });

  program
    .command('tree')
    .description('the subtree of a job, with every node\'s state, bucket and policy')
    .argument('<queue>', 'queue of the job')
    .argument('<jobId>', 'job id')
    .addOption(new Option('--depth <n>', 'levels below the job to load').default(10).argParser(intOption(0, 1000)))
    .addOption(new Option('--page-size <n>', 'children shown per bucket of each parent').default(200).argParser(intOption(1, 10_000)))
    .action(async (queue: string, jobId: string, opts: { depth: number; pageSize: number }) => {
      const tree = await withCore((core) => call(core, 'getFlowTree', { queue, jobId, depth: opts.depth, pageSize: opts.pageSize }));
      print(tree, () => formatTree(tree));
    });

  program
    .command('serve')
    .description('the local web host: the Flowscope UI on 127.0.0.1; prints its URL')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .addOption(new Option('--port <port>', 'port (0 picks a free one)').default(0).argParser(parsePort))
    .option('--token <token>', 'access token (default: a new random one)')
    .action(async (opts: { host: string; port: number; token?: string }) => {
      await withCore(async (core) => {
        const log = stderrLogger('info');
        const host = await startWebHost({ core, staticDir: rendererDir(), host: opts.host, port: opts.port, token: opts.token, log });
        if (opts.host !== '127.0.0.1' && opts.host !== 'localhost') io.err(`warning: serving on ${opts.host}, reachable beyond this machine (token required)\n`);
        // Print the URL once the first connection attempt is over, so what it opens is settled.
        await core.ready;
        const status = core.status();
        if (globals().json) io.out(`${JSON.stringify({ url: host.openUrl, redis: status })}\n`);
        else io.out(`Flowscope is serving at ${host.openUrl}\n`);
        io.err(`redis: ${status.target} (${status.state}${status.message ? `: ${status.message}` : ''})\n`);
        await io.untilStopped();
        await host.close();
      }, true);
    });

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

/** Real process I/O for the installed command. */
export function processIo(): CliIo {
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    env: process.env,
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}
