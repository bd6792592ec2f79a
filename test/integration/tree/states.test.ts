// Every BullMQ state a node can be in, across several queues (one named with ':'), checked
// against Job.getState() node for node: delayed, prioritized, waiting, paused-queue waiting,
// active, completed, failed, and a parent still in waiting-children; plus children added at run
// time from inside the parent's processor. Once per BullMQ major of the matrix: BullMQ 5 keeps a
// paused queue's jobs in P:Q:paused, BullMQ 6 in P:Q:wait.
import type { FlowProducer, Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTree } from '../../../electron/core/tree';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { BullmqOracle, JobOutcomes, loaderView, startWorker, unaccounted } from '../../helpers/flows';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
let client: Redis;
beforeAll(() => {
  client = redis.client();
});

describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq, major }) => {
  const { Queue, WaitingChildrenError } = bullmq;
  let flows: FlowProducer;
  let oracle: BullmqOracle;
  const outcomes = new JobOutcomes();
  const workers: Worker[] = [];
  let P: string;
  const worker = (prefix: string, queue: string, processor?: Parameters<typeof startWorker>[4], concurrency = 20) =>
    startWorker(outcomes, redis.connection, prefix, queue, processor, concurrency, bullmq);

  beforeAll(() => {
    P = `${redis.prefix}v${major}`;
    flows = new bullmq.FlowProducer({ connection: redis.connection, prefix: P });
    oracle = new BullmqOracle(redis.connection, bullmq);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all([flows.close(), oracle.close()]);
  });

  describe('states across queues', () => {
    it('matches BullMQ for delayed, prioritized, waiting, paused, active, completed, failed and waiting-children', async () => {
      // BullMQ 6 refuses ':' in a queue name, but the same keys come from queue `invoices` under
      // prefix `P:billing`: under prefix P that is queue `billing:invoices`.
      const billing = `${P}:billing`;
      const paused = new Queue('x-paused', { connection: redis.connection, prefix: P });
      await paused.pause();
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let started!: (job: Job) => void;
      const activeJob = new Promise<Job>((r) => (started = r));

      const node = await flows.add({
        name: 'root',
        queueName: 'x-root',
        children: [
          { name: 'later', queueName: 'x-one', opts: { delay: 60_000 } },
          { name: 'urgent', queueName: 'x-one', opts: { priority: 3 } },
          { name: 'queued', queueName: 'x-one' },
          { name: 'on-hold', queueName: 'x-paused' },
          { name: 'busy', queueName: 'x-busy' },
          {
            name: 'invoice',
            queueName: 'invoices',
            prefix: billing,
            children: [
              { name: 'line-ok', queueName: 'x-two' },
              { name: 'line-bad', queueName: 'x-two', data: { fail: 'no stock' }, opts: { attempts: 2, continueParentOnFailure: true } },
            ],
          },
        ],
      });
      const key = (n: { job: { queueName: string; id?: string; prefix?: string } }) =>
        `${n.job.queueName === 'invoices' ? billing : P}:${n.job.queueName}:${n.job.id}`;
      const [, , , , busy, invoice] = node.children!;
      const [lineOk, lineBad] = invoice!.children!;

      workers.push(worker(P, 'x-two', undefined, 1));
      await outcomes.until({ [key(lineOk!)]: 'completed', [key(lineBad!)]: 'failed' });
      workers.push(
        worker(billing, 'invoices'),
        worker(P, 'x-busy', async (job) => {
          started(job);
          await held;
          return 'finally';
        }),
      );
      await outcomes.until({ [key(invoice!)]: 'completed' });
      await activeJob;

      const tree = await loadTree(client, P, 'x-root', node.job.id!);
      expect(loaderView(tree)).toEqual(await oracle.walk(tree.root));
      expect(unaccounted(tree)).toEqual([]);
      const byName = new Map(tree.nodes.map((n) => [n.name, n]));
      expect(Object.fromEntries([...byName].map(([name, n]) => [name, n.state]))).toEqual({
        root: 'waiting-children',
        later: 'delayed',
        urgent: 'prioritized',
        queued: 'waiting',
        'on-hold': 'waiting',
        busy: 'active',
        invoice: 'completed',
        'line-ok': 'completed',
        'line-bad': 'failed',
      });
      expect(byName.get('invoice')).toMatchObject({ queue: 'billing:invoices', key: key(invoice!), bucket: 'processed' });
      expect(byName.get('line-bad')).toMatchObject({ bucket: 'ignored', policy: 'continue-parent', attemptsMade: 2, attempts: 2 });
      expect(byName.get('later')).toMatchObject({ delay: 60_000 });
      expect(byName.get('urgent')).toMatchObject({ priority: 3 });
      // The paused queue keeps on-hold where its BullMQ does: 5 in P:Q:paused, 6 in P:Q:wait.
      expect(await client.lrange(`${P}:x-paused:${major === 5 ? 'paused' : 'wait'}`, 0, -1)).toEqual([byName.get('on-hold')!.id]);

      // The grandchildren's view has both ancestors, across the ':' queue.
      const leaf = await loadTree(client, P, 'x-two', lineOk!.job.id!);
      expect(leaf.ancestors).toEqual([tree.root, key(invoice!)]);
      expect(leaf.nodes[0]).toMatchObject({ queue: 'x-two', parentKey: key(invoice!), bucket: 'processed' });

      release();
      await outcomes.until({ [key(busy!)]: 'completed' });
      await paused.close();
    });
  });

  describe('children added at run time', () => {
    it('shows children a parent processor adds before moving itself to waiting-children', async () => {
      let seeded!: () => void;
      const waitingForChildren = new Promise<void>((r) => (seeded = r));
      const children = new Queue('rt-child', { connection: redis.connection, prefix: P });
      workers.push(
        worker(P, 'rt-parent', async (job, token) => {
          let step = (job.data as { step?: string }).step ?? 'seed';
          if (step === 'seed') {
            const parent = { id: job.id!, queue: job.queueQualifiedName };
            await children.add('rt-ok', {}, { parent });
            await children.add('rt-ignored', { fail: 'bad row' }, { parent, ignoreDependencyOnFailure: true });
            await children.add('rt-later', {}, { parent, delay: 200 });
            await job.updateData({ step: 'collect' });
            step = 'collect';
            if (await job.moveToWaitingChildren(token!)) {
              seeded();
              throw new WaitingChildrenError();
            }
          }
          return step === 'collect' ? 'collected' : 'unknown step';
        }),
      );
      const parentQueue = new Queue('rt-parent', { connection: redis.connection, prefix: P });
      const parent = await parentQueue.add('seed', {});
      const parentKey = `${P}:rt-parent:${parent.id}`;
      await waitingForChildren;

      const before = await loadTree(client, P, 'rt-parent', parent.id!);
      expect(loaderView(before)).toEqual(await oracle.walk(before.root));
      expect(before.nodes[0]).toMatchObject({ state: 'waiting-children', childCounts: { unprocessed: 3, processed: 0, failed: 0, ignored: 0 } });
      expect(before.nodes.slice(1).map((n) => n.state).sort()).toEqual(['delayed', 'waiting', 'waiting']);

      workers.push(worker(P, 'rt-child'));
      await outcomes.until({ [parentKey]: 'completed' });
      const after = await loadTree(client, P, 'rt-parent', parent.id!);
      expect(loaderView(after)).toEqual(await oracle.walk(after.root));
      expect(after.nodes[0]).toMatchObject({ state: 'completed', childCounts: { processed: 2, ignored: 1, unprocessed: 0, failed: 0 } });
      expect(after.nodes.find((n) => n.name === 'rt-ignored')).toMatchObject({ state: 'failed', bucket: 'ignored', policy: 'ignore' });
      await Promise.all([children.close(), parentQueue.close()]);
    });
  });
});
