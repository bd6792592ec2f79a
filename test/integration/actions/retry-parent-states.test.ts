// Retry failed children on a parent that left waiting-children but never ran again: waiting
// with a deferred failure (no worker has picked it up yet), prioritized after its release, and
// delayed (a parent with a delay goes to delayed when released). Each is reopened from where it
// is, its deferred failure cleared, and completes with every result once workers run. Once per
// BullMQ major of the matrix.
import { describe, expect, it } from 'vitest';
import { promoteJob, retryFailedChildren } from '../../../electron/core/actions';
import { readEvents } from '../../helpers/actions-dump';
import { FlowHarness, leaf } from '../../helpers/actions-harness';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { waitForState, waitUntil } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq }) => {
  describe('retry failed children on a released parent that has not run', () => {
    it('waiting with a deferred failure: reopened, `defa` cleared, then it runs its processor and completes', async () => {
      const h = new FlowHarness(redis, bullmq);
      try {
        h.broken.add('c');
        h.leafWorker('leaves');
        // No worker on `parents` yet: the released parent waits with its deferred failure.
        const parent = await h.addFlow({
          name: 'agg',
          queueName: 'parents',
          children: [leaf('a', 'leaves', 'fail-parent'), leaf('c', 'leaves', 'fail-parent')],
        });
        await waitForState(h.queue('parents'), parent.id, 'waiting');
        await waitUntil(async () => (await h.queue('leaves').getCompletedCount()) === 1, 'a to complete');
        const c = (await h.queue('leaves').getFailed())[0]!;
        expect(await h.client.hget(parent.key, 'defa')).toBe(`child ${h.key('leaves', c.id!)} failed`);

        h.broken.delete('c');
        expect(withoutStats(await retryFailedChildren(h.client, h.prefix, parent.key))).toEqual({
          retried: [h.key('leaves', c.id!)],
          reopened: [parent.key],
          skipped: [],
        });
        expect(await h.client.hexists(parent.key, 'defa')).toBe(0);
        const events = (await readEvents(h.client, `${h.prefix}:parents`)).filter((e) => e.jobId === parent.id);
        // The retried child may already have completed and released the parent again: look for the event, not at the end.
        expect(events.find((e) => e.event === 'waiting-children' && e.prev === 'waiting')).toBeTruthy();
        await waitForState(h.queue('parents'), parent.id, 'waiting');
        h.parentWorker('parents');
        await waitForState(h.queue('parents'), parent.id, 'completed');
        expect((await h.queue('parents').getJob(parent.id))!.returnvalue).toEqual(['r:a', 'r:c']);
        expect(Object.fromEntries(h.calls)).toEqual({ a: 1, c: 2, agg: 1 });
      } finally {
        await h.close();
      }
    });

    it('prioritized after its release: reopened, then released to prioritized again and completed', async () => {
      const h = new FlowHarness(redis, bullmq);
      try {
        h.broken.add('c');
        h.leafWorker('leaves');
        const parent = await h.addFlow({
          name: 'agg',
          queueName: 'parents',
          opts: { priority: 7 },
          children: [leaf('a', 'leaves', 'ignore'), leaf('c', 'leaves', 'ignore')],
        });
        await waitForState(h.queue('parents'), parent.id, 'prioritized');
        h.broken.delete('c');
        const result = await retryFailedChildren(h.client, h.prefix, parent.key);
        expect(result.reopened).toEqual([parent.key]);
        await waitForState(h.queue('parents'), parent.id, 'prioritized');
        h.parentWorker('parents');
        await waitForState(h.queue('parents'), parent.id, 'completed');
        expect((await h.queue('parents').getJob(parent.id))!.returnvalue).toEqual(['r:a', 'r:c']);
      } finally {
        await h.close();
      }
    });

    it('delayed with a deferred failure: reopened, released to delayed again, promoted and completed', async () => {
      const h = new FlowHarness(redis, bullmq);
      try {
        h.broken.add('c');
        h.leafWorker('leaves');
        h.parentWorker('parents');
        const parent = await h.addFlow({
          name: 'agg',
          queueName: 'parents',
          opts: { delay: 600_000 },
          children: [leaf('a', 'leaves', 'fail-parent'), leaf('c', 'leaves', 'fail-parent')],
        });
        await waitForState(h.queue('parents'), parent.id, 'delayed');
        await waitUntil(async () => (await h.queue('leaves').getFailedCount()) === 1, 'c to fail');
        h.broken.delete('c');
        const result = await retryFailedChildren(h.client, h.prefix, parent.key);
        expect(result.reopened).toEqual([parent.key]);
        expect(await h.client.hexists(parent.key, 'defa')).toBe(0);
        await waitUntil(async () => (await h.queue('leaves').getCompletedCount()) === 2, 'a and c to complete');
        await waitForState(h.queue('parents'), parent.id, 'delayed');
        await promoteJob(h.client, h.prefix, parent.key);
        await waitForState(h.queue('parents'), parent.id, 'completed');
        expect((await h.queue('parents').getJob(parent.id))!.returnvalue).toEqual(['r:a', 'r:c']);
        expect(h.count('agg')).toBe(1);
      } finally {
        await h.close();
      }
    });
  });
});
