// Retry failed children through a fail-parent cascade: a leaf fails, its parent fails with
// "child … failed", and so does the root. The action on the root repairs the whole chain; on
// the middle job it reopens the root above it; with an active ancestor it refuses and changes
// nothing. Once per BullMQ major of the matrix.
import { describe, expect, it } from 'vitest';
import { previewRetryFailedChildren, retryFailedChildren } from '../../../electron/core/actions';
import { FlowscopeError } from '../../../shared/errors';
import { dumpKeys } from '../../helpers/actions-dump';
import { cascadeFlow, FlowHarness, harnessPerTest, leaf } from '../../helpers/actions-harness';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { waitForState, waitUntil } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);

describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq }) => {
  /** cascadeFlow with mid2 (leaves) beside mid; returns the keys once the root has failed. */
  async function brokenChain(h: FlowHarness) {
    const root = await h.start({ broken: ['leaf'], parents: ['roots', 'mids'], leaves: ['leaves'] }).addFlow(cascadeFlow([leaf('mid2', 'leaves', 'fail-parent')]));
    await waitUntil(() => h.count('leaf2') === 1 && h.count('mid2') === 1, 'the healthy leaves to run');
    await h.flakyLast(2);
    await waitForState(h.queue('roots'), root.id, 'failed');
    const [mid] = await h.queue('mids').getFailed();
    const [leafJob] = await h.queue('flaky').getFailed();
    return { root, midKey: h.key('mids', mid!.id!), midId: mid!.id!, leafKey: h.key('flaky', leafJob!.id!), mid: mid! };
  }

  /** The repaired chain completed with every result; the healthy jobs ran once, the leaf twice. */
  async function expectChainDone(h: FlowHarness, root: { id: string }) {
    expect(await h.returned('roots', root.id)).toEqual(['r:leaf+r:leaf2', 'r:mid2']);
    expect(Object.fromEntries(h.calls)).toEqual({ leaf: 2, leaf2: 1, mid2: 1, mid: 1, root: 1 });
  }

  describe('retry failed children through a fail-parent cascade', () => {
    it('on the root: the whole three-level chain resumes and completes; healthy jobs ran once', async () => {
      const h = harness(bullmq);
      const { root, midKey, leafKey, mid } = await brokenChain(h);
      expect(mid.failedReason).toBe(`child ${leafKey} failed`);
      expect(h.count('mid') + h.count('root')).toBe(0); // deferred failures never ran the processors

      h.broken.delete('leaf');
      const expected = { retried: [leafKey], reopened: [root.key, midKey], skipped: [] };
      expect(withoutStats(await previewRetryFailedChildren(h.client, h.prefix, root.key))).toEqual(expected);
      expect(withoutStats(await retryFailedChildren(h.client, h.prefix, root.key))).toEqual(expected);

      await waitForState(h.queue('roots'), root.id, 'completed');
      await expectChainDone(h, root);
    });

    it('on the middle job: its parent (the root) is reopened above it', async () => {
      const h = harness(bullmq);
      const { root, midKey, midId, leafKey } = await brokenChain(h);
      h.broken.delete('leaf');
      expect(withoutStats(await retryFailedChildren(h.client, h.prefix, midKey))).toEqual({
        retried: [leafKey],
        reopened: [midKey, root.key],
        skipped: [],
      });
      await waitForState(h.queue('roots'), root.id, 'completed');
      expect(await h.queue('mids').getJobState(midId)).toBe('completed');
      await expectChainDone(h, root);
    });

    it('refuses, changing nothing, when an ancestor to reopen is active', async () => {
      const h = harness(bullmq);
      // A continue-parent failure releases the root at once; its processor then holds it active.
      h.heldWorker('roots', 'root done');
      const root = await h.start({ broken: ['leaf'], parents: ['mids'], leaves: ['flaky'] }).addFlow({
        name: 'root',
        queueName: 'roots',
        children: [
          {
            name: 'mid',
            queueName: 'mids',
            opts: { continueParentOnFailure: true, attempts: 1 },
            children: [leaf('leaf', 'flaky', 'fail-parent')],
          },
        ],
      });
      await waitForState(h.queue('roots'), root.id, 'active');
      const [mid] = await h.queue('mids').getFailed();
      const midKey = h.key('mids', mid!.id!);

      h.broken.delete('leaf');
      const before = await dumpKeys(h.client, h.prefix);
      const attempt = retryFailedChildren(h.client, h.prefix, midKey);
      await expect(attempt).rejects.toBeInstanceOf(FlowscopeError);
      await expect(attempt).rejects.toMatchObject({ code: 'REFUSED', message: expect.stringContaining(root.key) });
      await expect(previewRetryFailedChildren(h.client, h.prefix, midKey)).rejects.toMatchObject({ code: 'REFUSED' });
      expect(await dumpKeys(h.client, h.prefix)).toEqual(before);
      expect(h.count('leaf')).toBe(1);
    });
  });
});
