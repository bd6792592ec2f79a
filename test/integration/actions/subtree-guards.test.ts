// What the removal and retry walks do with what their buckets alone do not say (issue 12):
// - Remove unprocessed on a child that has failed remove-policy children of its own: BullMQ keeps
//   those in no bucket (only their parentKey points back), so the bucket walk left them behind,
//   failed, naming a parent that is gone; they go with the child now, as with Remove job.
// - Remove job on a job whose subtree's buckets list one of its ancestors (data BullMQ never
//   writes): the walk went up into the ancestor and deleted it; ancestors stay now.
// - Retry failed children under a bucket key of the wrong type: REFUSED, naming the key and its
//   type, nothing written (before, the read skipped it and the retry went on without it).
import { describe, expect, it } from 'vitest';
import { previewRemoveJob, previewRemoveUnprocessed, previewRetryFailedChildren, removeJob, removeUnprocessed, retryFailedChildren } from '../../../electron/core/actions';
import { FlowscopeError } from '../../../shared/errors';
import { rawDump } from '../../helpers/actions-dump';
import { FlowHarness, harnessPerTest, leaf } from '../../helpers/actions-harness';
import { jobFields, parentFields, writeRawJobs } from '../../helpers/flows';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);

/** Every key under a prefix with its type and value, to show nothing was written. */
const dump = (h: FlowHarness) => rawDump(h.client, h.prefix);

async function refusal(run: Promise<unknown>): Promise<FlowscopeError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FlowscopeError);
  return error as FlowscopeError;
}

describe('remove unprocessed: failed remove-policy children of a removed child', () => {
  it('go with it (the preview lists them), also one alone in its queue: no job is left naming a parent that is gone', async () => {
    const h = harness();
    // No worker on `idle`: `mid` waits for g2 for ever, so root keeps it unprocessed.
    const root = await h.start({ broken: ['g1', 'g3'], leaves: ['leaves', 'others'] }).addFlow({
      name: 'root',
      queueName: 'parents',
      children: [
        {
          name: 'mid',
          queueName: 'mids',
          children: [leaf('g1', 'leaves', 'remove'), leaf('g3', 'others', 'remove'), { name: 'g2', queueName: 'idle' }],
        },
      ],
    });
    await h.until('leaves', 'failed', 1);
    await h.until('others', 'failed', 1);
    const [g1] = await h.queue('leaves').getFailed();
    const [g3] = await h.queue('others').getFailed();
    const [g2] = await h.queue('idle').getWaiting();
    const [mid] = await h.queue('mids').getWaitingChildren();
    const midKey = h.key('mids', mid!.id!);
    const failedKeys = [h.key('leaves', g1!.id!), h.key('others', g3!.id!)];
    // BullMQ took them out of mid's buckets: only their parentKey names it.
    expect(await h.client.smembers(`${midKey}:dependencies`)).toEqual([h.key('idle', g2!.id!)]);
    const expected = [midKey, h.key('idle', g2!.id!), ...failedKeys].sort();

    const preview = await previewRemoveUnprocessed(h.client, h.prefix, root.key);
    expect([...preview.removed].sort()).toEqual(expected);
    expect(preview.removed.at(-1)).toBe(midKey);
    const done = await removeUnprocessed(h.client, h.prefix, root.key);
    // The preview says what the run removes, in the order it removes them.
    expect(done.removed).toEqual(preview.removed);
    for (const key of expected) expect(await h.client.exists(key), key).toBe(0);
    expect(await h.queue('leaves').getFailedCount()).toBe(0);
    expect(await h.queue('others').getFailedCount()).toBe(0);
    expect(done.releasesParent).toBe(true);
  });
});

describe('remove job: a bucket under the job that lists one of its ancestors', () => {
  it('removes the job and what is under it, never the ancestor (preview and run agree)', async () => {
    const h = harness();
    // A → B → C by parentKey and buckets; C's :processed lists A back (BullMQ never writes that).
    const { A: a, B: b, C: c } = await writeRawJobs(h.client, `${h.prefix}:cyc`, { A: null, B: 'A', C: 'B' }, { version: 'bullmq:6.7.0' });
    await h.client.hset(`${c}:processed`, a, '"r"');

    const preview = await previewRemoveJob(h.client, h.prefix, b);
    expect(preview.removed).toEqual([c, b]);
    const done = await removeJob(h.client, h.prefix, b);
    expect(done.removed).toEqual([c, b]);
    expect(await h.client.exists(a)).toBe(1);
    expect(await h.client.exists(b, c)).toBe(0);
    // B was A's last pending child: A is released, as for any other removal.
    expect(done.releasedParent).toBe(a);
  });
});

describe('retry failed children: a bucket key of the wrong type', () => {
  it("the parent's own :failed, or one under it: REFUSED naming the key and its type, nothing written", async () => {
    const h = harness();
    const [p, c1, c2] = ['P', 'C1', 'C2'].map((id) => h.key('bad', id)) as [string, string, string];
    const now = Date.now();
    await h.client.hset(p, jobFields('P', { finishedOn: now }));
    await h.client.zadd(`${h.prefix}:bad:completed`, now, 'P');
    for (const c of [c1, c2]) await h.client.hset(c, jobFields('C', { ...parentFields(p, 'idof'), finishedOn: now }));
    await h.client.zadd(`${h.prefix}:bad:failed`, now, 'C1', now, 'C2');
    await h.client.hset(`${h.prefix}:bad:meta`, 'version', 'bullmq:6.7.0');
    // The ignored bucket is a list instead of a hash.
    await h.client.rpush(`${p}:failed`, c1, c2);
    const before = await dump(h);
    for (const run of [previewRetryFailedChildren, retryFailedChildren]) {
      const error = await refusal(run(h.client, h.prefix, p));
      expect(error.code).toBe('REFUSED');
      expect(error.message).toContain(`${p}:failed is a list, not the hash BullMQ keeps`);
      expect(error.details).toEqual({ key: `${p}:failed`, type: 'list', expected: 'hash' });
    }
    expect(await dump(h)).toEqual(before);

    // Fixed at the parent, but a failed child's own :unsuccessful is a string.
    await h.client.del(`${p}:failed`);
    await h.client.hset(`${p}:failed`, c1, 'broken', c2, 'broken');
    await h.client.set(`${c1}:unsuccessful`, 'x');
    const again = await dump(h);
    const error = await refusal(retryFailedChildren(h.client, h.prefix, p));
    expect(error.code).toBe('REFUSED');
    expect(error.details).toEqual({ key: `${c1}:unsuccessful`, type: 'string', expected: 'zset' });
    expect(await dump(h)).toEqual(again);
  });
});
