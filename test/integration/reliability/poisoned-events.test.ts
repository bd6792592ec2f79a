// One events key of the wrong type (a string at P:Q:events) must not freeze the live views of
// every other queue: all views share one XREAD, which WRONGTYPE fails as a whole. The reader
// finds the bad stream, reports it once, drops it from the shared read and keeps serving the
// others; the view of that queue says its live updates are off; a repaired key is read again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../../shared/contract';
import type { FlowSnapshot } from '../../../shared/domain';
import { createCore, type Core } from '../../../electron/core/create-core';
import { createStreamReader, type StreamEntry } from '../../../electron/core/live/stream-reader';
import { memoryLogger } from '../../../electron/core/log/logger';
import { startTestRedis, type TestRedis } from '../../helpers/redis';

let redis: TestRedis;
let client: Redis;
beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
});
afterAll(async () => redis.stop());

/** Resolves once `predicate` holds, checked whenever `poke` is called. */
function condition() {
  const waiters: { predicate: () => boolean; resolve: () => void }[] = [];
  return {
    poke() {
      for (const w of [...waiters]) {
        if (w.predicate()) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    },
    until(predicate: () => boolean): Promise<void> {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
  };
}

describe('stream reader: an events key of the wrong type', () => {
  it('drops that stream from the shared XREAD, reports it once, keeps reading the others, and takes it back once it is a stream again', async () => {
    const good = `${redis.prefix}:good:events`;
    const bad = `${redis.prefix}:bad:events`;
    await client.set(bad, 'not a stream');
    const entries: StreamEntry[] = [];
    const badReports: { stream: string; type: string }[][] = [];
    const gaps: { streams: string[]; why: string }[] = [];
    const c = condition();
    const reader = createStreamReader(
      client,
      {
        onEntries: (batch) => {
          entries.push(...batch);
          c.poke();
        },
        onGap: (streams, why) => {
          gaps.push({ streams, why });
          c.poke();
        },
        onBadStreams: (streams) => {
          badReports.push(streams);
          c.poke();
        },
      },
      { recheckBadMs: 100 },
    );
    reader.add(good, '0-0');
    reader.add(bad, '0-0');
    await client.xadd(good, '*', 'event', 'completed', 'jobId', '1');
    await c.until(() => entries.some((e) => e.fields.jobId === '1'));
    expect(badReports).toEqual([[{ stream: bad, type: 'string' }]]);
    // Still followed (a view wants it), so it is not added again and again.
    expect(reader.streams()).toContain(bad);
    await client.xadd(good, '*', 'event', 'completed', 'jobId', '2');
    await c.until(() => entries.some((e) => e.fields.jobId === '2'));
    expect(badReports).toHaveLength(1);

    // Repaired: the key is a stream again, read from its end on, with a gap for a resync.
    await client.del(bad);
    await client.xadd(bad, '*', 'event', 'waiting', 'jobId', 'old');
    await c.until(() => gaps.some((g) => g.streams.includes(bad) && g.why === 'repaired'));
    await client.xadd(bad, '*', 'event', 'completed', 'jobId', '3');
    await c.until(() => entries.some((e) => e.stream === bad && e.fields.jobId === '3'));
    expect(entries.some((e) => e.fields.jobId === 'old')).toBe(false);
    await reader.close();
  });
});

describe('live views: an events key of the wrong type', () => {
  let core: Core;
  let dataDir: string;
  const log = memoryLogger();
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'flowscope-poison-'));
    core = await createCore({ shell: 'web', dataDir, redisUrl: redis.url, prefix: redis.prefix, log });
    await core.ready;
  });
  afterAll(async () => {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function addFlow(queue: string) {
    const flows = new FlowProducer({ connection: redis.connection, prefix: redis.prefix });
    const added = await flows.add({ name: 'root', queueName: queue, children: [{ name: 'a', queueName: queue }, { name: 'b', queueName: queue }] });
    await flows.close();
    return added;
  }

  async function view(session: string, queue: string, added: Awaited<ReturnType<typeof addFlow>>) {
    const pushes: PushEvent[] = [];
    const c = condition();
    core.onEvent((e) => {
      pushes.push(e);
      c.poke();
    }, session);
    const subscribed = await core.dispatch('subscribeFlow', { queue, jobId: added.job.id! }, session);
    expect(subscribed).toMatchObject({ ok: true });
    return { snapshot: (subscribed as { result: FlowSnapshot }).result, pushes, until: c.until, childIds: added.children!.map((ch) => ch.job.id!) };
  }

  it('a string at P:Q:events: views of other queues stay live, the view of Q says its live updates are off, logged once', async () => {
    const poisonedFlow = await addFlow('poisoned');
    const healthy = await view('s-healthy', 'healthy', await addFlow('healthy'));
    const poisoned = await view('s-poisoned', 'poisoned', poisonedFlow);
    // The poisoned queue's events key is overwritten while both views are live.
    const eventsKey = `${redis.prefix}:poisoned:events`;
    await client.del(eventsKey);
    await client.set(eventsKey, 'oops');

    const queue = new Queue('healthy', { connection: redis.connection, prefix: redis.prefix });
    await (await queue.getJob(healthy.childIds[0]!))!.remove();
    await queue.close();
    await healthy.until(() => healthy.pushes.some((e) => e.event === 'flowPatch' && e.payload.removed.length > 0));

    // The view of the poisoned queue gets a snapshot that says why it is no longer live.
    await poisoned.until(() => poisoned.pushes.some((e) => e.event === 'flowSnapshot' && (e.payload.warnings?.length ?? 0) > 0));
    const warned = poisoned.pushes.find((e) => e.event === 'flowSnapshot' && e.payload.warnings) as Extract<PushEvent, { event: 'flowSnapshot' }>;
    expect(warned.payload.warnings).toEqual([expect.stringMatching(new RegExp(`${eventsKey} is a string, not a stream`))]);
    expect(warned.payload.tree.nodes).toHaveLength(3);
    expect(log.entries.filter((e) => e.message.includes('wrong type') && JSON.stringify(e.fields).includes(eventsKey))).toHaveLength(1);

    // A new view of that queue opens too (without live updates, and says so).
    const another = await view('s-poisoned-2', 'poisoned', poisonedFlow);
    expect(another.snapshot.warnings).toEqual([expect.stringMatching(/is a string, not a stream/)]);
    // And a second change in the healthy queue is still delivered.
    const q2 = new Queue('healthy', { connection: redis.connection, prefix: redis.prefix });
    await (await q2.getJob(healthy.childIds[1]!))!.remove();
    await q2.close();
    await healthy.until(() => healthy.pushes.filter((e) => e.event === 'flowPatch' && e.payload.removed.length > 0).length >= 2);
  });
});
