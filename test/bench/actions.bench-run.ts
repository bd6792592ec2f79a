// The repair actions at scale, side by side with the naive loop of BullMQ calls on an
// identical flow, on the same Redis:
//   retry 5,000 failed children of a 10,000-child parent: retryFailedChildren (one atomic
//     operation per batch, parent reopened) vs job.retry() per failed child (which never
//     reopens the parent);
//   remove 5,000 unprocessed children: removeUnprocessed vs job.remove() per child.
// Target (SPEC §10): <= 1 s each.
import { FlowProducer, Job, Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { removeUnprocessed, retryFailedChildren } from '../../electron/core/actions';
import { waitUntil } from '../helpers/flows';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { ms, ratio, report, type BenchResult } from './measure';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis.stop());

const CHILDREN = 10_000;

it('retries 5,000 failed children and removes 5,000 unprocessed ones, against the naive loops', async () => {
  const { connection, prefix } = redis;
  const client = redis.client();
  const producer = new FlowProducer({ connection, prefix });
  const items = new Queue('ba-items', { connection, prefix });
  const result: BenchResult = { name: 'actions', rows: [], notes: [] };

  // Two identical fan-outs whose even children fail (ignore policy), processed by real workers.
  const fanOut = async (name: string) =>
    (await producer.add({
      name,
      queueName: 'ba-parents',
      children: Array.from({ length: CHILDREN }, (_, n) => ({
        name: 'item',
        queueName: 'ba-items',
        data: { n, fail: n % 2 === 0 },
        opts: { attempts: 1, ignoreDependencyOnFailure: true },
      })),
    })).job.id!;
  const ours = await fanOut('ours');
  const naive = await fanOut('naive');
  const worker = new Worker('ba-items', async (job) => {
    if (job.data.fail) throw new Error('broken');
    return job.data.n;
  }, { connection, prefix, concurrency: 500 });
  const parents = new Worker('ba-parents', async () => 'done', { connection, prefix });
  await waitUntil(async () => (await items.getFailedCount()) === CHILDREN, 300_000, 250);
  await waitUntil(async () => (await new Queue('ba-parents', { connection, prefix }).getCompletedCount()) === 2, 60_000, 100);
  await worker.close();
  await parents.close();

  let started = performance.now();
  const retried = await retryFailedChildren(client, prefix, `${prefix}:ba-parents:${ours}`);
  const oursMs = performance.now() - started;
  expect(retried.retried).toHaveLength(CHILDREN / 2);

  const failedKeys = await client.hkeys(`${prefix}:ba-parents:${naive}:failed`);
  started = performance.now();
  for (const key of failedKeys) {
    const job = await Job.fromId(items, key.slice(key.lastIndexOf(':') + 1));
    await job!.retry('failed');
  }
  const naiveMs = performance.now() - started;
  result.rows.push({
    case: 'retry 5,000 failed children of a 10,000-child parent (naive: job.retry() per child)',
    figures: { Flowscope: ms(oursMs), 'naive BullMQ loop': ms(naiveMs), speed_up: ratio(naiveMs, oursMs), 'target <= 1 s': oursMs <= 1000 ? 'met' : 'missed' },
  });

  // Removal: two parents with 5,000 waiting children each, no workers.
  const waitingFanOut = async (name: string) =>
    (await producer.add({
      name,
      queueName: 'br-parents',
      children: Array.from({ length: CHILDREN / 2 }, (_, n) => ({ name: 'upload', queueName: 'br-items', data: { n } })),
    })).job.id!;
  const removeOurs = await waitingFanOut('ours');
  const removeNaive = await waitingFanOut('naive');
  started = performance.now();
  const removed = await removeUnprocessed(client, prefix, `${prefix}:br-parents:${removeOurs}`);
  const removeOursMs = performance.now() - started;
  expect(removed.removed).toHaveLength(CHILDREN / 2);

  const brItems = new Queue('br-items', { connection, prefix });
  const deps = await client.smembers(`${prefix}:br-parents:${removeNaive}:dependencies`);
  started = performance.now();
  for (const key of deps) await brItems.remove(key.slice(key.lastIndexOf(':') + 1));
  const removeNaiveMs = performance.now() - started;
  result.rows.push({
    case: 'remove 5,000 unprocessed children (naive: queue.remove() per child)',
    figures: { Flowscope: ms(removeOursMs), 'naive BullMQ loop': ms(removeNaiveMs), speed_up: ratio(removeNaiveMs, removeOursMs), 'target <= 1 s': removeOursMs <= 1000 ? 'met' : 'missed' },
  });
  result.notes.push(
    'Single runs on fresh, identical flows (an action cannot be repeated on the same flow). The naive retry loop also leaves the parent completed: nothing aggregates the retried results.',
  );
  report(result);
  await Promise.all([producer.close(), items.close(), brItems.close()]);
});
