// The race the one-script design exists for: with fast workers waiting on every queue, a
// retried child completes within a millisecond of becoming runnable. Had its parent not been
// reopened first (in the same script), the result would land in `:processed` of a parent
// that never runs again. Repeated over every policy; the parent must always complete with all.
import { describe, expect, it } from 'vitest';
import { retryFailedChildren } from '../../../electron/core/actions';
import { FlowHarness, leaf } from '../../helpers/actions-harness';
import type { ChildPolicy } from '../../helpers/child-policies';
import { waitUntil } from '../../helpers/actions-wait';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

const POLICIES: ChildPolicy[] = ['fail-parent', 'ignore', 'continue-parent', 'remove', 'none'];
const ITERATIONS = 30;
const SETTLED: Record<ChildPolicy, string[]> = {
  'fail-parent': ['failed'],
  ignore: ['completed'],
  'continue-parent': ['completed', 'failed'],
  remove: ['completed'],
  none: ['waiting-children'],
};

describe('retry failed children with fast workers', () => {
  it(`always ends with the parent completed and every result aggregated (${ITERATIONS} runs)`, async () => {
    const h = new FlowHarness(redis);
    try {
      h.parentWorker('parents', { concurrency: 50 });
      h.leafWorker('leaves', { concurrency: 50 });
      for (let i = 0; i < ITERATIONS; i++) {
        const policy = POLICIES[i % POLICIES.length]!;
        const names = ['a', 'b', 'c', 'd'].map((n) => `${n}${i}`);
        const bad = `x${i}`;
        h.broken.add(bad);
        const parent = await h.addFlow({
          name: `p${i}`,
          queueName: 'parents',
          children: [...names, bad].map((n) => leaf(n, 'leaves', policy)),
        });
        // Settled: every child ran, the bad one failed for good, and the parent is where the policy leaves it.
        await waitUntil(
          async () =>
            [...names, bad].every((n) => h.count(n) === 1) &&
            (await h.queue('leaves').getFailedCount()) === 1 &&
            SETTLED[policy].includes(await h.queue('parents').getJobState(parent.id)),
          `iteration ${i} (${policy}) to settle`,
        );
        const [failed] = await h.queue('leaves').getFailed();
        h.broken.delete(bad);
        const result = await retryFailedChildren(h.client, h.prefix, parent.key);
        expect(result.retried, `iteration ${i} (${policy})`).toEqual([h.key('leaves', failed!.id!)]);
        await waitUntil(async () => (await h.queue('parents').getJobState(parent.id)) === 'completed', `iteration ${i} (${policy}) to complete`);
        const done = await h.queue('parents').getJob(parent.id);
        expect(done!.returnvalue, `iteration ${i} (${policy})`).toEqual([...names, bad].map((n) => `r:${n}`).sort());
        expect(names.map((n) => h.count(n)), `iteration ${i}: healthy children ran once`).toEqual([1, 1, 1, 1]);
        expect(h.count(bad)).toBe(2);
      }
    } finally {
      await h.close();
    }
  }, 120_000);
});
