// Remove unprocessed over a parent whose children are all leaves (no bucket key, no
// remove-policy failure): the run's leaf path (remove-unprocessed.ts, remove-leaves.lua) removes
// them without reading their hashes first, and leaves what it cannot remove so (active, failed,
// a dangling entry) to the full path. The answer is the preview's, the events name the state
// each job left, and the run costs fewer round trips than the preview.
import { describe, expect, it } from 'vitest';
import { previewRemoveUnprocessed, removeUnprocessed } from '../../../electron/core/actions';
import { assertCompatible } from '../../../electron/core/actions/version-guard';
import { readEvents } from '../../helpers/actions-dump';
import { everyStateChildren, harnessPerTest } from '../../helpers/actions-harness';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);
const sorted = (keys: string[]) => [...keys].sort();

describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq }) => {
  it('leaves only: waiting, delayed and prioritized ones go with their events; active, failed and dangling ones are handled as the preview says', async () => {
    const h = harness(bullmq);
    h.start({ broken: ['f'], leaves: ['leaves'] }).heldWorker('busy', 'busy done');
    const flow = await h.flows.add({
      name: 'parent',
      queueName: 'parents',
      children: everyStateChildren(),
    });
    const key = (name: string) => {
      const node = flow.children!.find((c) => c.job.name === name)!;
      return h.key(node.job.queueName, node.job.id!);
    };
    const parentKey = h.key('parents', flow.job.id!);
    await h.until('busy', 'active', 1);
    await h.until('leaves', 'completed', 1);
    await h.until('leaves', 'failed', 1);
    const dangling = h.key('idle', 'never-written');
    await h.client.sadd(`${parentKey}:dependencies`, dangling);

    const preview = withoutStats(await previewRemoveUnprocessed(h.client, h.prefix, parentKey));
    expect(sorted(preview.removed)).toEqual(sorted(['w', 'd', 'pr'].map(key)));
    const result = withoutStats(await removeUnprocessed(h.client, h.prefix, parentKey));
    expect({ ...result, removed: sorted(result.removed) }).toEqual({ ...preview, removed: sorted(preview.removed) });
    expect(Object.fromEntries(result.skipped.map((s) => [s.key, s.reason]))).toEqual({
      [key('act')]: 'active (a worker holds it)',
      [key('f')]: 'failed with no policy: it blocks the parent until it is retried or removed',
    });
    expect(result.releasesParent).toBe(false);

    for (const k of ['w', 'd', 'pr'].map(key)) expect(await h.client.exists(k), k).toBe(0);
    for (const k of ['act', 'f', 'done'].map(key)) expect(await h.client.exists(k), k).toBe(1);
    // The dangling entry is dropped, as BullMQ drops it; the blocking children stay.
    expect(sorted(await h.client.smembers(`${parentKey}:dependencies`))).toEqual(sorted(['act', 'f'].map(key)));
    expect(await h.client.zcard(`${h.prefix}:idle:delayed`)).toBe(0);
    expect(await h.client.zcard(`${h.prefix}:idle:prioritized`)).toBe(0);
    expect(await h.client.llen(`${h.prefix}:idle:wait`)).toBe(0);
    const prev = Object.fromEntries(
      (await readEvents(h.client, `${h.prefix}:idle`)).filter((e) => e.event === 'removed').map((e) => [h.key('idle', e.jobId!), e.prev]),
    );
    expect(prev).toEqual({ [key('w')]: 'wait', [key('d')]: 'delayed', [key('pr')]: 'prioritized' });
    expect(await h.queue('parents').getJobState(flow.job.id!)).toBe('waiting-children');
  });

  it('the preview lists the leaves in the order the run removes them (by queue, then id), whatever their creation times', async () => {
    const h = harness(bullmq);
    const parent = await h.addFlow({
      name: 'batch',
      queueName: 'parents',
      children: ['a', 'm', 'z'].map((id) => ({ name: `upload-${id}`, queueName: 'up-a', opts: { jobId: id } })),
    });
    // Created in the order opposite to their ids (a flow's children can straddle milliseconds).
    for (const [id, at] of [['z', 1000], ['m', 2000], ['a', 3000]] as const) await h.client.hset(h.key('up-a', id), 'timestamp', String(at));
    const preview = await previewRemoveUnprocessed(h.client, h.prefix, parent.key);
    const result = await removeUnprocessed(h.client, h.prefix, parent.key);
    expect(preview.removed).toEqual(['a', 'm', 'z'].map((id) => h.key('up-a', id)));
    expect(result.removed).toEqual(preview.removed);
  });

  it('every child a leaf: all go in one pass, the parent is released, in fewer round trips than the preview', async () => {
    const h = harness(bullmq);
    const parent = await h.addFlow({
      name: 'batch',
      queueName: 'parents',
      children: Array.from({ length: 2500 }, (_, n) => ({ name: `upload-${n}`, queueName: n % 2 ? 'up-a' : 'up-b' })),
    });
    const preview = await previewRemoveUnprocessed(h.client, h.prefix, parent.key);
    const result = await removeUnprocessed(h.client, h.prefix, parent.key);
    expect(sorted(result.removed)).toEqual(sorted(preview.removed));
    expect(result.removed).toHaveLength(2500);
    expect(result.releasesParent).toBe(true);
    expect(result.stats!.roundTrips).toBeLessThan(preview.stats!.roundTrips);
    expect(await h.client.exists(`${parent.key}:dependencies`)).toBe(0);
    expect(await h.client.llen(`${h.prefix}:up-a:wait`)).toBe(0);
    expect(await h.client.llen(`${h.prefix}:up-b:wait`)).toBe(0);
    expect(await h.queue('parents').getJobState(parent.id)).toBe('waiting');
  });

  it('a child with a child of its own sends the whole parent down the full path: the subtree goes, children first', async () => {
    const h = harness(bullmq);
    const flow = await h.flows.add({
      name: 'parent',
      queueName: 'parents',
      children: [{ name: 'w', queueName: 'idle' }, { name: 'sub', queueName: 'idle', children: [{ name: 'g', queueName: 'idle' }] }],
    });
    const sub = flow.children!.find((c) => c.job.name === 'sub')!;
    const subKey = h.key('idle', sub.job.id!);
    const gKey = h.key('idle', sub.children![0]!.job.id!);
    const result = await removeUnprocessed(h.client, h.prefix, h.key('parents', flow.job.id!));
    expect(result.removed).toHaveLength(3);
    expect(result.removed.indexOf(subKey)).toBeGreaterThan(result.removed.indexOf(gKey));
    expect(result.releasesParent).toBe(true);
  });
  it('a queue the guard refuses holding only a child that stays (failed): no refusal, as the full path judges only the queues it writes', async () => {
    const h = harness(bullmq);
    const flow = await h.flows.add({ name: 'parent', queueName: 'parents', children: [{ name: 'w', queueName: 'idle' }] });
    const parentKey = h.key('parents', flow.job.id!);
    const failedKey = h.key('pro', 'f1');
    await h.client.hset(`${h.prefix}:pro:meta`, 'version', 'bullmq-pro:7.9.0');
    await h.client.hset(failedKey, { name: 'f', data: '{}', opts: '{}', timestamp: Date.now(), finishedOn: Date.now(), failedReason: 'x' });
    await h.client.zadd(`${h.prefix}:pro:failed`, Date.now(), 'f1');
    await h.client.sadd(`${parentKey}:dependencies`, failedKey);
    // The leaf path judges every child's queue first: this one it refuses, so the full path runs.
    await expect(assertCompatible(h.client, [`${h.prefix}:pro`], 'Remove unprocessed')).rejects.toMatchObject({ code: 'REFUSED' });
    const result = await removeUnprocessed(h.client, h.prefix, parentKey);
    expect(result.removed).toEqual([h.key('idle', flow.children![0]!.job.id!)]);
    expect(result.skipped).toEqual([{ key: failedKey, reason: 'failed with no policy: it blocks the parent until it is retried or removed' }]);
    expect(await h.client.exists(failedKey)).toBe(1);
  });
});
