// Remove unprocessed children over a parent whose children are in every state, with workers
// holding some of them active: waiting, delayed, prioritized and waiting-children children go
// (with their subtrees), active / failed / completed ones stay, and so does a child with an
// active job under it (BullMQ's own script would orphan that job). Emptying `:dependencies`
// moves the parent to wait, as BullMQ does, and a worker then completes it. Once per BullMQ
// major of the matrix.
import { describe, expect, it } from 'vitest';
import { previewRemoveUnprocessed, removeUnprocessed } from '../../../electron/core/actions';
import { readEvents } from '../../helpers/actions-dump';
import { agg, everyStateChildren, harnessPerTest, leaf } from '../../helpers/actions-harness';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { waitForState } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);

describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq }) => {
  const sorted = (keys: string[]) => [...keys].sort();

  describe('remove unprocessed children', () => {
    it('removes what has not started, keeps active / failed / completed children and active subtrees', async () => {
      const h = harness(bullmq);
      h.start({ broken: ['f'], leaves: ['leaves'] }).heldWorker('busy', 'busy done');
      // No worker on `idle`: its jobs stay waiting, delayed, prioritized.
      const flow = await h.flows.add({
        name: 'parent',
        queueName: 'parents',
        children: everyStateChildren(
          { name: 'sub', queueName: 'idle', children: [{ name: 'g1', queueName: 'idle' }, leaf('g2', 'leaves', 'none')] },
          { name: 'guarded', queueName: 'idle', children: [{ name: 'gact', queueName: 'busy' }] },
        ),
      });
      const key = (name: string) => {
        const find = (node: typeof flow): string | undefined =>
          node.job.name === name ? `${h.prefix}:${node.job.queueName}:${node.job.id}` : node.children?.map(find).find(Boolean);
        return find(flow)!;
      };
      const parentKey = key('parent');
      await h.until('busy', 'active', 2);
      await h.until('leaves', 'completed', 2);
      await h.until('leaves', 'failed', 1);

      const expectedRemoved = ['w', 'd', 'pr', 'g1', 'g2', 'sub'].map(key);
      const preview = withoutStats(await previewRemoveUnprocessed(h.client, h.prefix, parentKey));
      expect(sorted(preview.removed)).toEqual(sorted(expectedRemoved));
      expect(preview.releasesParent).toBe(false);
      expect(Object.fromEntries(preview.skipped.map((s) => [s.key, s.reason]))).toEqual({
        [key('act')]: 'active (a worker holds it)',
        [key('f')]: 'failed with no policy: it blocks the parent until it is retried or removed',
        [key('guarded')]: `has an active job under it (${key('gact')}); removing it would orphan that job`,
      });
      expect(sorted(preview.stillBlocking)).toEqual(sorted(['act', 'f', 'guarded'].map(key)));

      const result = withoutStats(await removeUnprocessed(h.client, h.prefix, parentKey));
      expect({ ...result, removed: sorted(result.removed) }).toEqual({ ...preview, removed: sorted(preview.removed) });
      // Within a subtree children go before their parent, as in BullMQ.
      expect(result.removed.indexOf(key('sub'))).toBeGreaterThan(result.removed.indexOf(key('g1')));

      for (const k of expectedRemoved) expect(await h.client.exists(k), k).toBe(0);
      for (const k of ['act', 'f', 'done', 'guarded', 'gact'].map(key)) expect(await h.client.exists(k), k).toBe(1);
      expect(sorted(await h.client.smembers(`${parentKey}:dependencies`))).toEqual(sorted(['act', 'f', 'guarded'].map(key)));
      expect(await h.client.hkeys(`${parentKey}:processed`)).toEqual([key('done')]);
      expect(await h.queue('parents').getJobState(parentKey.split(':').pop()!)).toBe('waiting-children');
      const idleEvents = await readEvents(h.client, `${h.prefix}:idle`);
      const removedIds = idleEvents.filter((e) => e.event === 'removed').map((e) => `${h.prefix}:idle:${e.jobId}`);
      expect(sorted(removedIds)).toEqual(sorted(['w', 'd', 'pr', 'g1', 'sub'].map(key)));
      expect(idleEvents.find((e) => e.event === 'removed' && key('d').endsWith(`:${e.jobId}`))?.prev).toBe('delayed');
      expect(idleEvents.find((e) => e.event === 'removed' && key('sub').endsWith(`:${e.jobId}`))?.prev).toBe('waiting-children');

      // Idempotent: nothing left to remove, the same children still block.
      const again = await removeUnprocessed(h.client, h.prefix, parentKey);
      expect(again.removed).toEqual([]);
      expect(sorted(again.stillBlocking)).toEqual(sorted(result.stillBlocking));
    });

    it('moves the parent to wait when its :dependencies empty; a worker then completes it', async () => {
      const h = harness(bullmq);
      h.leafWorker('leaves');
      const parent = await h.addFlow(agg([leaf('a', 'leaves', 'none'), { name: 'w1', queueName: 'idle' }, { name: 'w2', queueName: 'idle', opts: { priority: 2 } }]));
      await h.until('leaves', 'completed', 1);
      const preview = withoutStats(await previewRemoveUnprocessed(h.client, h.prefix, parent.key));
      expect(preview.removed).toHaveLength(2);
      expect(preview.releasesParent).toBe(true);
      expect(preview.stillBlocking).toEqual([]);
      const result = withoutStats(await removeUnprocessed(h.client, h.prefix, parent.key));
      expect({ ...result, removed: sorted(result.removed) }).toEqual({ ...preview, removed: sorted(preview.removed) });
      const events = await readEvents(h.client, `${h.prefix}:parents`);
      expect(events.find((e) => e.event === 'waiting' && e.jobId === parent.id)?.prev).toBe('waiting-children');
      expect(await h.queue('parents').getJobState(parent.id)).toBe('waiting');
      h.parentWorker('parents');
      await waitForState(h.queue('parents'), parent.id, 'completed');
      expect(await h.returned('parents', parent.id)).toEqual(['r:a']);
    });

    it('removes many waiting children from a shared wait list in one pass, keeping the other jobs in order', async () => {
      const h = harness(bullmq);
      const queue = h.queue('shared');
      const before = await queue.addBulk(Array.from({ length: 5 }, (_, n) => ({ name: `other-${n}`, data: {} })));
      const parent = await h.addFlow({
        name: 'batch',
        queueName: 'parents',
        children: Array.from({ length: 30 }, (_, n) => ({ name: `upload-${n}`, queueName: 'shared' })),
      });
      const after = await queue.addBulk(Array.from({ length: 5 }, (_, n) => ({ name: `later-${n}`, data: {} })));
      const others = [...before, ...after].map((j) => j.id!);
      const listBefore = await h.client.lrange(`${h.prefix}:shared:wait`, 0, -1);

      const result = await removeUnprocessed(h.client, h.prefix, parent.key);
      expect(result.removed).toHaveLength(30);
      expect(result.releasesParent).toBe(true);
      // The other jobs stay, in the order they had.
      expect(await h.client.lrange(`${h.prefix}:shared:wait`, 0, -1)).toEqual(listBefore.filter((id) => others.includes(id)));
      // Each removed child was announced with the state it left.
      const removedEvents = (await readEvents(h.client, `${h.prefix}:shared`)).filter((e) => e.event === 'removed');
      expect(removedEvents).toHaveLength(30);
      expect(new Set(removedEvents.map((e) => e.prev))).toEqual(new Set(['wait']));
      expect(sorted(removedEvents.map((e) => `${h.prefix}:shared:${e.jobId}`))).toEqual(sorted(result.removed));
    });

    it("BullMQ's own removeUnprocessedChildren orphans an active grandchild (the pitfall this action avoids)", async () => {
      const h = harness(bullmq);
      h.heldWorker('busy', 'x');
      const flow = await h.flows.add({
        name: 'parent',
        queueName: 'parents',
        children: [{ name: 'guarded', queueName: 'idle', children: [{ name: 'gact', queueName: 'busy' }] }],
      });
      const guarded = flow.children![0]!;
      const gactKey = h.key('busy', guarded.children![0]!.job.id!);
      const guardedKey = h.key('idle', guarded.job.id!);
      await h.until('busy', 'active', 1);
      const parent = await h.queue('parents').getJob(flow.job.id!);
      await parent!.removeUnprocessedChildren();
      expect(await h.client.exists(guardedKey)).toBe(0);
      expect(await h.client.hget(gactKey, 'parentKey')).toBe(guardedKey); // points at a job that is gone
    });

    it('answers NOT_FOUND for a missing parent', async () => {
      const h = harness(bullmq);
      await expect(removeUnprocessed(h.client, h.prefix, h.key('parents', 'gone'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
