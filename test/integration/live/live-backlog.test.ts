// A backlog of events larger than one refresh takes (MAX_KEYS_PER_RUN job keys) goes out in
// several short runs, pipelined (issue 13: the first patch early, not after one long re-read of
// everything): each patch holds at most that many jobs, the patches follow each other in
// sequence, and the view ends equal to a fresh load.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/core/create-core';
import { MAX_KEYS_PER_RUN } from '../../../electron/core/live/flow-subscriptions';
import { memoryLogger } from '../../../electron/core/log/logger';
import { addWideFlow, waitUntil } from '../../helpers/flows';
import { startTestRedis, type TestRedis } from '../../helpers/redis';
import { subscribeAs, untilViewMatches } from './live-session';

let redis: TestRedis;
let core: Core;

beforeAll(async () => {
  redis = await startTestRedis();
  core = await createCore({ shell: 'web', dataDir: '/tmp', redisUrl: redis.url, prefix: redis.prefix, log: memoryLogger() });
  await core.ready;
});
afterAll(async () => {
  await core.close();
  await redis.stop();
});

describe('live views with a backlog', () => {
  it('re-read in runs of at most MAX_KEYS_PER_RUN jobs, patches in sequence, then equal to Redis', async () => {
    const children = MAX_KEYS_PER_RUN * 2 + 100;
    await addWideFlow(redis, 'backlog-root', 'backlog-items', children);
    const view = await subscribeAs(core, 'backlog', 'backlog-root', 'root', { pageSize: children });
    expect(view.snapshot.tree.nodes).toHaveLength(children + 1);
    const client = redis.client();
    // Every child renamed, then one event each, written at once: the reader hands them all on
    // in one read, so they are all pending for the view together.
    const multi = client.multi();
    for (let i = 0; i < children; i++) multi.hset(`${redis.prefix}:backlog-items:c-${i}`, 'name', 'renamed');
    for (let i = 0; i < children; i++) multi.xadd(`${redis.prefix}:backlog-items:events`, '*', 'event', 'progress', 'jobId', `c-${i}`, 'data', '1');
    await multi.exec();

    const renamed = () => new Set(view.events.flatMap((e) => ('upserts' in e ? e.upserts.filter((n) => n.name === 'renamed').map((n) => n.key) : [])));
    await waitUntil(async () => renamed().size === children);
    const patches = view.events.filter((e) => 'upserts' in e);
    expect(patches.length).toBe(view.events.length); // no resync: patches only
    expect(patches.length).toBeGreaterThanOrEqual(Math.ceil(children / MAX_KEYS_PER_RUN));
    for (const patch of patches) expect(patch.upserts.length).toBeLessThanOrEqual(MAX_KEYS_PER_RUN);
    expect(view.gaps).toEqual([]);
    await untilViewMatches(view, redis, 'backlog-root', 'root', { pageSize: children });
    view.off();
  });
});
