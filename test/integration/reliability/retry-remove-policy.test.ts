// Issue 12 item 10: a remove-policy flow that completed holding 6 of its 7 children's results.
// A remove-policy child (removeDependencyOnFailure) that fails is taken out of its parent's
// `:dependencies` and kept in no bucket; the parent then completes without it. What a retry of
// that child does, with real workers:
// - BullMQ's own Job.retry(): moveChildBackToParentDependencies only re-links a child found in
//   `:unsuccessful` or `:failed`, so a remove-policy child is not re-linked, the completed parent
//   is not reopened, and when the child completes (SREM on `:dependencies` answers 0) its
//   result reaches nobody: the parent keeps 6 of 7.
// - Flowscope's retryJob re-links it and reopens the parent in one script; the parent runs again
//   with all 7. Also when two failed children of one parent are retried one after the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryJob } from '../../../electron/core/actions';
import { FlowHarness, leaf } from '../../helpers/actions-harness';
import { waitForState, waitUntil } from '../../helpers/actions-wait';
import { startTestRedis, type TestRedis } from '../../helpers/redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis.stop());

const NAMES = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'];

/** A parent of 7 remove-policy children of which `broken` fail; it completes with the others. */
async function completedWithout(h: FlowHarness, broken: string[]) {
  for (const name of broken) h.broken.add(name);
  h.parentWorker('parents');
  h.leafWorker('leaves');
  const parent = await h.addFlow({ name: 'agg', queueName: 'parents', children: NAMES.map((n) => leaf(n, 'leaves', 'remove')) });
  await waitForState(h.queue('parents'), parent.id, 'completed');
  const failed = await h.queue('leaves').getFailed();
  expect(failed.map((j) => j.name).sort()).toEqual([...broken].sort());
  expect((await h.queue('parents').getJob(parent.id))!.returnvalue).toEqual(NAMES.filter((n) => !broken.includes(n)).map((n) => `r:${n}`));
  for (const name of broken) h.broken.delete(name);
  return { parent, failed };
}

describe('retrying a failed remove-policy child of a completed parent', () => {
  it("BullMQ's Job.retry(): the child runs again but is not re-linked, the parent stays completed and its result reaches nobody", async () => {
    const h = new FlowHarness(redis);
    try {
      const { parent, failed } = await completedWithout(h, ['c7']);
      const c7 = failed[0]!;
      await c7.retry('failed');
      await waitForState(h.queue('leaves'), c7.id!, 'completed');
      expect(await h.client.sismember(`${parent.key}:dependencies`, h.key('leaves', c7.id!))).toBe(0);
      expect(await h.client.hget(`${parent.key}:processed`, h.key('leaves', c7.id!))).toBeNull();
      expect(await h.queue('parents').getJobState(parent.id)).toBe('completed');
      expect((await h.queue('parents').getJob(parent.id))!.returnvalue).toHaveLength(6);
      expect(h.count('agg')).toBe(1);
    } finally {
      await h.close();
    }
  });

  it("Flowscope's retryJob: the child is re-linked, the parent reopened, and its last run sees all 7 results", async () => {
    const h = new FlowHarness(redis);
    try {
      const { parent, failed } = await completedWithout(h, ['c7']);
      const c7Key = h.key('leaves', failed[0]!.id!);
      const result = await retryJob(h.client, h.prefix, c7Key);
      expect(result).toMatchObject({ retried: [c7Key], reopened: [parent.key], skipped: [] });
      await waitUntil(async () => h.count('agg') === 2 && (await h.queue('parents').getJobState(parent.id)) === 'completed', 'the parent to run again');
      expect((await h.queue('parents').getJob(parent.id))!.returnvalue).toEqual(NAMES.map((n) => `r:${n}`));
      expect(h.count('c7')).toBe(2);
      for (const n of NAMES.slice(0, 6)) expect(h.count(n)).toBe(1);
    } finally {
      await h.close();
    }
  });

  it('retryJob on two failed children of one parent, one after the other while workers run: the last run sees all 7', async () => {
    const h = new FlowHarness(redis);
    try {
      const { parent, failed } = await completedWithout(h, ['c6', 'c7']);
      const keys = failed.map((j) => h.key('leaves', j.id!));
      const first = await retryJob(h.client, h.prefix, keys[0]!);
      expect(first).toMatchObject({ retried: [keys[0]], reopened: [parent.key] });
      // The first child may have completed and released the parent by now: the second retry
      // reopens it again, or links into it while it waits, or is refused while it is active.
      let second;
      for (;;) {
        try {
          second = await retryJob(h.client, h.prefix, keys[1]!);
          break;
        } catch (err) {
          expect(err).toMatchObject({ code: 'REFUSED', message: expect.stringMatching(/is active/) });
          await waitUntil(async () => (await h.queue('parents').getJobState(parent.id)) !== 'active', 'the parent to finish its run');
        }
      }
      expect(second).toMatchObject({ retried: [keys[1]] });
      await waitUntil(
        async () => (await h.queue('leaves').getCompletedCount()) === 7 && (await h.queue('parents').getJobState(parent.id)) === 'completed',
        'every child and the parent to complete',
      );
      await waitUntil(async () => {
        const done = await h.queue('parents').getJob(parent.id);
        return done?.finishedOn !== undefined && (done.returnvalue as string[]).length === 7;
      }, 'the parent to complete with every result');
      expect((await h.queue('parents').getJob(parent.id))!.returnvalue).toEqual(NAMES.map((n) => `r:${n}`));
    } finally {
      await h.close();
    }
  });
});
