// Retry failed children, once per failure policy: a parent with children a, b (succeed) and c
// (fails until "fixed"). After the fix, the action makes the parent complete with ALL results,
// and the successful children never run again. Real workers process throughout, with each
// BullMQ major of the matrix writing and running the flows.
import { describe, expect, it } from 'vitest';
import { previewRetryFailedChildren, retryFailedChildren } from '../../../electron/core/actions';
import { readEvents } from '../../helpers/actions-dump';
import { agg, harnessPerTest, leaf, leavesOf } from '../../helpers/actions-harness';
import type { ChildPolicy } from '../../helpers/child-policies';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { waitForState } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);

interface Case {
  policy: ChildPolicy;
  /** Where the parent is once c has failed for good. */
  stuck: 'waiting-children' | 'failed' | 'completed';
  /** Parent processor calls before the fix. */
  parentRunsBefore: number;
}

const CASES: Case[] = [
  { policy: 'none', stuck: 'waiting-children', parentRunsBefore: 0 },
  // The deferred failure fails the parent without running its processor.
  { policy: 'fail-parent', stuck: 'failed', parentRunsBefore: 0 },
  { policy: 'continue-parent', stuck: 'completed', parentRunsBefore: 1 },
  { policy: 'ignore', stuck: 'completed', parentRunsBefore: 1 },
  { policy: 'remove', stuck: 'completed', parentRunsBefore: 1 },
];

describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq }) => {
  describe.each(CASES)('retry failed children, policy $policy', ({ policy, stuck, parentRunsBefore }) => {
    it(`repairs a parent left ${stuck}: it completes with all results, a and b ran once`, async () => {
      const h = harness(bullmq);
      const parent = await h.start({ broken: ['c'], parents: ['parents'], leaves: ['leaves'] }).addFlow(agg([...leavesOf(policy, 'a', 'b'), leaf('c', 'flaky', policy)]));
      // c only starts once a and b are done, so a continue-parent release finds nothing pending.
      await h.flakyLast(2, 1);
      await waitForState(h.queue('parents'), parent.id, stuck);
      expect(h.count('agg')).toBe(parentRunsBefore);
      const cId = (await h.queue('flaky').getFailed())[0]!.id!;
      const cKey = h.key('flaky', cId);

      h.broken.delete('c');
      const expected = {
        retried: [cKey],
        reopened: stuck === 'waiting-children' ? [] : [parent.key],
        skipped: [],
      };
      expect(withoutStats(await previewRetryFailedChildren(h.client, h.prefix, parent.key))).toEqual(expected);
      expect(withoutStats(await retryFailedChildren(h.client, h.prefix, parent.key))).toEqual(expected);

      await waitForState(h.queue('parents'), parent.id, 'completed');
      expect(await h.returned('parents', parent.id)).toEqual(['r:a', 'r:b', 'r:c']);
      expect([h.count('a'), h.count('b'), h.count('c'), h.count('agg')]).toEqual([1, 1, 2, parentRunsBefore + 1]);
      // The retried child went back through BullMQ's own events.
      const cEvents = (await readEvents(h.client, `${h.prefix}:flaky`)).filter((e) => e.jobId === cId);
      expect(cEvents.map((e) => e.event)).toEqual(expect.arrayContaining(['failed', 'waiting', 'completed']));
      expect(cEvents.find((e) => e.event === 'waiting' && e.prev === 'failed')).toBeTruthy();
      if (stuck !== 'waiting-children') {
        const pEvents = (await readEvents(h.client, `${h.prefix}:parents`)).filter((e) => e.jobId === parent.id);
        expect(pEvents.find((e) => e.event === 'waiting-children' && e.prev === stuck)).toBeTruthy();
      }
      // The failure fields are gone, attempts were reset before the new run.
      const c = await h.queue('flaky').getJob(cId);
      expect(c!.failedReason).toBeFalsy();
      expect(c!.attemptsMade).toBe(1);
    });
  });
});
