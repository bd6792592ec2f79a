// Retry failed children, safety: an active parent is refused with nothing changed; the preview
// says exactly what the run does; a second run changes nothing; paused queues get no marker.
import { describe, expect, it } from 'vitest';
import { previewRetryFailedChildren, retryFailedChildren } from '../../../electron/core/actions';
import { dumpKeys } from '../../helpers/actions-dump';
import { agg, cascadeFlow, harnessPerTest, leaf, leavesOf } from '../../helpers/actions-harness';
import { waitForState } from '../../helpers/actions-wait';
import { withoutStats } from './stats';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);

describe('retry failed children: safety', () => {
  it('refuses on an active parent and changes nothing (every key compared)', async () => {
    const h = harness();
    h.heldWorker('parents', 'partial');
    const parent = await h.start({ broken: ['c'], leaves: ['leaves'] }).addFlow(agg(leavesOf('ignore', 'a', 'c')));
    // Both children done (c ignored): the parent runs and holds its lock.
    await waitForState(h.queue('parents'), parent.id, 'active');
    h.broken.delete('c');
    const before = await dumpKeys(h.client, h.prefix);
    await expect(retryFailedChildren(h.client, h.prefix, parent.key)).rejects.toMatchObject({
      code: 'REFUSED',
      message: expect.stringContaining(`${parent.key} is active`),
    });
    await expect(previewRetryFailedChildren(h.client, h.prefix, parent.key)).rejects.toMatchObject({ code: 'REFUSED' });
    expect(await dumpKeys(h.client, h.prefix)).toEqual(before);
    expect(h.count('c')).toBe(1);
  });

  it('answers NOT_FOUND for a missing parent and BAD_REQUEST for a key outside the prefix', async () => {
    const h = harness();
    await expect(retryFailedChildren(h.client, h.prefix, h.key('parents', 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(retryFailedChildren(h.client, h.prefix, 'other:parents:1')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('preview equals the run; a second run changes nothing; paused queues get no marker', async () => {
    const h = harness();
    const root = await h
      .start({ broken: ['leaf', 'c'], parents: ['roots', 'mids'], leaves: ['leaves'] })
      .addFlow(cascadeFlow([leaf('a', 'leaves', 'ignore'), leaf('c', 'flaky', 'ignore', { priority: 5 })]));
    await h.flakyLast(2);
    await waitForState(h.queue('roots'), root.id, 'failed');
    await h.until('flaky', 'failed', 2);
    for (const q of ['roots', 'mids', 'leaves', 'flaky']) await h.queue(q).pause();
    h.broken.clear();

    const preview = withoutStats(await previewRetryFailedChildren(h.client, h.prefix, root.key));
    const failed = await h.queue('flaky').getFailed();
    const byName = Object.fromEntries(failed.map((j) => [j.name, h.key('flaky', j.id!)]));
    const [mid] = await h.queue('mids').getFailed();
    expect(preview).toEqual({
      retried: [byName.c, byName.leaf],
      reopened: [root.key, h.key('mids', mid!.id!)],
      skipped: [],
    });
    const result = withoutStats(await retryFailedChildren(h.client, h.prefix, root.key));
    expect(result).toEqual(preview);
    // Paused: the retried jobs wait (c, with a priority, in prioritized) and no worker is woken.
    expect(await h.client.exists(`${h.prefix}:flaky:marker`)).toBe(0);
    expect(await h.queue('flaky').getJobState(failed.find((j) => j.name === 'c')!.id!)).toBe('prioritized');

    const before = await dumpKeys(h.client, h.prefix);
    expect(withoutStats(await retryFailedChildren(h.client, h.prefix, root.key))).toEqual({ retried: [], reopened: [], skipped: [] });
    expect(withoutStats(await previewRetryFailedChildren(h.client, h.prefix, root.key))).toEqual({ retried: [], reopened: [], skipped: [] });
    expect(await dumpKeys(h.client, h.prefix)).toEqual(before);

    for (const q of ['roots', 'mids', 'leaves', 'flaky']) await h.queue(q).resume();
    await waitForState(h.queue('roots'), root.id, 'completed');
    expect(await h.returned('roots', root.id)).toEqual(['r:a', 'r:c', 'r:leaf+r:leaf2']);
    expect(Object.fromEntries(h.calls)).toEqual({ leaf: 2, leaf2: 1, a: 1, c: 2, mid: 1, root: 1 });
  });
});
