// Live views under more events than they can take in (issue 13): a burst that puts the stream
// reader more than a second (stream time) behind makes it skip ahead and the view resync from
// a snapshot, never work through a backlog; afterwards the view goes on with patches and ends
// equal to a fresh load. And a child that changed bucket with no event of its own is still
// found by the parent's counts (the safety net of the counts-only parent reads).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../electron/core/create-core';
import { memoryLogger } from '../../../electron/core/log/logger';
import { addWideFlow, JobOutcomes, startWorker, waitUntil } from '../../helpers/flows';
import { startTestRedis, type TestRedis } from '../../helpers/redis';
import { subscribeAs, untilViewMatches } from './live-session';

let redis: TestRedis;
let core: Core;
const log = memoryLogger();

beforeAll(async () => {
  redis = await startTestRedis();
  core = await createCore({ shell: 'web', dataDir: '/tmp', redisUrl: redis.url, prefix: redis.prefix, log });
  await core.ready;
});
afterAll(async () => {
  await core.close();
  await redis.stop();
});

describe('live views under bursts', () => {
  it('a burst that puts the reader over a second behind ends in a resync snapshot, then patches, then equals Redis', async () => {
    await addWideFlow(redis, 'burst-root', 'burst-items', 40);
    const view = await subscribeAs(core, 'burst', 'burst-root', 'root');
    const stream = `${redis.prefix}:burst-items:events`;
    const client = redis.client();
    // 5,000 entries at once (MULTI), their ids spanning 5 s of stream time: the reader takes
    // 1,000 per read, so after its first read it is 5 s behind the newest.
    const [seconds, micros] = (await client.time()).map(Number) as [number, number];
    const t = seconds * 1000 + Math.floor(micros / 1000) + 10;
    const multi = client.multi();
    for (let i = 0; i < 4999; i++) multi.xadd(stream, `${t}-${i}`, 'event', 'progress', 'jobId', `c-${i % 40}`, 'data', '1');
    multi.xadd(stream, `${t + 5000}-0`, 'event', 'progress', 'jobId', 'c-0', 'data', '2');
    await multi.exec();

    await waitUntil(async () => view.events.some((e) => 'tree' in e));
    expect(log.entries.some((e) => e.message === 'flow view resyncs' && e.fields?.why === 'behind')).toBe(true);
    const resyncAt = view.events.findIndex((e) => 'tree' in e);

    // Afterwards the view is live as before: the children's completions come as patches.
    const outcomes = new JobOutcomes();
    const worker = startWorker(outcomes, redis.connection, redis.prefix, 'burst-items');
    try {
      await outcomes.until(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`${redis.prefix}:burst-items:c-${i}`, 'completed' as const])));
      await untilViewMatches(view, redis, 'burst-root', 'root');
      const after = view.events.slice(resyncAt + 1);
      expect(after.some((e) => 'upserts' in e && e.upserts.some((n) => n.state === 'completed'))).toBe(true);
      expect(view.gaps).toEqual([]);
    } finally {
      await worker.close();
      view.off();
    }
  });

  it('finds a child that moved bucket with no event of its own, from its parent counts', async () => {
    await addWideFlow(redis, 'quiet-root', 'quiet-items', 3);
    const view = await subscribeAs(core, 'quiet', 'quiet-root', 'root');
    const root = `${redis.prefix}:quiet-root:root`;
    const moved = `${redis.prefix}:quiet-items:c-0`;
    const client = redis.client();
    // c-0 leaves the unprocessed bucket for processed behind BullMQ's back (no event names it)...
    await client.multi().srem(`${root}:dependencies`, moved).hset(`${root}:processed`, moved, '"done"').exec();
    // ...and an event names a sibling: the parent is read for its counts, which no longer add up.
    await client.xadd(`${redis.prefix}:quiet-items:events`, '*', 'event', 'progress', 'jobId', 'c-1', 'data', '1');
    await untilViewMatches(view, redis, 'quiet-root', 'root');
    expect(view.tree().nodes.find((n) => n.key === moved)?.bucket).toBe('processed');
    view.off();
  });
});
