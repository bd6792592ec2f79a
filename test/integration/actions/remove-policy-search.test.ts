// The remove-policy search (find-failed-children.ts, find-removed-failures.lua) over failed
// zsets where thousands of jobs failed in the same millisecond, as a worker of high concurrency
// fails them: every remove-policy job is found, across pages, and no script call reads more
// than its bound of jobs (it used to keep each score's jobs in one page, so one call read them
// all: 70-90 ms in the actions bench's SLOWLOG).
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewRemoveUnprocessed, removeUnprocessed } from '../../../electron/core/actions';
import { ActionCost } from '../../../electron/core/actions/cost';
import { findRemovedFailures, PAGE } from '../../../electron/core/actions/find-failed-children';
import { startTestRedis, type TestRedis } from '../../helpers/redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis.stop());

/** Failed jobs written as BullMQ's moveToFinished leaves them; `parentOf(i)` names a remove-policy parent, or none. */
async function failMany(client: Redis, queueKey: string, count: number, score: (i: number) => number, parentOf: (i: number) => string | null) {
  const p = client.pipeline();
  for (let i = 0; i < count; i++) {
    const id = `j${String(i).padStart(5, '0')}`;
    const key = `${queueKey}:${id}`;
    const parentKey = parentOf(i);
    const fields: Record<string, string | number> = { name: 'n', data: '{}', opts: '{"attempts":1}', timestamp: score(i) - 10, finishedOn: score(i), failedReason: 'broken' };
    if (parentKey) {
      const at = parentKey.lastIndexOf(':');
      fields.parentKey = parentKey;
      fields.parent = JSON.stringify({ id: parentKey.slice(at + 1), queueKey: parentKey.slice(0, at), rdof: true });
    }
    p.hset(key, fields);
    p.zadd(`${queueKey}:failed`, score(i), id);
  }
  await p.exec();
}

/** Every Lua HGET of a job's `parent` field, grouped by the script call it ran in (MONITOR logs a call before its commands). */
async function readsPerCall<T>(fn: () => Promise<T>): Promise<{ value: T; reads: number[] }> {
  const monitor = await redis.client().monitor();
  const reads: number[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const command = args[0]!.toLowerCase();
    if (command === 'eval' || command === 'evalsha') reads.push(0);
    else if (source === 'lua' && command === 'hget' && args[2] === 'parent') reads[reads.length - 1]!++;
  });
  try {
    const value = await fn();
    // A marker through the same server: MONITOR has passed on everything before it.
    const marker = redis.client();
    const seen = new Promise<void>((resolve) => monitor.on('monitor', (_t: string, args: string[]) => args[1] === 'flowscope-test-marker' && resolve()));
    await marker.get('flowscope-test-marker');
    await seen;
    marker.disconnect();
    return { value, reads };
  } finally {
    monitor.disconnect();
  }
}

describe('the remove-policy search', () => {
  it('finds every remove-policy failure among more than a page of jobs that failed in the same millisecond, no call reading more than a page', async () => {
    const client = redis.client();
    const queueKey = `${redis.prefix}:same-ms`;
    const at = Date.now();
    // PAGE + 700 jobs with one score, one in seven a remove-policy child of one of two parents.
    const count = PAGE + 700;
    const parents = [`${redis.prefix}:parents:a`, `${redis.prefix}:parents:b`];
    await failMany(client, queueKey, count, () => at, (i) => (i % 7 === 0 ? parents[i % 2]! : null));
    const { value: found, reads } = await readsPerCall(() => findRemovedFailures(new ActionCost(client), [queueKey], at - 1000));
    const expected = Array.from({ length: count }, (_, i) => i)
      .filter((i) => i % 7 === 0)
      .map((i) => ({ key: `${queueKey}:j${String(i).padStart(5, '0')}`, parentKey: parents[i % 2] }));
    expect([...found].sort((a, b) => (a.key < b.key ? -1 : 1))).toEqual(expected);
    expect(reads.reduce((a, b) => a + b, 0)).toBe(count);
    expect(Math.max(...reads)).toBeLessThanOrEqual(PAGE);
    client.disconnect();
  });

  it('with a small page: scores shared by many jobs, jobs before `since` left out, each page read once, a retried job (gone from the set) shifting nothing', async () => {
    const client = redis.client();
    const queueKey = `${redis.prefix}:small-pages`;
    const at = Date.now();
    // 3 scores: one before `since` (never read), then 23 and 17 jobs sharing each of two scores.
    const score = (i: number) => (i < 10 ? at - 5000 : i < 33 ? at : at + 1);
    await failMany(client, queueKey, 50, score, (i) => (i % 2 === 0 ? `${redis.prefix}:parents:p` : null));
    const cost = new ActionCost(client);
    const { value: found, reads } = await readsPerCall(() => findRemovedFailures(cost, [queueKey], at - 1000, 5));
    const expected = Array.from({ length: 50 }, (_, i) => i).filter((i) => i >= 10 && i % 2 === 0);
    expect(found.map((f) => f.key).sort()).toEqual(expected.map((i) => `${queueKey}:j${String(i).padStart(5, '0')}`));
    expect(Math.max(...reads)).toBeLessThanOrEqual(5);
    expect(reads.reduce((a, b) => a + b, 0)).toBe(40);
    // The first page, then the other seven at once.
    expect(cost.stats().roundTrips).toBe(2);

    // A page's start job leaves the set between the two round trips: every other job is still found.
    const trips = new ActionCost(client).trips;
    const run = trips.run.bind(trips);
    let round = 0;
    trips.run = async (calls, onReply) => {
      if (round++ === 1) await client.zrem(`${queueKey}:failed`, 'j00020'); // the start of the third page
      return run(calls, onReply);
    };
    const again = await findRemovedFailures({ trips, add: () => undefined } as unknown as ActionCost, [queueKey], at - 1000, 5);
    expect(again.map((f) => f.key).sort()).toEqual(expected.filter((i) => i !== 20).map((i) => `${queueKey}:j${String(i).padStart(5, '0')}`));
    client.disconnect();
  });

  it('Remove unprocessed takes every remove-policy failure of a child, when they failed in the same millisecond as thousands of others', async () => {
    const client = redis.client();
    const { prefix } = redis;
    const parentKey = `${prefix}:rp-parents:1`;
    const childKey = `${prefix}:rp-items:c1`;
    const now = Date.now();
    await client.hset(parentKey, { name: 'parent', data: '{}', opts: '{}', timestamp: now - 100 });
    await client.zadd(`${prefix}:rp-parents:waiting-children`, now - 100, '1');
    await client.sadd(`${parentKey}:dependencies`, childKey);
    await client.hset(childKey, { name: 'child', data: '{}', opts: '{}', timestamp: now - 90, parentKey, parent: JSON.stringify({ id: '1', queueKey: `${prefix}:rp-parents` }) });
    await client.rpush(`${prefix}:rp-items:wait`, 'c1');
    // The child's own remove-policy children failed (it went back to wait), amid PAGE + 1,000 other failures of that millisecond.
    const failedQueue = `${prefix}:rp-leaves`;
    await failMany(client, failedQueue, PAGE + 1000, () => now, (i) => (i % 500 === 499 ? childKey : null));
    const removedFailures = Array.from({ length: PAGE + 1000 }, (_, i) => i).filter((i) => i % 500 === 499).map((i) => `${failedQueue}:j${String(i).padStart(5, '0')}`);
    const search = { queues: async () => [`${prefix}:rp-parents`, `${prefix}:rp-items`, failedQueue] };
    const preview = await previewRemoveUnprocessed(client, prefix, parentKey, search);
    expect([...preview.removed].sort()).toEqual([...removedFailures, childKey].sort());
    const result = await removeUnprocessed(client, prefix, parentKey, search);
    expect([...result.removed].sort()).toEqual([...removedFailures, childKey].sort());
    expect(result.releasesParent).toBe(true);
    for (const key of removedFailures) expect(await client.exists(key)).toBe(0);
    expect(await client.zcard(`${failedQueue}:failed`)).toBe(PAGE + 1000 - removedFailures.length);
    client.disconnect();
  });
});
