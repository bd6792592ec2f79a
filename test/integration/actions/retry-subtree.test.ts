// Retry failed children repairs the whole subtree: a failure two or three levels below the job
// the action runs on is retried, under every policy, and every job on the way that already left
// waiting-children (completed with the failure ignored, failed by a fail-parent cascade) is
// reopened so that it aggregates again; jobs still in waiting-children wait again by
// themselves. Real workers run the flows, once per BullMQ major of the matrix; each flow then
// completes with every result, the leaves that had succeeded never run again, and only the
// jobs that had to aggregate again run a second time.
import { describe, expect, it } from 'vitest';
import type { FlowJob } from 'bullmq';
import { previewRetryFailedChildren, retryFailedChildren } from '../../../electron/core/actions';
import { FlowHarness, leaf } from '../../helpers/actions-harness';
import { CHILD_POLICIES, policyOpts, type ChildPolicy } from '../../helpers/child-policies';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { waitForState, waitUntil } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();


/** Where the jobs above the failure end up, by policy (every child of the flow has it). */
const ABOVE: Record<ChildPolicy, 'waiting-children' | 'failed' | 'completed'> = {
  none: 'waiting-children',
  'fail-parent': 'failed',
  'continue-parent': 'completed',
  ignore: 'completed',
  remove: 'completed',
};

/**
 * root (roots) -> [ s (leaves), mid (mids) -> ... ], `depth` levels down to [ a (leaves), c (flaky) ]:
 * depth 2: root -> mid -> [a, c]; depth 3: root -> mid -> sub (subs) -> [a, c].
 */
function flowOf(policy: ChildPolicy, depth: 2 | 3): FlowJob {
  const opts = { attempts: 1, ...policyOpts(policy) };
  const bottom = [leaf('a', 'leaves', policy), leaf('c', 'flaky', policy)];
  const mid: FlowJob =
    depth === 2
      ? { name: 'mid', queueName: 'mids', opts, children: bottom }
      : { name: 'mid', queueName: 'mids', opts, children: [{ name: 'sub', queueName: 'subs', opts, children: bottom }] };
  return { name: 'root', queueName: 'roots', children: [leaf('s', 'leaves', policy), mid] };
}

describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq }) => {
  describe.each(CHILD_POLICIES)('retry failed children of the whole subtree, policy %s', (policy) => {
    for (const depth of [2, 3] as const) {
      it(`repairs a failure ${depth} levels down from the root: the flow completes with every result`, async () => {
        const h = new FlowHarness(redis, bullmq);
        try {
          h.broken.add('c');
          for (const q of ['roots', 'mids', 'subs']) h.parentWorker(q);
          h.leafWorker('leaves');
          const root = await h.addFlow(flowOf(policy, depth));
          await waitUntil(async () => (await h.queue('leaves').getCompletedCount()) === 2, 'a and s to complete');
          // c only starts once a is done, so a continue-parent release finds nothing pending.
          h.leafWorker('flaky');
          await waitUntil(async () => (await h.queue('flaky').getFailedCount()) === 1, 'c to fail');
          await waitForState(h.queue('roots'), root.id, ABOVE[policy]);
          const middles = depth === 2 ? ['mid'] : ['mid', 'sub'];
          const ranBefore = ABOVE[policy] === 'completed' ? 1 : 0;
          for (const name of [...middles, 'root']) expect(h.count(name), name).toBe(ranBefore);

          const cKey = h.key('flaky', (await h.queue('flaky').getFailed())[0]!.id!);
          const keyOf = async (queue: string) => {
            const [job] = await h.queue(queue).getJobs(['waiting-children', 'failed', 'completed']);
            return h.key(queue, job!.id!);
          };
          const midKey = await keyOf('mids');
          const reopened =
            ABOVE[policy] === 'waiting-children' ? [] : depth === 2 ? [root.key, midKey] : [root.key, midKey, await keyOf('subs')];

          h.broken.delete('c');
          const expected = { retried: [cKey], reopened, skipped: [] };
          expect(withoutStats(await previewRetryFailedChildren(h.client, h.prefix, root.key))).toEqual(expected);
          expect(withoutStats(await retryFailedChildren(h.client, h.prefix, root.key))).toEqual(expected);

          await waitForState(h.queue('roots'), root.id, 'completed');
          expect((await h.queue('roots').getJob(root.id))!.returnvalue).toEqual(['r:a+r:c', 'r:s']);
          // The leaves that had succeeded ran once; c twice; the jobs above it once more only if they had run.
          expect(Object.fromEntries(h.calls)).toEqual({
            s: 1,
            a: 1,
            c: 2,
            ...Object.fromEntries([...middles, 'root'].map((name) => [name, ranBefore + 1])),
          });
          // Nothing left to do.
          expect(withoutStats(await retryFailedChildren(h.client, h.prefix, root.key))).toEqual({ retried: [], reopened: [], skipped: [] });
        } finally {
          await h.close();
        }
      });
    }

    it('from the middle job, three levels deep: the failure below it is retried and the jobs above it reopened', async () => {
      const h = new FlowHarness(redis, bullmq);
      try {
        h.broken.add('c');
        for (const q of ['roots', 'mids', 'subs']) h.parentWorker(q);
        h.leafWorker('leaves');
        const root = await h.addFlow(flowOf(policy, 3));
        await waitUntil(async () => (await h.queue('leaves').getCompletedCount()) === 2, 'a and s to complete');
        h.leafWorker('flaky');
        await waitUntil(async () => (await h.queue('flaky').getFailedCount()) === 1, 'c to fail');
        await waitForState(h.queue('roots'), root.id, ABOVE[policy]);
        const [mid] = await h.queue('mids').getJobs(['waiting-children', 'failed', 'completed']);
        const [sub] = await h.queue('subs').getJobs(['waiting-children', 'failed', 'completed']);
        const midKey = h.key('mids', mid!.id!);
        const subKey = h.key('subs', sub!.id!);
        const cKey = h.key('flaky', (await h.queue('flaky').getFailed())[0]!.id!);

        h.broken.delete('c');
        expect(withoutStats(await retryFailedChildren(h.client, h.prefix, midKey))).toEqual({
          retried: [cKey],
          // The middle job first, then its parent above it, then what is below it.
          reopened: ABOVE[policy] === 'waiting-children' ? [] : [midKey, root.key, subKey],
          skipped: [],
        });
        await waitForState(h.queue('roots'), root.id, 'completed');
        expect((await h.queue('roots').getJob(root.id))!.returnvalue).toEqual(['r:a+r:c', 'r:s']);
        expect([h.count('s'), h.count('a'), h.count('c')]).toEqual([1, 1, 2]);
      } finally {
        await h.close();
      }
    });
  });
});
