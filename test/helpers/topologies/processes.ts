// What the topology fixtures share: redis-server children on free loopback ports in throwaway
// folders (killed by stop() and, like the core's sandbox, when this process exits), short-lived
// admin connections, polling with a deadline that says what it waited for, and running
// redis-cli / openssl.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { findRedisServer, INSTALL_HINT } from '../../../electron/core/connection/find-redis-server';
import { freePort } from '../../../electron/core/connection/free-port';

export const LOOPBACK = '127.0.0.1';

export interface HostPort {
  host: string;
  port: number;
}

export const hostPort = (port: number): HostPort => ({ host: LOOPBACK, port });
export const addressOf = ({ host, port }: HostPort): string => `${host}:${port}`;

// ---------------------------------------------------------------------------------------------
// Cleanup on exit: every child still running is SIGKILLed, every folder still there removed.
// Also on SIGTERM/SIGINT/SIGHUP, which end a process without its 'exit' event: Vitest stops its
// fork workers with SIGTERM, so an 'exit' hook alone leaves a fixture nobody stopped running.

const runningChildren = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function cleanUpNow(): void {
  for (const child of runningChildren) child.kill('SIGKILL');
  runningChildren.clear();
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
  liveDirs.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', cleanUpNow);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanUpNow();
      // The signal's own outcome (the process ends) unless someone else handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** A new folder under os.tmpdir(), removed by removeTempDir() or when this process exits. */
export function makeTempDir(label: string): string {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), `flowscope-${label}-`));
  liveDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

// ---------------------------------------------------------------------------------------------
// Ports: free ones from the OS, never the same one twice to the fixtures of this process (two
// freePort() calls can return the same port, since each closes its listener before answering).

const handedOut = new Set<number>();

export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tries = 0; ports.length < count; tries++) {
    if (tries > count * 20) throw new Error(`could not find ${count} distinct free ports`);
    const port = await freePort(LOOPBACK);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    ports.push(port);
  }
  return ports;
}

// ---------------------------------------------------------------------------------------------
// Polling.

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Calls `check` every `intervalMs` until it returns something other than undefined/false, and
 * returns that. A check that throws counts as "not yet"; its message is the reason given when
 * the deadline passes: `timed out after N ms waiting for <what> (last: <reason>)`.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 15_000, intervalMs = 50 }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'the condition was not met';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// ---------------------------------------------------------------------------------------------
// Admin connections: one short-lived ioredis connection per call, no retries, no reconnects.

export interface NodeAuth {
  password?: string;
  tls?: RedisOptions['tls'];
}

export async function withClient<T>(node: HostPort, auth: NodeAuth, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({
    host: node.host,
    port: node.port,
    ...(auth.password !== undefined ? { password: auth.password } : {}),
    ...(auth.tls ? { tls: auth.tls } : {}),
    lazyConnect: true,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
    commandTimeout: 10_000,
  });
  client.on('error', () => {}); // the failing command rejects with the same error
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** Sends one command to one node and returns its reply. */
export function command(node: HostPort, auth: NodeAuth, name: string, ...args: (string | number)[]): Promise<unknown> {
  return withClient(node, auth, (client) => client.call(name, ...args));
}

/** `INFO <section>` as a map of field -> value. */
export async function info(node: HostPort, auth: NodeAuth, section: string): Promise<Record<string, string>> {
  const text = String(await command(node, auth, 'INFO', section));
  return parseInfo(text);
}

export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** A flat [k1, v1, k2, v2, …] reply (SENTINEL REPLICAS and the like) as an object. */
export function pairs(reply: unknown): Record<string, string> {
  const list = reply as unknown[];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = String(list[i + 1]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// redis-server children.

export interface RedisProcess {
  readonly name: string;
  readonly pid: number;
  /** The ports it was started with, in the order `args` received them. */
  readonly ports: number[];
  readonly alive: boolean;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** The last 64 KiB of its log (stdout and stderr). */
  output(): string;
  /** Sends `signal` (default SIGKILL) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnRedisOptions {
  /** For messages: "cluster node 2", "sentinel 1". */
  name: string;
  /** How many free ports to allocate for `args` (default 1). */
  portCount?: number;
  /** The command line for these ports (called again with new ones if a port was taken meanwhile). */
  args: (ports: number[]) => string[];
  /** The log line that says the process listens (default "Ready to accept connections"). */
  readyLine?: string;
  timeoutMs?: number;
}

const LOG_LIMIT = 64 * 1024;

function redisServerBinary(): string {
  const binary = findRedisServer();
  if (!binary) throw new Error(INSTALL_HINT);
  return binary;
}

function spawnOnce(binary: string, ports: number[], options: SpawnRedisOptions): Promise<RedisProcess> {
  const child = spawn(binary, options.args(ports), { stdio: ['ignore', 'pipe', 'pipe'] });
  runningChildren.add(child);
  installExitHook();
  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString();
    if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      runningChildren.delete(child);
      resolve();
    });
  });
  const proc: RedisProcess = {
    name: options.name,
    pid: child.pid ?? -1,
    ports,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    exited,
    output: () => log,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (proc.alive) child.kill(signal);
      await exited;
    },
  };
  const readyLine = options.readyLine ?? 'Ready to accept connections';
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${options.name} did not start within ${timeoutMs} ms: ${tail(log)}`)), timeoutMs);
    const onData = () => {
      if (log.includes(readyLine)) finish();
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`${options.name} exited (${code ?? signal}) while starting: ${tail(log)}`));
    const onError = (err: Error) => finish(new Error(`${options.name} could not be started (${binary}): ${err.message}`));
    function finish(err?: Error) {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (!err) return resolve(proc);
      child.kill('SIGKILL');
      reject(err);
    }
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
    onData();
  });
}

/** The last lines of a log, on one line, for error messages. */
export function tail(log: string, lines = 6): string {
  return log.trim().split('\n').slice(-lines).join(' | ');
}

/**
 * Starts redis-server (or, with `--sentinel` among its args, a Sentinel) on free loopback ports and
 * resolves once its ready line is logged. A port taken between its allocation and the bind is
 * retried with new ports.
 */
export async function spawnRedis(options: SpawnRedisOptions): Promise<RedisProcess> {
  const binary = redisServerBinary();
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    const ports = await freePorts(options.portCount ?? 1);
    try {
      return await spawnOnce(binary, ports, options);
    } catch (err) {
      lastError = err as Error;
      if (!lastError.message.includes('Address already in use')) break;
    }
  }
  throw lastError!;
}

/** The settings every throwaway data node gets: loopback, nothing on disk, no sync delay. */
export function baseServerArgs(port: number, dir: string): string[] {
  return [
    '--port', String(port),
    '--bind', LOOPBACK,
    '--dir', dir,
    '--daemonize', 'no',
    '--save', '',
    '--appendonly', 'no',
    '--repl-diskless-sync-delay', '0',
    '--logfile', '',
    '--loglevel', 'notice',
  ];
}

export function makeDir(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

// ---------------------------------------------------------------------------------------------
// Other binaries.

const PACKAGE_HINTS: Record<string, string> = {
  'redis-cli': 'Debian/Ubuntu: apt install redis-tools, macOS: brew install redis',
  openssl: 'Debian/Ubuntu: apt install openssl, macOS: brew install openssl',
};

/** Runs a program from PATH; rejects with its output when it fails. */
export function run(file: string, args: string[], { cwd, timeoutMs = 30_000 }: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return reject(new Error(`${file} was not found on PATH (${PACKAGE_HINTS[file] ?? 'install it'})`));
      reject(new Error(`${file} ${args.join(' ')} failed (${err.message.split('\n')[0]}): ${tail(`${stdout}\n${stderr}`, 10)}`));
    });
  });
}

/** Runs the cleanups in reverse order, all of them even if some fail; rethrows the first failure. */
export async function runCleanups(cleanups: (() => Promise<void> | void)[]): Promise<void> {
  let first: unknown;
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}
