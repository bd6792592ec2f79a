// Actions that make a job runnable on a paused queue put it where that queue's BullMQ keeps a
// paused queue's jobs, so nothing is lost when the queue resumes: BullMQ 5 keeps them in
// P:Q:paused (pause renames wait to paused, resume renames paused back over wait), BullMQ 6 in
// P:Q:wait with meta.paused. Each queue also holds a job BullMQ itself added while paused, so a
// BullMQ 5 resume has a P:Q:paused to rename. Then the queue's own BullMQ resumes it and real
// workers finish everything: nothing lost, nothing run twice.
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { promoteJob, removeUnprocessed, retryFailedChildren, retryJob } from '../../../electron/core/actions';
import { agg, FlowHarness, harnessPerTest, leaf, leavesOf } from '../../helpers/actions-harness';
import { BULLMQ_5, BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { waitForState } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);

/** States a job can be in once its queue resumed; `unknown` (in no list) is a lost job. */
const ALIVE = ['waiting', 'active', 'completed'];

describe("BullMQ 5's resume", () => {
  it('renames P:Q:paused over P:Q:wait: a job pushed to wait of a paused BullMQ 5 queue is lost (the pitfall the actions avoid)', async () => {
    const h = harness(BULLMQ_5.bullmq);
    const queue = h.queue('leaves');
    await queue.pause();
    const other = await queue.add('other', {});
    const pushed = await queue.add('pushed', {}, { delay: 60_000 });
    // What a paused-unaware tool does to make `pushed` runnable: out of delayed, onto wait.
    await h.client.zrem(`${h.prefix}:leaves:delayed`, pushed.id!);
    await h.client.lpush(`${h.prefix}:leaves:wait`, pushed.id!);
    expect(await queue.getJobState(pushed.id!)).toBe('waiting');
    await queue.resume();
    expect(await queue.getJobState(other.id!)).toBe('waiting');
    expect(await queue.getJobState(pushed.id!)).toBe('unknown'); // in no list: no worker will ever run it
  });
});

describe.each(BULLMQ_VERSIONS)('$label, paused queues', ({ bullmq, major }) => {
  /** The list a paused queue of this major keeps its waiting jobs in. */
  const pausedList = major === 5 ? 'paused' : 'wait';

  async function expectIn(h: FlowHarness, queue: string, ids: string[]): Promise<void> {
    expect([...(await h.client.lrange(`${h.prefix}:${queue}:${pausedList}`, 0, -1))].sort()).toEqual([...ids].sort());
  }

  /** Pauses a queue and lets BullMQ add a job to it while paused; returns that job. */
  async function pauseWithJob(h: FlowHarness, queue: string): Promise<Job> {
    await h.queue(queue).pause();
    return h.queue(queue).add('other', {}, { attempts: 1 });
  }

  it('retry failed children: the child waits in the paused queue, the reopened parent is released there by BullMQ, both complete after resume', async () => {
    const h = harness(bullmq);
    const parent = await h
      .start({ broken: ['c'], parents: ['parents'], leaves: ['leaves', 'flaky'] })
      .addFlow(agg([...leavesOf('ignore', 'a', 'b'), leaf('c', 'flaky', 'ignore')]));
    await waitForState(h.queue('parents'), parent.id, 'completed');
    const cId = (await h.queue('flaky').getFailed())[0]!.id!;
    const otherChild = await pauseWithJob(h, 'flaky');
    const otherParent = await pauseWithJob(h, 'parents');
    h.broken.delete('c');

    expect(withoutStats(await retryFailedChildren(h.client, h.prefix, parent.key))).toEqual({
      retried: [h.key('flaky', cId)],
      reopened: [parent.key],
      skipped: [],
    });
    await expectIn(h, 'flaky', [otherChild.id!, cId]);
    expect(await h.queue('flaky').getJobState(cId)).toBe('waiting');

    await h.queue('flaky').resume();
    expect(ALIVE).toContain(await h.queue('flaky').getJobState(cId));
    await waitForState(h.queue('flaky'), cId, 'completed');
    // BullMQ releases the parent when c completes: into its paused queue's list.
    await waitForState(h.queue('parents'), parent.id, 'waiting');
    await expectIn(h, 'parents', [otherParent.id!, parent.id]);

    await h.queue('parents').resume();
    await waitForState(h.queue('parents'), parent.id, 'completed');
    await waitForState(h.queue('parents'), otherParent.id!, 'completed');
    await waitForState(h.queue('flaky'), otherChild.id!, 'completed');
    expect(await h.returned('parents', parent.id)).toEqual(['r:a', 'r:b', 'r:c']);
    expect(Object.fromEntries(h.calls)).toEqual({ a: 1, b: 1, c: 2, agg: 2, other: 2 });
  });

  it('remove unprocessed: the released parent waits in its paused queue and completes after resume', async () => {
    const h = harness(bullmq);
    const parent = await h.start({ parents: ['parents'], leaves: ['leaves'] }).addFlow(agg([leaf('a', 'leaves', 'none'), { name: 'w', queueName: 'idle' }]));
    await h.until('leaves', 'completed', 1);
    const other = await pauseWithJob(h, 'parents');

    const result = await removeUnprocessed(h.client, h.prefix, parent.key);
    expect(result).toMatchObject({ removed: [expect.stringContaining(':idle:')], releasesParent: true });
    await expectIn(h, 'parents', [other.id!, parent.id]);
    expect(await h.queue('parents').getJobState(parent.id)).toBe('waiting');

    await h.queue('parents').resume();
    expect(ALIVE).toContain(await h.queue('parents').getJobState(parent.id));
    await waitForState(h.queue('parents'), parent.id, 'completed');
    await waitForState(h.queue('parents'), other.id!, 'completed');
    expect(await h.returned('parents', parent.id)).toEqual(['r:a']);
    expect(Object.fromEntries(h.calls)).toEqual({ a: 1, agg: 1, other: 1 });
  });

  it('retry job and promote: both wait in the paused queue and complete after resume', async () => {
    const h = harness(bullmq);
    const solo = await h.failedJob('leaves', 'solo');
    const later = await h.queue('leaves').add('later', {}, { delay: 600_000 });
    const other = await pauseWithJob(h, 'leaves');

    const soloKey = h.key('leaves', solo.id!);
    expect(withoutStats(await retryJob(h.client, h.prefix, soloKey))).toEqual({ retried: [soloKey], reopened: [], skipped: [] });
    expect(withoutStats(await promoteJob(h.client, h.prefix, h.key('leaves', later.id!)))).toEqual({ promoted: h.key('leaves', later.id!), state: 'waiting' });
    await expectIn(h, 'leaves', [other.id!, solo.id!, later.id!]);

    await h.queue('leaves').resume();
    for (const job of [solo, later, other]) expect(ALIVE).toContain(await h.queue('leaves').getJobState(job.id!));
    for (const job of [solo, later, other]) await waitForState(h.queue('leaves'), job.id!, 'completed');
    expect(Object.fromEntries(h.calls)).toEqual({ solo: 2, later: 1, other: 1 });
  });
});
