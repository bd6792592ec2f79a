// Test Redis: a throwaway redis-server on a free loopback port (the core's own sandbox code),
// or the server $REDIS_URL names. Tests never flush a Redis they did not start: on a shared
// one each test file works under its own random prefix.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startSandbox, type Sandbox } from '../../electron/core/connection/sandbox';

export interface TestRedis {
  url: string;
  /** The server's pid, when this file started it (always with `own`): for kill -STOP / -CONT. */
  pid?: number;
  /** A prefix unique to this test file. */
  prefix: string;
  /** host/port options for BullMQ's `connection`. */
  connection: { host: string; port: number; db?: number; password?: string };
  client(): Redis;
  stop(): Promise<void>;
}

// Vitest ends its fork workers with SIGTERM, which skips 'exit' (where the sandbox code kills its
// children): servers a test file started must not outlive it, so they are killed on signals too.
const livePids = new Set<number>();
let signalHook = false;
function killOnSignals(pid: number): void {
  livePids.add(pid);
  if (signalHook) return;
  signalHook = true;
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const p of livePids) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

export interface TestRedisOptions {
  /**
   * A throwaway server of this file's own even when $REDIS_URL is set, with DEBUG allowed
   * from loopback: for tests that pause Redis (DEBUG SLEEP, kill -STOP), which must never
   * pause a shared one.
   */
  own?: boolean;
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  let sandbox: Sandbox | undefined;
  let dir: string | undefined;
  let url = options.own ? undefined : process.env.REDIS_URL;
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), 'flowscope-redis-'));
    sandbox = await startSandbox({ dataDir: dir, persist: false, ...(options.own ? { extraArgs: ['--enable-debug-command', 'local'] } : {}) });
    killOnSignals(sandbox.pid);
    url = sandbox.url;
  }
  const parsed = new URL(url);
  const clients: Redis[] = [];
  return {
    url,
    ...(sandbox ? { pid: sandbox.pid } : {}),
    prefix: `fs${randomBytes(4).toString('hex')}`,
    connection: {
      host: parsed.hostname,
      port: Number(parsed.port || 6379),
      ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    },
    client() {
      const c = new Redis(url!, { maxRetriesPerRequest: 1 });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.disconnect();
      if (sandbox) {
        try {
          process.kill(sandbox.pid, 'SIGCONT'); // a server a test left paused could not stop
        } catch {
          // already gone
        }
      }
      await sandbox?.stop();
      if (sandbox) livePids.delete(sandbox.pid);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
