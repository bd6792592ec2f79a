// Gentle on the Redis it watches (issue 12, defect 7): on an idle Redis of 2,000,000 keys
// (DEBUG POPULATE) with a few real BullMQ queues, Flowscope's own load stays under 5% of a core
// with one client and with ten, each doing what a UI tab does (connect over the WebSocket, ask
// for the queue list, open a live view of a flow, then listen). Redis's CPU is read from its own
// INFO cpu (used_cpu_sys + used_cpu_user) over each window, minus a baseline window with no
// Flowscope at all. The clients connect inside their window, so the cost of a tab opening is
// counted too: before the queue registry, each tab's listQueues was a SCAN of the 2M keys.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueInfo } from '../../shared/domain';
import { createCore, type Core } from '../../electron/core/create-core';
import { memoryLogger } from '../../electron/core/log/logger';
import { startWebHost, type WebHost } from '../../electron/host/web-host';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { openWsTestClient, type WsTestClient } from '../helpers/ws-test-client';

const KEYS = 2_000_000;
const WINDOW_MS = 8_000;
/** Flowscope's own share of one core, at most. */
const MAX_SHARE = 0.05;

let redis: TestRedis;
let probe: Redis;
let dataDir: string;
let rootId: string;
const queueNames = ['load-a', 'load-b', 'load-c'];

beforeAll(async () => {
  redis = await startTestRedis({ own: true });
  probe = redis.client();
  await probe.call('DEBUG', 'POPULATE', String(KEYS), 'filler', '16');
  const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
  const added = await flows.add({
    name: 'root',
    queueName: 'load-a',
    children: [
      { name: 'b', queueName: 'load-b', children: [{ name: 'c', queueName: 'load-c' }] },
      { name: 'a2', queueName: 'load-a' },
    ],
  });
  rootId = added.job.id!;
  await flows.close();
  const queues = queueNames.map((name) => new Queue(name, { connection: redis.connection, prefix: redis.prefix }));
  await Promise.all(queues.map((q) => q.add('plain', { n: 1 })));
  await Promise.all(queues.map((q) => q.close()));
  dataDir = mkdtempSync(join(tmpdir(), 'flowscope-load-'));
}, 60_000);

afterAll(async () => {
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Redis's CPU seconds so far (all its threads, user + system). */
async function redisCpu(): Promise<number> {
  const info = await probe.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN);
  return field('used_cpu_sys') + field('used_cpu_user');
}

/** Redis's CPU share (of one core) while `during` runs and then until WINDOW_MS has passed. */
async function cpuShare(during: () => Promise<void> = async () => undefined): Promise<number> {
  const cpu0 = await redisCpu();
  const t0 = process.hrtime.bigint();
  await during();
  const rest = WINDOW_MS - Number(process.hrtime.bigint() - t0) / 1e6;
  // An idle window: nothing to await but time itself.
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  const cpu1 = await redisCpu();
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return (cpu1 - cpu0) / wallSeconds;
}

/** A UI tab: a WebSocket that asks for the queue list and opens a live view of the flow. */
async function openTab(host: WebHost): Promise<WsTestClient> {
  const tab = await openWsTestClient(host);
  const list = await tab.call('listQueues', {});
  expect(list.ok).toBe(true);
  const view = await tab.call('subscribeFlow', { queue: 'load-a', jobId: rootId });
  expect(view).toMatchObject({ ok: true });
  return tab;
}

describe('Flowscope on an idle 2M-key Redis', () => {
  it('costs under 5% of a core with 1 and with 10 listening tabs; listQueues answers from its copy', async () => {
    expect(await probe.dbsize()).toBeGreaterThanOrEqual(KEYS);
    const baseline = await cpuShare();

    const core: Core = await createCore({ shell: 'web', dataDir, redisUrl: redis.url, prefix: redis.prefix, log: memoryLogger() });
    await core.ready;
    const host = await startWebHost({ core, staticDir: dataDir, log: memoryLogger() });
    const tabs: WsTestClient[] = [];
    try {
      // The one discovery (a SCAN of the 2M keys) happens once, when the core connects.
      const first = await core.dispatch('listQueues', {});
      expect(first.ok && (first.result as QueueInfo[]).map((q) => q.name)).toEqual(queueNames);

      const one = await cpuShare(async () => {
        tabs.push(await openTab(host));
      });
      const ten = await cpuShare(async () => {
        for (let i = 0; i < 9; i++) tabs.push(await openTab(host));
      });

      // listQueues from a tab: from the registry's copy (counts by one pipeline at most).
      const started = process.hrtime.bigint();
      const listed = await tabs[0]!.call('listQueues', {});
      const listMs = Number(process.hrtime.bigint() - started) / 1e6;
      expect(listed.ok && (listed.result as QueueInfo[]).map((q) => q.name)).toEqual(queueNames);

      const figures = { baseline, oneTab: one - baseline, tenTabs: ten - baseline, listQueuesMs: listMs };
      console.log(`redis cpu share: ${JSON.stringify(figures)}`);
      expect(one - baseline).toBeLessThan(MAX_SHARE);
      expect(ten - baseline).toBeLessThan(MAX_SHARE);
      expect(listMs).toBeLessThan(200);
    } finally {
      await Promise.all(tabs.map((tab) => tab.close()));
      await host.close();
      await core.close();
    }
  }, 90_000);
});
