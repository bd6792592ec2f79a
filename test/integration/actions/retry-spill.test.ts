// A fan-out with more failed children than one script's share (MAX_UNIT_OPS re-links): the
// parent's reopen and its first re-links go in one atomic unit, the other re-links in later
// batches (each requiring the parent waiting for children), and the retries only in the wave
// after the last of them. Here a re-link batch meets a changed Redis: no child is retried
// (none can finish and release the parent while siblings are still out of :dependencies), and
// the next run finishes the job; the parent then aggregates every result.
import { describe, expect, it } from 'vitest';
import { retryFailedChildren } from '../../../electron/core/actions';
import { ActionCost } from '../../../electron/core/actions/cost';
import { applyRetryPlan, guardPlan, planFrom, RETRY_BATCH_OPS } from '../../../electron/core/actions/retry-failed-children';
import { FlowHarness } from '../../helpers/actions-harness';
import { waitUntil } from '../../helpers/actions-wait';
import { testRedisForFile } from '../../helpers/redis-per-file';
import { withoutStats } from './stats';

const redis = testRedisForFile();

/** More than MAX_UNIT_OPS + RETRY_BATCH_OPS: the first batch of spilled links is a full one. */
const CHILDREN = 2_500;

describe('retry failed children: re-links spread over batches', () => {
  it('a re-link batch that meets a changed Redis sends no retry; the next run retries every child', async () => {
    const h = new FlowHarness(redis);
    try {
      const parent = await h.settledFanOut(CHILDREN, () => true);
      await h.queue('items').pause();
      await h.queue('parents').pause();

      const cost = new ActionCost(h.client);
      const guarded = await planFrom(h.client, h.prefix, parent.key, { mode: 'children' }, cost);
      const layouts = await guardPlan(guarded, 'Retry failed children');
      const [head, spilled] = guarded.plan.units;
      expect(head!.atomic).toBe(true);
      expect(spilled!.ops.every((op) => op.op === 'link' && op.parentWaiting)).toBe(true);
      // Between plan and apply, the first spilled child leaves the parent's ignored bucket.
      const moved = spilled!.ops[0]!;
      const movedKey = moved.op === 'link' ? moved.child : '';
      await h.client.hdel(`${parent.key}:failed`, movedKey);

      const applied = await applyRetryPlan(guarded.plan, {}, layouts, cost);
      expect(applied.conflict).toEqual({ key: movedKey, reason: "is no longer in the parent's ignored bucket" });
      expect(applied.retried).toEqual([]);
      expect(applied.reopened).toEqual([parent.key]);
      // Reopened with the children of the batches that went through pending; nothing runnable.
      expect(await h.queue('parents').getJobState(parent.id)).toBe('waiting-children');
      expect(await h.queue('items').getWaitingCount()).toBe(0);
      // Every child re-linked but those of the batch that met the change (a full one).
      expect(await h.client.scard(`${parent.key}:dependencies`)).toBe(CHILDREN - RETRY_BATCH_OPS);

      // The next run re-links the rest (the parent waits already: no reopen) and retries them all.
      const result = withoutStats(await retryFailedChildren(h.client, h.prefix, parent.key));
      expect(result.reopened).toEqual([]);
      expect(result.retried).toHaveLength(CHILDREN - 1);
      expect(result.retried).not.toContain(movedKey);
      expect(await h.client.scard(`${parent.key}:dependencies`)).toBe(CHILDREN - 1);
      expect(await h.queue('items').getWaitingCount()).toBe(CHILDREN - 1);

      await h.queue('items').resume();
      await h.queue('parents').resume();
      await waitUntil(
        async () => (await h.queue('parents').getJob(parent.id))!.returnvalue === CHILDREN - 1,
        'the parent to aggregate every retried result',
        120_000,
      );
    } finally {
      await h.close();
    }
  }, 300_000);
});
