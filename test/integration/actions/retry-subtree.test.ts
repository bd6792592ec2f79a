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
import { FlowHarness, harnessPerTest, leaf } from '../../helpers/actions-harness';
import { CHILD_POLICIES, policyOpts, type ChildPolicy } from '../../helpers/child-policies';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { waitForState } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);

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

/** Runs flowOf(policy, depth) until c has failed and the root is where the policy leaves it; returns the root. */
async function failedSubtree(h: FlowHarness, policy: ChildPolicy, depth: 2 | 3) {
  const root = await h.start({ broken: ['c'], parents: ['roots', 'mids', 'subs'], leaves: ['leaves'] }).addFlow(flowOf(policy, depth));
  // c only starts once a and s are done, so a continue-parent release finds nothing pending.
  await h.flakyLast(2, 1);
  await waitForState(h.queue('roots'), root.id, ABOVE[policy]);
  return root;
}

/** The key of the one job of `queue` that is past its run or waiting for children. */
async function keyOf(h: FlowHarness, queue: string): Promise<string> {
  const [job] = await h.queue(queue).getJobs(['waiting-children', 'failed', 'completed']);
  return h.key(queue, job!.id!);
}

describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq }) => {
  describe.each(CHILD_POLICIES)('retry failed children of the whole subtree, policy %s', (policy) => {
    for (const depth of [2, 3] as const) {
      it(`repairs a failure ${depth} levels down from the root: the flow completes with every result`, async () => {
        const h = harness(bullmq);
        const root = await failedSubtree(h, policy, depth);
        const middles = depth === 2 ? ['mid'] : ['mid', 'sub'];
        const ranBefore = ABOVE[policy] === 'completed' ? 1 : 0;
        for (const name of [...middles, 'root']) expect(h.count(name), name).toBe(ranBefore);

        const cKey = h.key('flaky', (await h.queue('flaky').getFailed())[0]!.id!);
        const midKey = await keyOf(h, 'mids');
        const reopened =
          ABOVE[policy] === 'waiting-children' ? [] : depth === 2 ? [root.key, midKey] : [root.key, midKey, await keyOf(h, 'subs')];

        h.broken.delete('c');
        const expected = { retried: [cKey], reopened, skipped: [] };
        expect(withoutStats(await previewRetryFailedChildren(h.client, h.prefix, root.key))).toEqual(expected);
        expect(withoutStats(await retryFailedChildren(h.client, h.prefix, root.key))).toEqual(expected);

        await waitForState(h.queue('roots'), root.id, 'completed');
        expect(await h.returned('roots', root.id)).toEqual(['r:a+r:c', 'r:s']);
        // The leaves that had succeeded ran once; c twice; the jobs above it once more only if they had run.
        expect(Object.fromEntries(h.calls)).toEqual({
          s: 1,
          a: 1,
          c: 2,
          ...Object.fromEntries([...middles, 'root'].map((name) => [name, ranBefore + 1])),
        });
        // Nothing left to do.
        expect(withoutStats(await retryFailedChildren(h.client, h.prefix, root.key))).toEqual({ retried: [], reopened: [], skipped: [] });
      });
    }

    it('from the middle job, three levels deep: the failure below it is retried and the jobs above it reopened', async () => {
      const h = harness(bullmq);
      const root = await failedSubtree(h, policy, 3);
      const midKey = await keyOf(h, 'mids');
      const subKey = await keyOf(h, 'subs');
      const cKey = h.key('flaky', (await h.queue('flaky').getFailed())[0]!.id!);

      h.broken.delete('c');
      expect(withoutStats(await retryFailedChildren(h.client, h.prefix, midKey))).toEqual({
        retried: [cKey],
        // The middle job first, then its parent above it, then what is below it.
        reopened: ABOVE[policy] === 'waiting-children' ? [] : [midKey, root.key, subKey],
        skipped: [],
      });
      await waitForState(h.queue('roots'), root.id, 'completed');
      expect(await h.returned('roots', root.id)).toEqual(['r:a+r:c', 'r:s']);
      expect([h.count('s'), h.count('a'), h.count('c')]).toEqual([1, 1, 2]);
    });
  });
});
