// The health check's own connection (electron/core/connection/health-connections.ts): one per
// server, named in CLIENT LIST; killed with CLIENT KILL it is opened again without a false
// "not responding"; with every connection killed the core reconnects; either way a Redis that
// then stops answering is still noticed within 2 s; it opens on the first PING, not before; and
// closing the core leaves no connection.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../shared/domain';
import { Redis } from 'ioredis';
import { openHealthConnections } from '../../../electron/core/connection/health-connections';
import { closeClient } from '../../../electron/core/connection/redis-client';
import { createCore, type Core } from '../../../electron/core/create-core';
import { memoryLogger } from '../../../electron/core/log/logger';
import { nextStatus } from '../../helpers/core-status';
import { startTestRedis, type TestRedis } from '../../helpers/redis';
import { waitFor } from '../../helpers/topologies';
import { clientsOn } from './health-clients';

let redis: TestRedis;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  redis = await startTestRedis({ own: true });
});
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await redis.stop();
});

async function openCore(): Promise<Core> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-health-'));
  const core = await createCore({ shell: 'web', dataDir, redisUrl: redis.url, prefix: redis.prefix, log: memoryLogger() });
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(() => core.close());
  await core.ready;
  expect(core.status().state).toBe('connected');
  return core;
}

const clients = () => clientsOn(redis.connection);
const healthClients = async () => (await clients()).filter((c) => c.health);

const notResponding = (s: ConnectionStatus) => s.code === 'NOT_RESPONDING';

/** DEBUG SLEEP for 3 s is pushed as NOT_RESPONDING within 2 s, and connected after. */
async function expectHangNoticed(core: Core): Promise<void> {
  const down = nextStatus(core, notResponding);
  const up = nextStatus(core, (s) => s.state === 'connected');
  const sleeper = redis.client();
  const start = Date.now();
  const sleeping = sleeper.call('DEBUG', 'SLEEP', '3').catch(() => undefined);
  expect((await down).at - start).toBeLessThan(2000);
  await sleeping;
  sleeper.disconnect();
  await up;
}

describe('the health check connection', () => {
  it('is one connection of its own, named, and closing the core leaves no connection open', async () => {
    const before = (await clients()).length;
    const core = await openCore();
    // The PINGs go on it, none on the core's other connections.
    const pinging = await waitFor('a PING on the health connection', async () => {
      const now = await clients();
      return now.some((c) => c.health && c.cmd === 'ping') ? now : false;
    });
    expect(pinging.filter((c) => c.health)).toHaveLength(1);
    expect(pinging.filter((c) => c.cmd === 'ping' && !c.health)).toEqual([]);
    expect(await core.dispatch('listQueues', {})).toMatchObject({ ok: true });
    await core.close();
    const after = await waitFor('every connection of the core closed', async () => {
      const now = await clients();
      return now.length === before ? now : false;
    });
    expect(after.filter((c) => c.health)).toEqual([]);
  });

  it('opens on the first PING, not when the command connection is ready: a CLI command over by then opens none', async () => {
    // One opened at ready and closed while still being set up kept `flowscope queues` alive
    // for ioredis's 2 s disconnect timer after its answer.
    const command = new Redis(redis.connection);
    cleanups.push(() => closeClient(command));
    await new Promise((resolve) => command.once('ready', resolve));
    const health = openHealthConnections();
    cleanups.push(() => health.close());
    health.follow(command);
    expect(health.size).toBe(0);
    await health.pingAll(command);
    expect(health.size).toBe(1);
    expect((await healthClients()).length).toBe(1);
  });

  it('killed with CLIENT KILL: opened again, no NOT_RESPONDING meanwhile, and a hang is still noticed within 2 s', async () => {
    const core = await openCore();
    const [first] = await waitFor('the health connection', async () => ((await healthClients()).length > 0 ? healthClients() : false));
    const statuses: ConnectionStatus[] = [];
    const off = core.onEvent((e) => {
      if (e.event === 'connectionStatus') statuses.push(e.payload);
    });
    const admin = redis.client();
    expect(await admin.client('KILL', 'ID', first!.id)).toBe(1);
    admin.disconnect();
    // Opened again, and PINGing on it (a PING of the check went there and was answered).
    const [second] = await waitFor('the health connection opened again and PINGing', async () => {
      const now = await healthClients();
      return now.length === 1 && now[0]!.id !== first!.id && now[0]!.cmd === 'ping' ? now : false;
    });
    expect(second!.id).not.toBe(first!.id);
    off();
    expect(statuses.filter(notResponding)).toEqual([]);
    expect(core.status()).toMatchObject({ state: 'connected' });
    await expectHangNoticed(core);
  });

  it('every connection killed (CLIENT KILL TYPE normal): reconnected, one health connection again, and a hang is still noticed within 2 s', async () => {
    const core = await openCore();
    await waitFor('the health connection', async () => (await healthClients()).length === 1);
    const admin = redis.client();
    const lost = nextStatus(core, (s) => s.state !== 'connected');
    const back = nextStatus(core, (s) => s.state === 'connected');
    await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    admin.disconnect();
    await lost;
    await back;
    expect(await core.dispatch('listQueues', {})).toMatchObject({ ok: true });
    await waitFor('one health connection again', async () => (await healthClients()).length === 1);
    await expectHangNoticed(core);
  });
});
