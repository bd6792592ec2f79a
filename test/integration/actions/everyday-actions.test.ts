// The everyday actions: retry one failed job (reopening its parent when it already left
// waiting-children — BullMQ's Job.retry does not), remove a job with its subtree, promote a
// delayed job. Real workers process throughout, once per BullMQ major of the matrix.
import { describe, expect, it } from 'vitest';
import { previewRemoveJob, previewRetryJob, promoteJob, removeJob, retryJob } from '../../../electron/core/actions';
import { readEvents } from '../../helpers/actions-dump';
import { agg, FlowHarness, harnessPerTest, leaf, leavesOf } from '../../helpers/actions-harness';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { waitForState, waitUntil } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);

describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq }) => {
  /** A parent that completed with c ignored; returns its keys and c's. */
  async function completedWithIgnoredFailure(h: FlowHarness) {
    const parent = await h.start({ broken: ['c'], parents: ['parents'], leaves: ['leaves'] }).addFlow(agg(leavesOf('ignore', 'a', 'c')));
    await waitForState(h.queue('parents'), parent.id, 'completed');
    const [c] = await h.queue('leaves').getFailed();
    h.broken.delete('c');
    return { parent, c: c!, cKey: h.key('leaves', c!.id!) };
  }

  describe('retry job', () => {
    it("BullMQ's own Job.retry leaves a completed parent completed: the child's result is never aggregated", async () => {
      const h = harness(bullmq);
      const { parent, c, cKey } = await completedWithIgnoredFailure(h);
      await c.retry('failed');
      await waitForState(h.queue('leaves'), c.id!, 'completed');
      expect(await h.queue('parents').getJobState(parent.id)).toBe('completed');
      expect(await h.returned('parents', parent.id)).toEqual(['r:a']);
      expect(await h.client.hget(`${parent.key}:processed`, cKey)).toBe('"r:c"');
    });

    it('retries a failed child and reopens its completed parent, which re-aggregates every result', async () => {
      const h = harness(bullmq);
      const { parent, cKey } = await completedWithIgnoredFailure(h);
      const expected = { retried: [cKey], reopened: [parent.key], skipped: [] };
      expect(withoutStats(await previewRetryJob(h.client, h.prefix, cKey))).toEqual(expected);
      expect(withoutStats(await retryJob(h.client, h.prefix, cKey))).toEqual(expected);
      await waitUntil(async () => ((await h.returned('parents', parent.id)) as string[] | undefined)?.length === 2, 'the parent to run again');
      expect(await h.returned('parents', parent.id)).toEqual(['r:a', 'r:c']);
      expect(Object.fromEntries(h.calls)).toEqual({ a: 1, c: 2, agg: 2 });
    });

    it('retries a plain failed job (keeping attempts when asked) and refuses one that is not failed', async () => {
      const h = harness(bullmq);
      const job = await h.failedJob('leaves', 'solo');
      const key = h.key('leaves', job.id!);
      expect(withoutStats(await retryJob(h.client, h.prefix, key, { keepAttempts: true }))).toEqual({ retried: [key], reopened: [], skipped: [] });
      await waitForState(h.queue('leaves'), job.id!, 'completed');
      const done = await h.queue('leaves').getJob(job.id!);
      expect(done!.attemptsMade).toBe(2);
      expect(done!.returnvalue).toBe('r:solo');
      const events = (await readEvents(h.client, `${h.prefix}:leaves`)).filter((e) => e.jobId === job.id);
      expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['failed', 'waiting', 'completed']));
      await expect(retryJob(h.client, h.prefix, key)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(retryJob(h.client, h.prefix, h.key('leaves', 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('remove job', () => {
    it('removes a job with its whole subtree after a preview; refuses while a job under it is active', async () => {
      const h = harness(bullmq);
      h.leafWorker('leaves');
      h.heldWorker('busy', 'x');
      const tree = await h.flows.add({
        name: 'top',
        queueName: 'parents',
        children: [
          { name: 'mid', queueName: 'idle', children: [leaf('g1', 'leaves', 'none'), { name: 'g2', queueName: 'idle' }] },
          { name: 'slow', queueName: 'busy' },
        ],
      });
      const k = (q: string, id: string | undefined) => h.key(q, id!);
      const top = k('parents', tree.job.id);
      const mid = tree.children!.find((c) => c.job.name === 'mid')!;
      const midKey = k('idle', mid.job.id);
      const g1 = k('leaves', mid.children!.find((c) => c.job.name === 'g1')!.job.id);
      const g2 = k('idle', mid.children!.find((c) => c.job.name === 'g2')!.job.id);
      const slow = k('busy', tree.children!.find((c) => c.job.name === 'slow')!.job.id);
      await h.until('busy', 'active', 1);
      await h.until('leaves', 'completed', 1);

      await expect(removeJob(h.client, h.prefix, top)).rejects.toMatchObject({
        code: 'REFUSED',
        message: expect.stringContaining(slow),
      });
      expect(await h.client.exists(top)).toBe(1);

      const preview = withoutStats(await previewRemoveJob(h.client, h.prefix, midKey));
      expect([...preview.removed].sort()).toEqual([g1, g2, midKey].sort());
      expect(preview.removed.at(-1)).toBe(midKey);
      expect(preview.releasedParent).toBeNull(); // `slow` still pending in top
      expect(withoutStats(await removeJob(h.client, h.prefix, midKey))).toEqual(preview);
      for (const key of [midKey, g1, g2]) expect(await h.client.exists(key)).toBe(0);
      expect(await h.client.smembers(`${top}:dependencies`)).toEqual([slow]);
    });

    it("removing a parent's last pending child releases the parent, which then completes", async () => {
      const h = harness(bullmq);
      const parent = await h.start({ broken: ['stuck'], parents: ['parents'], leaves: ['leaves'] }).addFlow(agg(leavesOf('none', 'a', 'stuck')));
      await h.until('leaves', 'failed', 1);
      await h.until('leaves', 'completed', 1);
      const [stuck] = await h.queue('leaves').getFailed();
      const stuckKey = h.key('leaves', stuck!.id!);
      expect(withoutStats(await removeJob(h.client, h.prefix, stuckKey))).toEqual({ removed: [stuckKey], releasedParent: parent.key });
      await waitForState(h.queue('parents'), parent.id, 'completed');
      expect(await h.returned('parents', parent.id)).toEqual(['r:a']);
    });
  });

  describe('promote job', () => {
    it('moves a delayed job to waiting (prioritized with a priority) and a worker runs it', async () => {
      const h = harness(bullmq);
      h.leafWorker('leaves');
      const plain = await h.queue('leaves').add('later', {}, { delay: 60_000 });
      const urgent = await h.queue('leaves').add('urgent-later', {}, { delay: 60_000, priority: 4 });
      expect(withoutStats(await promoteJob(h.client, h.prefix, h.key('leaves', plain.id!)))).toEqual({
        promoted: h.key('leaves', plain.id!),
        state: 'waiting',
      });
      await waitForState(h.queue('leaves'), plain.id!, 'completed');
      await h.queue('leaves').pause();
      expect((await promoteJob(h.client, h.prefix, h.key('leaves', urgent.id!))).state).toBe('prioritized');
      expect(await h.queue('leaves').getJobState(urgent.id!)).toBe('prioritized');
      expect((await h.queue('leaves').getJob(urgent.id!))!.delay).toBe(0);
      const events = (await readEvents(h.client, `${h.prefix}:leaves`)).filter((e) => e.jobId === urgent.id);
      expect(events.at(-1)).toMatchObject({ event: 'waiting', prev: 'delayed' });
      await h.queue('leaves').resume();
      await waitForState(h.queue('leaves'), urgent.id!, 'completed');
      await expect(promoteJob(h.client, h.prefix, h.key('leaves', urgent.id!))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });
  });
});
