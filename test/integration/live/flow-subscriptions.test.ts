// Live flow views against a real Redis with real BullMQ workers: the patches a client receives
// rebuild exactly the tree a fresh load shows, children added at run time grow in place, and
// a lost blocking connection ends in a fresh snapshot.
import { FlowProducer, Queue, Worker, type Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlowPatch, FlowSnapshot, FlowTree } from '../../../shared/domain';
import { createCore, type Core } from '../../../electron/core/create-core';
import { memoryLogger } from '../../../electron/core/log/logger';
import { JobOutcomes, startWorker, waitUntil } from '../../helpers/flows';
import { startTestRedis, type TestRedis } from '../../helpers/redis';
import { subscribeAs as subscribeSession, untilViewMatches as untilMatches } from './live-session';

let redis: TestRedis;
let core: Core;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  core = await createCore({ shell: 'web', dataDir: '/tmp', redisUrl: redis.url, prefix: redis.prefix, log: memoryLogger() });
  await core.ready;
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(async () => {
  await core.close();
  await redis.stop();
});

/** A client session of this file's core, closed after the test. */
async function subscribeAs(session: string, queue: string, jobId: string) {
  const view = await subscribeSession(core, session, queue, jobId);
  closers.push(async () => view.off());
  return view;
}

const untilViewMatches = (view: { tree(): FlowTree }, queue: string, jobId: string) => untilMatches(view, redis, queue, jobId);

describe('live flow views', () => {
  it('patches rebuild the tree a fresh load shows, while real workers complete and fail children', async () => {
    const { connection, prefix } = redis;
    const flows = new FlowProducer({ connection, prefix });
    closers.push(() => flows.close());
    const { job: root, children } = await flows.add({
      name: 'order',
      queueName: 'live-orders',
      children: [
        { name: 'charge', queueName: 'live-steps', data: { result: 42 } },
        { name: 'email', queueName: 'live-mail', data: { fail: 'smtp down' }, opts: { ignoreDependencyOnFailure: true } },
        {
          name: 'ship',
          queueName: 'live-steps',
          children: [
            { name: 'pack', queueName: 'live-steps' },
            { name: 'label', queueName: 'live-steps', data: { fail: 'printer jam' } },
          ],
        },
      ],
    });
    const view = await subscribeAs('client-a', 'live-orders', root.id!);
    const bystander = await subscribeAs('client-b', 'live-mail', children![1]!.job.id!);
    expect(view.snapshot.tree.nodes).toHaveLength(6);
    expect(view.snapshot.tree.nodes.every((n) => n.state !== 'completed')).toBe(true);

    const outcomes = new JobOutcomes();
    for (const q of ['live-steps', 'live-mail', 'live-orders']) {
      const worker = startWorker(outcomes, connection, prefix, q);
      closers.push(() => worker.close());
    }
    const key = (queue: string, id: string | undefined) => `${prefix}:${queue}:${id}`;
    const ship = children![2]!;
    await outcomes.until({
      [key('live-steps', children![0]!.job.id)]: 'completed',
      [key('live-mail', children![1]!.job.id)]: 'failed',
      [key('live-steps', ship.children![0]!.job.id)]: 'completed',
      [key('live-steps', ship.children![1]!.job.id)]: 'failed',
    });

    await untilViewMatches(view, 'live-orders', root.id!);
    const byKey = new Map(view.tree().nodes.map((n) => [n.key, n]));
    expect(byKey.get(key('live-steps', ship.children![1]!.job.id))).toMatchObject({ state: 'failed', bucket: 'unprocessed', blocking: true });
    expect(byKey.get(key('live-mail', children![1]!.job.id))).toMatchObject({ state: 'failed', bucket: 'ignored' });
    expect(view.gaps).toEqual([]);
    expect(view.events.length).toBeGreaterThan(0);
    // The other client's view (one job) changed too, and it never saw client-a's patches.
    expect(bystander.events.every((e) => e.subscriptionId === bystander.snapshot.subscriptionId)).toBe(true);
    expect(view.events.every((e) => e.subscriptionId === view.snapshot.subscriptionId)).toBe(true);
  });

  it('grows in place when a parent processor adds children at run time', async () => {
    const { connection, prefix } = redis;
    const parents = new Queue('live-runtime', { connection, prefix });
    closers.push(() => parents.close());
    const parent = await parents.add('orchestrate', { step: 'spawn' });
    const view = await subscribeAs('client-c', 'live-runtime', parent.id!);
    expect(view.snapshot.tree.nodes).toHaveLength(1);

    const outcomes = new JobOutcomes();
    const providers = startWorker(outcomes, connection, prefix, 'live-providers');
    closers.push(() => providers.close());
    const orchestrator = new Worker(
      'live-runtime',
      async (job: Job, token?: string) => {
        if (job.data.step === 'spawn') {
          const children = new Queue('live-providers', { connection, prefix });
          for (const name of ['openai', 'anthropic', 'mistral']) {
            await children.add(name, { result: name }, { parent: { id: job.id!, queue: job.queueQualifiedName }, ignoreDependencyOnFailure: true });
          }
          await children.close();
          await job.updateData({ step: 'collect' });
          if (await job.moveToWaitingChildren(token!)) throw new (await import('bullmq')).WaitingChildrenError();
        }
        return Object.keys(await job.getChildrenValues()).length;
      },
      { connection, prefix },
    );
    closers.push(() => orchestrator.close());
    outcomes.watch(orchestrator);
    await outcomes.until({ [`${prefix}:live-runtime:${parent.id}`]: 'completed' });

    await untilViewMatches(view, 'live-runtime', parent.id!);
    const kids = view.tree().nodes.filter((n) => n.parentKey === `${prefix}:live-runtime:${parent.id}`);
    expect(kids.map((n) => n.name).sort()).toEqual(['anthropic', 'mistral', 'openai']);
    expect(kids.every((n) => n.state === 'completed' && n.bucket === 'processed')).toBe(true);
    expect(view.tree().nodes.find((n) => n.key === view.tree().root)?.state).toBe('completed');
  });

  it('keeps children loaded by a later page live when the page names the view', async () => {
    const { connection, prefix } = redis;
    const flows = new FlowProducer({ connection, prefix });
    const items = new Queue('live-paged-items', { connection, prefix });
    closers.push(() => flows.close(), () => items.close());
    // Delayed children, so the test decides which complete, and in which order.
    const { job: root } = await flows.add({
      name: 'batch',
      queueName: 'live-paged',
      children: Array.from({ length: 7 }, (_, n) => ({ name: `item-${n}`, queueName: 'live-paged-items', data: { result: n }, opts: { delay: 3_600_000 } })),
    });
    const session = 'client-paged';
    const events: FlowPatch[] = [];
    const off = core.onEvent((e) => e.event === 'flowPatch' && events.push(e.payload), session);
    closers.push(async () => off());
    const subscribed = await core.dispatch('subscribeFlow', { queue: 'live-paged', jobId: root.id!, pageSize: 2 }, session);
    if (!subscribed.ok) throw new Error(subscribed.error.message);
    const snapshot = subscribed.result as FlowSnapshot;
    const rootKey = `${prefix}:live-paged:${root.id}`;
    const firstPage = snapshot.tree.nodes.filter((n) => n.parentKey === rootKey).map((n) => n.key);
    const cut = snapshot.tree.truncated.find((t) => t.parentKey === rootKey)!;
    expect(cut).toMatchObject({ bucket: 'unprocessed', shown: 2, total: 7 });

    const paged = await core.dispatch(
      'getChildrenPage',
      { parentKey: rootKey, bucket: 'unprocessed', cursor: cut.nextCursor, pageSize: 3, shown: 2, parentDepth: 0, subscriptionId: snapshot.subscriptionId },
      session,
    );
    if (!paged.ok) throw new Error(paged.error.message);
    const pageKeys = (paged.result as { nodes: { key: string }[] }).nodes.map((n) => n.key);
    expect(pageKeys).toHaveLength(3);

    const outcomes = new JobOutcomes();
    const worker = startWorker(outcomes, connection, prefix, 'live-paged-items');
    closers.push(() => worker.close());
    const idOf = (key: string) => key.slice(key.lastIndexOf(':') + 1);
    // The first page's children complete first and take the parent's first processed page, so
    // only the subscription can keep the later page's children up to date.
    for (const key of firstPage) await (await items.getJob(idOf(key)))!.promote();
    await outcomes.until(Object.fromEntries(firstPage.map((k) => [k, 'completed' as const])));
    for (const key of pageKeys) await (await items.getJob(idOf(key)))!.promote();
    await outcomes.until(Object.fromEntries(pageKeys.map((k) => [k, 'completed' as const])));
    await waitUntil(async () => pageKeys.every((k) => events.some((p) => p.upserts.some((n) => n.key === k && n.state === 'completed'))));
    const last = new Map(events.flatMap((p) => p.upserts).map((n) => [n.key, n]));
    for (const key of pageKeys) expect(last.get(key)).toMatchObject({ state: 'completed', bucket: 'processed', parentKey: rootKey });
  });

  it('pushes a fresh snapshot after its blocking connection is lost', async () => {
    const queue = new Queue('live-gap', { connection: redis.connection, prefix: redis.prefix });
    closers.push(() => queue.close());
    const job = await queue.add('solo', {});
    const view = await subscribeAs('client-d', 'live-gap', job.id!);
    const admin = redis.client();
    let readerId: string | undefined;
    await waitUntil(async () => {
      const line = ((await admin.client('LIST')) as string).split('\n').find((l) => / cmd=xread/.test(l));
      readerId = line?.match(/\bid=(\d+)/)?.[1];
      return readerId !== undefined;
    });
    await admin.client('KILL', 'ID', readerId!);
    await waitUntil(async () => view.events.some((e) => 'tree' in e));
    const snapshot = view.events.find((e): e is FlowSnapshot => 'tree' in e)!;
    expect(snapshot.seq).toBeGreaterThan(view.snapshot.seq);
    expect(snapshot.tree.root).toBe(`${redis.prefix}:live-gap:${job.id}`);
  });

  it('refuses a view of a missing job and another session\'s subscription', async () => {
    const missing = await core.dispatch('subscribeFlow', { queue: 'nope', jobId: '404' }, 's1');
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const queue = new Queue('live-own', { connection: redis.connection, prefix: redis.prefix });
    closers.push(() => queue.close());
    const job = await queue.add('mine', {});
    const view = await subscribeAs('owner', 'live-own', job.id!);
    const stolen = await core.dispatch('resyncFlow', { subscriptionId: view.snapshot.subscriptionId }, 'intruder');
    expect(stolen).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.dispatch('unsubscribeFlow', { subscriptionId: view.snapshot.subscriptionId }, 'intruder')).toEqual({ ok: true, result: { unsubscribed: false } });
    expect(await core.dispatch('unsubscribeFlow', { subscriptionId: view.snapshot.subscriptionId }, 'owner')).toEqual({ ok: true, result: { unsubscribed: true } });
  });
});
