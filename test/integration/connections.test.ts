// Saved connections and switching, against real redis-servers (one of them password-protected).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionList, ConnectionStatus, ConnectionTest, QueueInfo, SavedConnection } from '../../shared/domain';
import { createCore, type Core } from '../../electron/core/create-core';
import { freePort } from '../../electron/core/connection/free-port';
import type { SecretStore } from '../../electron/core/connection/saved-connections';
import { startSandbox, type Sandbox } from '../../electron/core/connection/sandbox';
import { memoryLogger } from '../../electron/core/log/logger';
import { startTestRedis, type TestRedis } from '../helpers/redis';

// A reversible stand-in for Electron's safeStorage (which needs Electron): what matters here is
// that the file never holds the plain password and that it comes back for connecting.
const secrets: SecretStore = {
  encrypt: (plain) => `enc:${Buffer.from(plain).toString('base64').split('').reverse().join('')}`,
  decrypt: (cipher) => Buffer.from(cipher.slice(4).split('').reverse().join(''), 'base64').toString(),
};

let first: TestRedis;
let guarded: Sandbox;
let guardedDir: string;
let dataDir: string;
const cores: Core[] = [];

beforeAll(async () => {
  first = await startTestRedis();
  guardedDir = mkdtempSync(join(tmpdir(), 'flowscope-guarded-'));
  guarded = await startSandbox({ dataDir: guardedDir, persist: false });
  const admin = new Redis(guarded.url);
  await admin.config('SET', 'requirepass', 's3cret pass');
  admin.disconnect();
  const q = new Queue('on-guarded', { connection: { host: '127.0.0.1', port: guarded.port, password: 's3cret pass' }, prefix: 'gp' });
  await q.add('x', {});
  await q.close();
  dataDir = mkdtempSync(join(tmpdir(), 'flowscope-conns-'));
});

afterAll(async () => {
  for (const core of cores) await core.close();
  await guarded.stop();
  await first.stop();
  rmSync(guardedDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

async function open(withSecrets: boolean): Promise<Core> {
  const core = await createCore({ shell: 'desktop', dataDir, redisUrl: first.url, prefix: first.prefix, secrets: withSecrets ? secrets : undefined, log: memoryLogger() });
  cores.push(core);
  await core.ready;
  return core;
}

async function call<T>(core: Core, method: string, args: unknown = {}): Promise<T> {
  const result = await core.dispatch(method, args);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.result as T;
}

const guardedUrl = () => `redis://:${encodeURIComponent('s3cret pass')}@127.0.0.1:${guarded.port}`;

describe('connections', () => {
  it('lists the sandbox and the start connection, the start one active', async () => {
    const core = await open(true);
    const list = await call<ConnectionList>(core, 'listConnections');
    expect(list.activeId).toBe('startup');
    expect(list.persisted).toBe(true);
    expect(list.connections.map((c) => c.id)).toEqual(['sandbox', 'startup']);
  });

  it('saves a connection with its password kept apart and encrypted, and switches to it', async () => {
    const core = await open(true);
    const saved = await call<SavedConnection>(core, 'saveConnection', { name: 'Guarded', url: guardedUrl(), prefix: 'gp', readOnly: true });
    expect(saved).toMatchObject({ name: 'Guarded', prefix: 'gp', readOnly: true, hasPassword: true, url: `redis://127.0.0.1:${guarded.port}` });
    const everything = JSON.stringify(await call(core, 'listConnections')) + readFileSync(join(dataDir, 'connections.json'), 'utf8');
    expect(everything).not.toContain('s3cret');

    expect(await call<ConnectionTest>(core, 'testConnection', { id: saved.id })).toMatchObject({ ok: true, queues: 1 });
    const status = await call<ConnectionStatus>(core, 'useConnection', { id: saved.id });
    expect(status).toMatchObject({ connectionId: saved.id, state: 'connected', prefix: 'gp', readOnly: true });
    expect(JSON.stringify(status)).not.toContain('s3cret');
    expect((await call<QueueInfo[]>(core, 'listQueues')).map((q) => q.name)).toEqual(['on-guarded']);

    // Another process on the same data folder finds it, password included.
    const again = await open(true);
    const list = await call<ConnectionList>(again, 'listConnections');
    const found = list.connections.find((c) => c.name === 'Guarded')!;
    expect(await call<ConnectionStatus>(again, 'useConnection', { id: found.id })).toMatchObject({ state: 'connected' });
  });

  it('keeps connections for the session only without a secret store', async () => {
    const core = await createCore({ shell: 'web', dataDir: mkdtempSync(join(tmpdir(), 'fs-mem-')), redisUrl: first.url, log: memoryLogger() });
    cores.push(core);
    await core.ready;
    await call(core, 'saveConnection', { name: 'Mem', url: guardedUrl() });
    const list = await call<ConnectionList>(core, 'listConnections');
    expect(list.persisted).toBe(false);
    expect(list.connections.find((c) => c.name === 'Mem')).toMatchObject({ prefix: 'bull', readOnly: false, hasPassword: true });
  });

  it('tests a URL without saving it, and says why one fails', async () => {
    const core = await open(false);
    expect(await call<ConnectionTest>(core, 'testConnection', { url: first.url, prefix: first.prefix })).toMatchObject({ ok: true });
    const port = await freePort();
    const bad = await call<ConnectionTest>(core, 'testConnection', { url: `redis://127.0.0.1:${port}` });
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/ECONNREFUSED/);
    // A database the server does not have is not "Connected" (the CLI fails there too).
    const noDb = await call<ConnectionTest>(core, 'testConnection', { url: `${first.url.replace(/\/\d*$/, '')}/99`, prefix: first.prefix });
    expect(noDb.ok).toBe(false);
    expect(noDb.message).toMatch(/DB index is out of range/);
    // A good one says what it reached.
    expect(await call<ConnectionTest>(core, 'testConnection', { url: first.url, prefix: first.prefix })).toMatchObject({ topology: { kind: 'standalone' } });
  });

  it('refuses bad input and removing what is in use or built in, changing nothing', async () => {
    const core = await open(false);
    const before = await call<ConnectionList>(core, 'listConnections');
    expect(await core.dispatch('saveConnection', { name: 'x', url: 'http://127.0.0.1' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await core.dispatch('saveConnection', { name: '', url: first.url })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await core.dispatch('removeConnection', { id: 'sandbox' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await core.dispatch('useConnection', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const saved = await call<SavedConnection>(core, 'saveConnection', { name: 'Other', url: first.url, prefix: first.prefix });
    await call(core, 'useConnection', { id: saved.id });
    expect(await core.dispatch('removeConnection', { id: saved.id })).toMatchObject({ ok: false, error: { code: 'REFUSED' } });
    await call(core, 'useConnection', { id: 'startup' });
    expect(await call(core, 'removeConnection', { id: saved.id })).toEqual({ removed: true });
    expect((await call<ConnectionList>(core, 'listConnections')).connections.map((c) => c.id)).toEqual(before.connections.map((c) => c.id));
  });
});
