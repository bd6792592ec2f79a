// Queue watches and the watch's edges, on a real Redis with real BullMQ workers, through a
// read-only connection (watching writes nothing, so read-only allows it): a watched queue tells
// of the flows rooted in it that complete or fail and of its jobs that block their flow, never
// of plain jobs; a connection switch ends every watch with a reason.
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { JobOutcomes } from '../../helpers/flows';
import { coreForFile } from '../../helpers/core-per-file';
import { callAs, watchTestKit } from '../../helpers/watch-client';

const file = coreForFile({ core: { readOnly: true } });
const { redis, core } = file;
const { client, producer, workers, closing } = watchTestKit(file);

describe('watching on a read-only connection', () => {
  it('watches a flow although repairs are refused', async () => {
    const { job: root } = await producer().add({ name: 'ro', queueName: 'q-ro', children: [{ name: 'step', queueName: 'q-ro-steps' }] });
    const support = client('ro-a');
    const info = await support.watch('q-ro', root.id!);
    const refused = await core.dispatch('retryFailedChildren', { parentKey: info.key! }, 'ro-a');
    expect(refused).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    workers(new JobOutcomes(), ['q-ro-steps', 'q-ro']);
    expect(await support.next((e) => e.outcome === 'completed')).toMatchObject({ watchId: info.id, jobId: root.id });
  });
});

describe('watching a queue', () => {
  it('tells of flows rooted in it that complete or fail, and of its jobs that block a flow; not of plain jobs', async () => {
    const flows = producer();
    const plain = new Queue('q-orders', { connection: redis.connection, prefix: redis.prefix });
    closing(() => plain.close());
    // The queue must exist to be watched.
    await plain.add('warm-up', {}, { delay: 3_600_000 });
    const support = client('queue-a');
    const info = await support.watchQueue('q-orders');
    expect(info).toMatchObject({ kind: 'queue', queue: 'q-orders', jobId: null, key: null, outcome: null });

    const { job: good } = await flows.add({ name: 'good', queueName: 'q-orders', children: [{ name: 'pay', queueName: 'q-pay' }] });
    const { job: bad } = await flows.add({
      name: 'bad',
      queueName: 'q-orders',
      children: [{ name: 'pay', queueName: 'q-pay', data: { fail: 'card declined' }, opts: { failParentOnFailure: true } }],
    });
    // Rooted elsewhere, with a child in the watched queue that fails with no policy.
    const { job: elsewhere, children } = await flows.add({
      name: 'elsewhere',
      queueName: 'q-other',
      children: [{ name: 'line', queueName: 'q-orders', data: { fail: 'no stock' } }],
    });
    const plainJob = await plain.add('plain', { result: 1 });

    const outcomes = new JobOutcomes();
    workers(outcomes, ['q-pay', 'q-orders', 'q-other']);
    const completed = await support.next((e) => e.outcome === 'completed');
    const failed = await support.next((e) => e.outcome === 'failed');
    const stuck = await support.next((e) => e.outcome === 'stuck');
    expect(completed).toMatchObject({ watchId: info.id, kind: 'queue', queue: 'q-orders', jobId: good.id, name: 'good' });
    expect(failed).toMatchObject({ watchId: info.id, kind: 'queue', queue: 'q-orders', jobId: bad.id, name: 'bad' });
    expect(stuck).toMatchObject({ watchId: info.id, kind: 'queue', queue: 'q-other', jobId: elsewhere.id });
    expect(stuck.detail).toContain(`q-orders/${children![0]!.job.id} (line) failed (no stock) with no failure policy`);
    // The plain job completed too: it is no flow, so it told nothing.
    await outcomes.until({ [`${redis.prefix}:q-orders:${plainJob.id}`]: 'completed' });
    expect(support.events.map((e) => `${e.jobId} ${e.outcome}`).sort()).toEqual([`${good.id} completed`, `${bad.id} failed`, `${elsewhere.id} stuck`].sort());
  });
});

describe('a connection switch', () => {
  it('ends every watch and says why', async () => {
    const { job: root } = await producer().add({ name: 'switch', queueName: 'q-switch', children: [{ name: 'step', queueName: 'q-switch-steps', opts: { delay: 3_600_000 } }] });
    const support = client('switch-a');
    const flow = await support.watch('q-switch', root.id!);
    const queue = await support.watchQueue('q-switch');
    const saved = await callAs(core, 'saveConnection', { name: 'other prefix', url: redis.url, prefix: `${redis.prefix}x` }, 'switch-a');
    await callAs(core, 'useConnection', { id: saved.id }, 'switch-a');
    const ended = await Promise.all([flow.id, queue.id].map((id) => support.next((e) => e.watchId === id && e.outcome === 'ended')));
    expect(ended.map((e) => e.detail)).toEqual(['The watch ended: the connection was switched', 'The watch ended: the connection was switched']);
    expect(await callAs(core, 'listWatches', {}, 'switch-a')).toEqual([]);
  });
});
