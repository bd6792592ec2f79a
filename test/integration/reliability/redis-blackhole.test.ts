// Redis cut off by the network: a TCP proxy of this test between the core and Redis stops
// forwarding without closing a socket (a blackhole). Within 2 s every client is told Redis is
// not responding and calls fail fast with REDIS_UNAVAILABLE; when the proxy forwards again the
// status is connected, the live view gets a fresh snapshot and stays live.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowProducer, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../shared/contract';
import type { ConnectionStatus, FlowSnapshot } from '../../../shared/domain';
import { createCore, type Core } from '../../../electron/core/create-core';
import { memoryLogger } from '../../../electron/core/log/logger';
import { startTestRedis, type TestRedis } from '../../helpers/redis';
import { nextStatus } from '../../helpers/core-status';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy';

let redis: TestRedis;
let proxy: TcpProxy;
let core: Core;
let dataDir: string;
let rootId: string;

beforeAll(async () => {
  redis = await startTestRedis({ own: true });
  proxy = await startTcpProxy(redis.connection);
  dataDir = mkdtempSync(join(tmpdir(), 'flowscope-blackhole-'));
  core = await createCore({ shell: 'web', dataDir, redisUrl: proxy.url, prefix: redis.prefix, log: memoryLogger() });
  await core.ready;
  const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
  const added = await flows.add({ name: 'root', queueName: 'cut', children: [{ name: 'a', queueName: 'cut' }, { name: 'b', queueName: 'cut' }] });
  rootId = added.job.id!;
  await flows.close();
});

afterAll(async () => {
  await core.close();
  await proxy.close();
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const notResponding = (s: ConnectionStatus) => s.state !== 'connected' && s.code === 'NOT_RESPONDING';

describe('Redis behind a network blackhole', () => {
  it('"not responding" within 2 s, calls fail fast, then connected, a fresh snapshot and live patches once it forwards again', async () => {
    const session = 'blackholed';
    const pushes: PushEvent[] = [];
    let onPush = () => undefined as void;
    const off = core.onEvent((e) => {
      pushes.push(e);
      onPush();
    }, session);
    const nextPush = (predicate: (e: PushEvent) => boolean) =>
      new Promise<PushEvent>((resolve) => {
        const check = () => {
          const found = pushes.find(predicate);
          if (found) resolve(found);
        };
        onPush = check;
        check();
      });
    const opened = await core.dispatch('subscribeFlow', { queue: 'cut', jobId: rootId }, session);
    expect(opened.ok).toBe(true);
    const view = (opened as { ok: true; result: FlowSnapshot }).result;
    expect(proxy.connections()).toBeGreaterThan(0);

    const down = nextStatus(core, notResponding);
    const start = Date.now();
    proxy.blackhole();
    let restored = false;
    try {
      // A read sent into the blackhole fails once the stop is noticed, not after a timeout.
      const inFlight = core.dispatch('getFlowTree', { queue: 'cut', jobId: rootId });
      const { at, status } = await down;
      expect(at - start).toBeLessThan(2000);
      expect(status.message).toMatch(/not responding/i);
      expect(await inFlight).toMatchObject({ ok: false, error: { code: 'REDIS_UNAVAILABLE' } });
      expect(Date.now() - start).toBeLessThan(2500);
      const fastStart = Date.now();
      expect(await core.dispatch('getJob', { key: `${redis.prefix}:cut:${rootId}` })).toMatchObject({ ok: false, error: { code: 'REDIS_UNAVAILABLE' } });
      expect(Date.now() - fastStart).toBeLessThan(100);
      expect(await core.dispatch('getConnectionStatus', {})).toMatchObject({ ok: true, result: { code: 'NOT_RESPONDING' } });

      pushes.length = 0;
      const up = nextStatus(core, (s) => s.state === 'connected');
      proxy.restore();
      restored = true;
      await up;
    } finally {
      if (!restored) proxy.restore();
    }
    const resynced = (await nextPush((e) => e.event === 'flowSnapshot' && e.payload.subscriptionId === view.subscriptionId)) as Extract<PushEvent, { event: 'flowSnapshot' }>;
    expect(resynced.payload.seq).toBeGreaterThan(view.seq);
    expect(resynced.payload.tree.nodes.map((n) => n.key).sort()).toEqual(view.tree.nodes.map((n) => n.key).sort());
    expect(await core.dispatch('getFlowTree', { queue: 'cut', jobId: rootId })).toMatchObject({ ok: true });

    // Still live: a change made now reaches the view.
    const child = view.tree.nodes.find((n) => n.key !== view.tree.root)!;
    const queue = new Queue('cut', { connection: redis.connection, prefix: redis.prefix });
    await (await queue.getJob(child.key.split(':').pop()!))!.remove();
    await queue.close();
    const patch = (await nextPush((e) => e.event === 'flowPatch' && e.payload.subscriptionId === view.subscriptionId)) as Extract<PushEvent, { event: 'flowPatch' }>;
    expect(patch.payload.removed).toContain(child.key);
    off();
  });
});
