// The core's connection lifecycle with real redis-server processes: the sandbox default, a
// missing binary, a Redis that is down at start and comes back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/create-core';
import { freePort } from '../../electron/core/connection/free-port';
import { startSandbox, type Sandbox } from '../../electron/core/connection/sandbox';
import { memoryLogger } from '../../electron/core/log/logger';
import { nextStatus } from '../helpers/core-status';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowscope-core-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves with the first connectionStatus event that satisfies the predicate. */

describe('createCore', () => {
  it('starts a sandbox redis-server when no Redis is configured, and stops it on close', async () => {
    const dataDir = tempDir();
    const core = await createCore({ shell: 'cli', dataDir, log: memoryLogger() });
    await core.ready;
    const status = core.status();
    expect(status).toMatchObject({ state: 'connected', kind: 'sandbox', prefix: 'bull' });
    const url = status.target.replace(/^sandbox /, '');
    expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);

    // It is a real Redis that BullMQ can use, and the core sees the queue.
    const port = Number(new URL(url).port);
    const queue = new Queue('sandboxed', { connection: { host: '127.0.0.1', port } });
    await queue.add('job', { n: 1 });
    await queue.close();
    const listed = await core.dispatch('listQueues', {});
    expect(listed).toMatchObject({ ok: true, result: [{ name: 'sandboxed', counts: { waiting: 1 } }] });

    const probe = new Redis(url);
    const pid = Number((await probe.info('server')).match(/process_id:(\d+)/)![1]);
    probe.disconnect();
    expect(isAlive(pid)).toBe(true);
    await core.close();
    expect(isAlive(pid)).toBe(false);
  });

  it('says how to install redis-server when no binary is found, without crashing', async () => {
    const core = await createCore({ shell: 'cli', dataDir: tempDir(), redisServerPath: '/nonexistent/redis-server', log: memoryLogger() });
    cleanups.push(() => core.close());
    await core.ready;
    expect(core.status()).toMatchObject({ state: 'error', code: 'NO_REDIS_BINARY' });
    expect(core.status().message).toMatch(/apt install redis-server/);
    expect(core.status().message).toMatch(/brew install redis/);
    const call = await core.dispatch('listQueues', {});
    expect(call).toMatchObject({ ok: false, error: { code: 'NO_REDIS_BINARY' } });
    // Calls that need no Redis still work.
    expect(await core.dispatch('getAppInfo', {})).toMatchObject({ ok: true, result: { name: 'Flowscope', shell: 'cli' } });
  });

  it('reports a Redis that is down at start, then reconnects when it comes back', async () => {
    const port = await freePort();
    const core = await createCore({ shell: 'web', dataDir: tempDir(), redisUrl: `redis://127.0.0.1:${port}`, log: memoryLogger() });
    cleanups.push(() => core.close());
    await core.ready;
    expect(['error', 'reconnecting']).toContain(core.status().state);
    expect(core.status().message).toMatch(/ECONNREFUSED/);
    expect(await core.dispatch('listQueues', {})).toMatchObject({ ok: false, error: { code: 'REDIS_UNAVAILABLE' } });

    const connected = nextStatus(core, (s) => s.state === 'connected');
    let server: Sandbox | undefined;
    server = await startSandbox({ dataDir: tempDir(), port, persist: false });
    cleanups.push(() => server?.stop());
    expect((await connected).status).toMatchObject({ state: 'connected', kind: 'url', target: `redis://127.0.0.1:${port}` });
    expect(await core.dispatch('listQueues', {})).toEqual({ ok: true, result: [] });

    // And it notices when Redis goes away again.
    const lost = nextStatus(core, (s) => s.state === 'reconnecting');
    await server.stop();
    server = undefined;
    expect((await lost).status.state).toBe('reconnecting');
  });

  it('pushes the queue list when a queue appears', async () => {
    const server = await startSandbox({ dataDir: tempDir(), persist: false });
    cleanups.push(() => server.stop());
    const core = await createCore({ shell: 'web', dataDir: tempDir(), redisUrl: server.url, queuePollMs: 100, log: memoryLogger() });
    cleanups.push(() => core.close());
    await core.ready;
    const appeared = new Promise<string[]>((resolve) => {
      const off = core.onEvent((e) => {
        if (e.event === 'queues' && e.payload.some((q) => q.name === 'late')) {
          off();
          resolve(e.payload.map((q) => q.name));
        }
      });
    });
    const queue = new Queue('late', { connection: { host: '127.0.0.1', port: server.port } });
    await queue.add('j', {});
    expect(await appeared).toEqual(['late']);
    await queue.close();
  });

  it('redacts the password from the status target', async () => {
    const port = await freePort();
    const core = await createCore({ shell: 'cli', dataDir: tempDir(), redisUrl: `redis://:hunter2@127.0.0.1:${port}`, log: memoryLogger() });
    cleanups.push(() => core.close());
    expect(core.status().target).toBe(`redis://:***@127.0.0.1:${port}`);
    expect(JSON.stringify(core.status())).not.toContain('hunter2');
  });
});
