// Retry failed children on a big fan-out: the action spans several batches (about 1,000
// operations each) and still does exactly what its preview said, reopening the parent once;
// resumed, the parent aggregates every result and the successful children never ran again.
// How fast it is (docs/SPEC.md §10: 5,000 of 10,000 in <= 1 s) is measured by `npm run bench`
// (test/bench/actions.bench-run.ts), not here: tests check behaviour, not time.
import { describe, expect, it } from 'vitest';
import { previewRetryFailedChildren, retryFailedChildren } from '../../../electron/core/actions';
import { FlowHarness } from '../../helpers/actions-harness';
import { waitUntil } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

const CHILDREN = 4_000;

describe('retry failed children at scale', () => {
  it(`retries ${CHILDREN / 2} failed children of a ${CHILDREN}-child parent across batches, as previewed`, async () => {
    const h = new FlowHarness(redis);
    try {
      const parent = await h.settledFanOut(CHILDREN, (n) => n % 2 === 0);
      expect((await h.queue('parents').getJob(parent.id))!.returnvalue).toBe(CHILDREN / 2);
      expect(await h.client.hlen(`${parent.key}:failed`)).toBe(CHILDREN / 2);
      // Paused, so the workers of this process do not run the retried children before we look.
      await h.queue('items').pause();
      await h.queue('parents').pause();

      const preview = withoutStats(await previewRetryFailedChildren(h.client, h.prefix, parent.key));
      const result = withoutStats(await retryFailedChildren(h.client, h.prefix, parent.key));
      expect(result.retried).toHaveLength(CHILDREN / 2);
      expect(result.reopened).toEqual([parent.key]);
      expect(result.skipped).toEqual([]);
      expect(result).toEqual(preview);
      expect(await h.queue('items').getWaitingCount()).toBe(CHILDREN / 2);
      expect(await h.queue('parents').getWaitingChildrenCount()).toBe(1);

      await h.queue('items').resume();
      await h.queue('parents').resume();
      await waitUntil(
        async () => (await h.queue('parents').getJob(parent.id))!.returnvalue === CHILDREN,
        'the parent to aggregate every result',
        120_000,
      );
      expect(h.count('item')).toBe(CHILDREN + CHILDREN / 2);
    } finally {
      await h.close();
    }
  }, 300_000);
});
