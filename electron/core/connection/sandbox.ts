// The sandbox: a redis-server child process on a free loopback port with its own data
// directory. Used by the app when no Redis is configured, and by the tests for their own
// throwaway servers. Every sandbox still running is killed when this process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { FlowscopeError } from '../../../shared/errors';
import { findRedisServer, INSTALL_HINT } from './find-redis-server';
import { freePort } from './free-port';

export interface SandboxOptions {
  dataDir: string;
  /** Path to redis-server; found on PATH when absent. */
  binary?: string;
  /** Keep an RDB snapshot in dataDir (the app's sandbox) or keep nothing on disk (tests). */
  persist?: boolean;
  /** A fixed port (tests that restart a server on the same address); a free one when absent. */
  port?: number;
  /** How long to wait for "Ready to accept connections". */
  startTimeoutMs?: number;
  /** More redis-server arguments (tests: `--enable-debug-command local` for DEBUG SLEEP). */
  extraArgs?: string[];
}

export interface Sandbox {
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGTERM');
  });
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`redis-server did not start within ${timeoutMs} ms: ${output.trim()}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) finish();
    };
    const onExit = (code: number | null) => finish(new Error(`redis-server exited (${code}): ${output.trim().split('\n').slice(-3).join(' | ')}`));
    const onError = (err: Error) => finish(err);
    function finish(err?: Error) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err) reject(err);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function spawnOnce(binary: string, options: SandboxOptions): Promise<Sandbox> {
  const port = options.port ?? (await freePort());
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', options.dataDir,
    '--daemonize', 'no',
    '--protected-mode', 'yes',
    '--appendonly', 'no',
    '--save', options.persist ? '60 1' : '',
    '--loglevel', 'notice',
    '--logfile', '',
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  installExitHook();
  child.once('exit', () => running.delete(child));
  try {
    await waitForReady(child, options.startTimeoutMs ?? 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  // Keep draining output so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    dataDir: options.dataDir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const binary = findRedisServer(options.binary);
  if (!binary) throw new FlowscopeError('NO_REDIS_BINARY', INSTALL_HINT);
  mkdirSync(options.dataDir, { recursive: true });
  let lastError: unknown;
  // A port found free can be taken before redis-server binds it: try a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await spawnOnce(binary, options);
    } catch (err) {
      lastError = err;
      if (options.port || !String((err as Error).message).includes('Address already in use')) break;
    }
  }
  throw new FlowscopeError('REDIS_UNAVAILABLE', `Could not start the sandbox redis-server: ${(lastError as Error).message}`);
}
