// Queue discovery without a SCAN on a timer, against a real Redis with real BullMQ queues: the
// set of queues is scanned once, then counted by pipeline; a removed queue drops out at the next
// count, a new one shows up on a rescan (asked for, or when the key count moved and the backoff
// has passed), and at once when an answer of the core names it. The Redis holds 30,000 other
// keys, so it is not a "small keyspace" (where a listQueues rescans a keyspace that moved; the
// last test shows that case). SCANs are counted by Redis itself (INFO commandstats).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../shared/contract';
import type { QueueInfo } from '../../shared/domain';
import { createCore } from '../../electron/core/create-core';
import { memoryLogger } from '../../electron/core/log/logger';
import { createQueueRegistry } from '../../electron/core/queues/queue-registry';
import { startTestRedis, type TestRedis } from '../helpers/redis';

let redis: TestRedis;
let client: Redis;
beforeAll(async () => {
  redis = await startTestRedis({ own: true });
  client = redis.client();
  await client.call('DEBUG', 'POPULATE', '30000', 'other', '8');
});
afterAll(async () => redis.stop());

/** SCAN calls Redis has served so far. */
async function scanCalls(): Promise<number> {
  const info = await client.info('commandstats');
  return Number(/cmdstat_scan:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

const names = (list: QueueInfo[]) => list.map((q) => q.name);

describe('queue registry', () => {
  it('scans once, then answers and counts without a SCAN; a removed queue drops at the next count', async () => {
    const prefix = `${redis.prefix}r`;
    const a = new Queue('alpha', { connection: redis.connection, prefix });
    const b = new Queue('beta', { connection: redis.connection, prefix });
    await a.add('x', {});
    await b.add('y', {});
    const pushed: QueueInfo[][] = [];
    const registry = createQueueRegistry({ redis: () => client, prefix: () => prefix, onList: (q) => pushed.push(q) });

    const before = await scanCalls();
    expect(names(await registry.list())).toEqual(['alpha', 'beta']);
    const afterFirst = await scanCalls();
    expect(afterFirst).toBeGreaterThan(before);
    expect(registry.stats().scans).toBe(1);

    await a.add('x2', {});
    const counted = await registry.refreshCounts();
    expect(counted.find((q) => q.name === 'alpha')!.counts.waiting).toBe(2);
    expect(names(await registry.list())).toEqual(['alpha', 'beta']);
    // The key count moved (a job was added), but the backoff (2 s at least) has not passed: no rescan.
    expect(await registry.rescanIfChanged()).toBeNull();
    expect(await scanCalls()).toBe(afterFirst);

    await b.obliterate();
    expect(names(await registry.refreshCounts())).toEqual(['alpha']);
    expect(await scanCalls()).toBe(afterFirst);
    // Pushed only when the list changed: the first list, alpha's new count, beta gone.
    expect(pushed.map(names)).toEqual([['alpha', 'beta'], ['alpha', 'beta'], ['alpha']]);
    await Promise.all([a.close(), b.close()]);
  });

  it('finds a new queue on a rescan when the key count moved, and does not rescan an unchanged keyspace', async () => {
    const prefix = `${redis.prefix}n`;
    const a = new Queue('first', { connection: redis.connection, prefix });
    await a.add('x', {});
    const registry = createQueueRegistry({ redis: () => client, prefix: () => prefix, onList: () => undefined });
    expect(names(await registry.list())).toEqual(['first']);

    // Unchanged keyspace: one DBSIZE, no SCAN, even past the backoff.
    const scans = await scanCalls();
    expect(await registry.rescanIfChanged({ ignoreBackoff: true })).toBeNull();
    expect(await scanCalls()).toBe(scans);

    const late = new Queue('second', { connection: redis.connection, prefix });
    await late.add('y', {});
    // Counting knows only the known queues: the new one is not there yet.
    expect(names(await registry.refreshCounts())).toEqual(['first']);
    const found = await registry.rescanIfChanged({ ignoreBackoff: true });
    expect(names(found!)).toEqual(['first', 'second']);
    expect(registry.stats().scans).toBe(2);
    // An explicit rescan (the sidebar's refresh) always scans.
    await registry.list({ rescan: true });
    expect(registry.stats().scans).toBe(3);
    await Promise.all([a.close(), late.close()]);
  });

  it('lists a noted queue once its keys are there, and never one that is not a queue', async () => {
    const prefix = `${redis.prefix}t`;
    const registry = createQueueRegistry({ redis: () => client, prefix: () => prefix, onList: () => undefined });
    expect(await registry.list()).toEqual([]);
    const q = new Queue('noted', { connection: redis.connection, prefix });
    await q.add('x', {});
    registry.note(['noted', 'no-such-queue']);
    const scans = registry.stats().scans;
    expect(names(await registry.list())).toEqual(['noted']);
    expect(registry.stats().scans).toBe(scans);
    await q.close();
  });

  it('in the core: listQueues answers from its copy; a tree in a queue made after the discovery adds it without a SCAN; rescan asks for one', async () => {
    const prefix = `${redis.prefix}c`;
    const dataDir = mkdtempSync(join(tmpdir(), 'flowscope-registry-'));
    const old = new Queue('old', { connection: redis.connection, prefix });
    await old.add('x', {});
    const scansBeforeCore = await scanCalls();
    const core = await createCore({ shell: 'web', dataDir, redisUrl: redis.url, prefix, log: memoryLogger(), queuePollMs: 60_000 });
    await core.ready;
    try {
      // Connecting scans nothing (a CLI command that never lists queues never pays for a SCAN).
      expect(await core.dispatch('getConnectionStatus', {})).toMatchObject({ ok: true, result: { state: 'connected' } });
      expect(await scanCalls()).toBe(scansBeforeCore);
      const first = await core.dispatch('listQueues', {});
      expect(first.ok && names(first.result as QueueInfo[])).toEqual(['old']);
      const scans = await scanCalls();
      for (let i = 0; i < 10; i++) await core.dispatch('listQueues', {});
      expect(await scanCalls()).toBe(scans);

      const flows = new FlowProducer({ connection: redis.connection, prefix });
      const added = await flows.add({ name: 'root', queueName: 'fresh', children: [{ name: 'c', queueName: 'fresh-children' }] });
      const pushes: QueueInfo[][] = [];
      const listed = new Promise<void>((resolve) => {
        core.onEvent((e: PushEvent) => {
          if (e.event !== 'queues') return;
          pushes.push(e.payload);
          if (names(e.payload).includes('fresh-children')) resolve();
        });
      });
      const tree = await core.dispatch('getFlowTree', { queue: 'fresh', jobId: added.job.id! });
      expect(tree.ok).toBe(true);
      const list = await core.dispatch('listQueues', {});
      expect(list.ok && names(list.result as QueueInfo[])).toEqual(['fresh', 'fresh-children', 'old']);
      await listed;
      expect(await scanCalls()).toBe(scans);

      const hidden = new Queue('behind-its-back', { connection: redis.connection, prefix });
      await hidden.add('z', {});
      const stale = await core.dispatch('listQueues', {});
      expect(stale.ok && names(stale.result as QueueInfo[])).not.toContain('behind-its-back');
      const rescanned = await core.dispatch('listQueues', { rescan: true });
      expect(rescanned.ok && names(rescanned.result as QueueInfo[])).toContain('behind-its-back');
      expect(await scanCalls()).toBeGreaterThan(scans);
      await Promise.all([flows.close(), old.close(), hidden.close()]);
    } finally {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('on a small keyspace a listQueues rescans when the key count moved (and only then)', async () => {
    const prefix = `${redis.prefix}s`;
    const registry = createQueueRegistry({ redis: () => client, prefix: () => prefix, onList: () => undefined, smallKeyspaceKeys: 1_000_000 });
    expect(await registry.list()).toEqual([]);
    await registry.list();
    expect(registry.stats().scans).toBe(1);
    const q = new Queue('small', { connection: redis.connection, prefix });
    await q.add('x', {});
    expect(names(await registry.list())).toEqual(['small']);
    expect(registry.stats().scans).toBe(2);
    await registry.list();
    expect(registry.stats().scans).toBe(2);
    await q.close();
  });

  it('on a small keyspace the watcher finds a new queue even when the last SCAN looked slow (no backoff there)', async () => {
    const prefix = `${redis.prefix}w`;
    // A clock on which every SCAN seems to take a second (a host busy loading BullMQ): 200 s of backoff.
    let clock = 0;
    const now = () => (clock += 500);
    const small = createQueueRegistry({ redis: () => client, prefix: () => prefix, onList: () => undefined, smallKeyspaceKeys: 1_000_000, now });
    const big = createQueueRegistry({ redis: () => client, prefix: () => prefix, onList: () => undefined, now });
    expect(await small.list()).toEqual([]);
    expect(await big.list()).toEqual([]);
    expect(small.stats().lastScanMs).toBeGreaterThanOrEqual(500);
    const q = new Queue('late', { connection: redis.connection, prefix });
    await q.add('x', {});
    // What the watcher's tick asks: the small keyspace rescans, the big one waits out its backoff.
    expect(names((await small.rescanIfChanged())!)).toEqual(['late']);
    expect(await big.rescanIfChanged()).toBeNull();
    expect(big.stats().scans).toBe(1);
    await q.close();
  });
});
