// Remove job on a parent with failed remove-policy children. BullMQ keeps such a child in no
// bucket of its parent (only its own parentKey points back), so a removal that walks the
// buckets — BullMQ's Job.remove({ removeChildren: true }), and Flowscope's remove-job.lua before
// this — left it behind, failed, naming a parent that no longer exists (the chaos soak's
// orphanKeys). Remove job now finds them with the remove-policy search and removes them, with
// their own subtrees, in the same script; the preview lists them.
import { describe, expect, it } from 'vitest';
import { previewRemoveJob, removeJob } from '../../../electron/core/actions';
import { scanKeys } from '../../../electron/core/connection/scan-keys';
import { FlowHarness, harnessPerTest, leaf } from '../../helpers/actions-harness';
import { waitForState } from '../../helpers/actions-wait';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);

/** Job hashes under the prefix whose parentKey names a job that does not exist. */
async function orphans(h: FlowHarness): Promise<string[]> {
  const keys: string[] = [];
  await scanKeys(h.client, `${h.prefix}:*`, { count: 1000, prefix: h.prefix }, (batch) => void keys.push(...batch));
  const out: string[] = [];
  for (const key of keys) {
    if (key.slice(h.prefix.length + 1).split(':').length !== 2 || (await h.client.type(key)) !== 'hash') continue;
    const parentKey = await h.client.hget(key, 'parentKey');
    if (parentKey && !(await h.client.exists(parentKey))) out.push(key);
  }
  return out.sort();
}

describe('remove job on a parent with failed remove-policy children', () => {
  it('removes them and their subtrees too (the preview lists them): no job is left naming a parent that is gone', async () => {
    const h = harness();
    const root = await h.start({ broken: ['c2', 'mid'], parents: ['parents'], leaves: ['leaves', 'others'] }).addFlow({
      name: 'root',
      queueName: 'parents',
      children: [
        leaf('c1', 'leaves', 'remove'),
        // Alone in its queue: found by the search of every queue with a failed set.
        leaf('c2', 'others', 'remove'),
        { name: 'mid', queueName: 'parents', opts: { attempts: 1, removeDependencyOnFailure: true }, children: [leaf('g1', 'leaves', 'none')] },
      ],
    });
    await waitForState(h.queue('parents'), root.id, 'completed');
    await h.until('parents', 'failed', 1);
    await h.until('others', 'failed', 1);
    const [c2] = await h.queue('others').getFailed();
    const [mid] = await h.queue('parents').getFailed();
    const g1 = (await h.queue('leaves').getCompleted()).find((j) => j.name === 'g1')!;
    const c1 = (await h.queue('leaves').getCompleted()).find((j) => j.name === 'c1')!;
    const expected = [root.key, h.key('leaves', c1.id!), h.key('others', c2!.id!), h.key('parents', mid!.id!), h.key('leaves', g1.id!)].sort();

    const preview = await previewRemoveJob(h.client, h.prefix, root.key);
    expect([...preview.removed].sort()).toEqual(expected);
    // Children before their parents.
    expect(preview.removed.indexOf(h.key('leaves', g1.id!))).toBeLessThan(preview.removed.indexOf(h.key('parents', mid!.id!)));
    expect(preview.removed.at(-1)).toBe(root.key);

    const done = await removeJob(h.client, h.prefix, root.key);
    expect([...done.removed].sort()).toEqual(expected);
    for (const key of expected) expect(await h.client.exists(key)).toBe(0);
    expect(await h.queue('others').getFailedCount()).toBe(0);
    expect(await h.queue('parents').getFailedCount()).toBe(0);
    expect(await orphans(h)).toEqual([]);
  });

  it('leaves a remove-policy failure of another parent alone', async () => {
    const h = harness();
    h.start({ broken: ['x'], parents: ['parents'], leaves: ['leaves'] });
    const a = await h.addFlow({ name: 'a', queueName: 'parents', children: [leaf('a1', 'leaves', 'remove')] });
    const b = await h.addFlow({ name: 'b', queueName: 'parents', children: [leaf('b1', 'leaves', 'remove'), leaf('x', 'leaves', 'remove')] });
    await waitForState(h.queue('parents'), a.id, 'completed');
    await waitForState(h.queue('parents'), b.id, 'completed');
    const [x] = await h.queue('leaves').getFailed();
    const done = await removeJob(h.client, h.prefix, a.key);
    expect(done.removed).toHaveLength(2);
    expect(await h.client.exists(h.key('leaves', x!.id!))).toBe(1);
    expect(await orphans(h)).toEqual([]);
  });
});
