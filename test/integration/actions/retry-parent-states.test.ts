// Retry failed children on a parent that left waiting-children but never ran again: waiting
// with a deferred failure (no worker has picked it up yet), prioritized after its release, and
// delayed (a parent with a delay goes to delayed when released). Each is reopened from where it
// is, its deferred failure cleared, and completes with every result once workers run. Once per
// BullMQ major of the matrix.
import { describe, expect, it } from 'vitest';
import { promoteJob, retryFailedChildren } from '../../../electron/core/actions';
import { readEvents } from '../../helpers/actions-dump';
import { agg, harnessPerTest, leavesOf } from '../../helpers/actions-harness';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { waitForState } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);

describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq }) => {
  describe('retry failed children on a released parent that has not run', () => {
    it('waiting with a deferred failure: reopened, `defa` cleared, then it runs its processor and completes', async () => {
      const h = harness(bullmq);
      // No worker on `parents` yet: the released parent waits with its deferred failure.
      const parent = await h.start({ broken: ['c'], leaves: ['leaves'] }).addFlow(agg(leavesOf('fail-parent', 'a', 'c')));
      await waitForState(h.queue('parents'), parent.id, 'waiting');
      await h.until('leaves', 'completed', 1);
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
      expect(await h.returned('parents', parent.id)).toEqual(['r:a', 'r:c']);
      expect(Object.fromEntries(h.calls)).toEqual({ a: 1, c: 2, agg: 1 });
    });

    it('prioritized after its release: reopened, then released to prioritized again and completed', async () => {
      const h = harness(bullmq);
      const parent = await h.start({ broken: ['c'], leaves: ['leaves'] }).addFlow(agg(leavesOf('ignore', 'a', 'c'), { priority: 7 }));
      await waitForState(h.queue('parents'), parent.id, 'prioritized');
      h.broken.delete('c');
      const result = await retryFailedChildren(h.client, h.prefix, parent.key);
      expect(result.reopened).toEqual([parent.key]);
      await waitForState(h.queue('parents'), parent.id, 'prioritized');
      h.parentWorker('parents');
      await waitForState(h.queue('parents'), parent.id, 'completed');
      expect(await h.returned('parents', parent.id)).toEqual(['r:a', 'r:c']);
    });

    it('delayed with a deferred failure: reopened, released to delayed again, promoted and completed', async () => {
      const h = harness(bullmq);
      const parent = await h.start({ broken: ['c'], leaves: ['leaves'], parents: ['parents'] }).addFlow(agg(leavesOf('fail-parent', 'a', 'c'), { delay: 600_000 }));
      await waitForState(h.queue('parents'), parent.id, 'delayed');
      await h.until('leaves', 'failed', 1);
      h.broken.delete('c');
      const result = await retryFailedChildren(h.client, h.prefix, parent.key);
      expect(result.reopened).toEqual([parent.key]);
      expect(await h.client.hexists(parent.key, 'defa')).toBe(0);
      await h.until('leaves', 'completed', 2);
      await waitForState(h.queue('parents'), parent.id, 'delayed');
      await promoteJob(h.client, h.prefix, parent.key);
      await waitForState(h.queue('parents'), parent.id, 'completed');
      expect(await h.returned('parents', parent.id)).toEqual(['r:a', 'r:c']);
      expect(h.count('agg')).toBe(1);
    });
  });
});
