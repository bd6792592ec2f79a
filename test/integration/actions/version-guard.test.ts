// The compatibility table: actions rewrite BullMQ's internals, so they refuse (changing nothing)
// on queues written by a BullMQ outside the tested ranges (5.56–5.x, 6.x), by BullMQ Pro, or by
// anything unrecognised; a queue with no recorded version (only a Queue instance records one) is
// judged by its keys. Once per BullMQ major of the matrix.
import { describe, expect, it } from 'vitest';
import { judgeVersion, previewRetryFailedChildren, readQueueCompat, removeUnprocessed, retryFailedChildren, retryJob } from '../../../electron/core/actions';
import { dumpKeys } from '../../helpers/actions-dump';
import { agg, harnessPerTest, leaf } from '../../helpers/actions-harness';
import { BULLMQ_VERSIONS } from '../../helpers/bullmq-versions';
import { waitForState, waitUntil } from '../../helpers/actions-wait';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const harness = harnessPerTest(redis);

const TESTED = 'tested with BullMQ 5.56–5.x and 6.x';
const facts = (over: Partial<Parameters<typeof judgeVersion>[1] & object> = {}) => ({
  paused: false,
  waitLength: 0,
  pausedLength: 0,
  legacyPriority: false,
  ...over,
});

describe('the compatibility table', () => {
  it('allows 5.56–5.x and 6.x with their layouts; refuses older 5, other majors, BullMQ Pro and garbage, naming version and ranges', () => {
    expect(judgeVersion('bullmq:6.7.0')).toEqual({ ok: true, layout: 6, basis: 'version' });
    expect(judgeVersion('bullmq:6.0.1')).toEqual({ ok: true, layout: 6, basis: 'version' });
    expect(judgeVersion('bullmq:5.81.5')).toEqual({ ok: true, layout: 5, basis: 'version' });
    expect(judgeVersion('bullmq:5.56.0')).toEqual({ ok: true, layout: 5, basis: 'version' });
    for (const version of ['bullmq:5.55.9', 'bullmq:5.1.0', 'bullmq:4.18.3', 'bullmq:7.0.0']) {
      const verdict = judgeVersion(version);
      expect(verdict, version).toMatchObject({ ok: false, basis: 'version' });
      expect(verdict.reason, version).toContain(version.slice('bullmq:'.length));
      expect(verdict.reason, version).toContain(TESTED);
    }
    expect(judgeVersion('bullmq-pro:7.3.0')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/bullmq-pro:7\.3\.0 \(BullMQ Pro.*tested with BullMQ 5\.56–5\.x and 6\.x/),
    });
    expect(judgeVersion('garbage')).toMatchObject({ ok: false, reason: expect.stringContaining('"garbage"') });
  });

  it('judges a queue without a version by its keys', () => {
    expect(judgeVersion(null)).toEqual({ ok: true, layout: null, basis: 'keys' });
    expect(judgeVersion(null, facts())).toEqual({ ok: true, layout: null, basis: 'keys' });
    expect(judgeVersion('', facts({ paused: true, pausedLength: 2 }))).toEqual({ ok: true, layout: 5, basis: 'keys' });
    expect(judgeVersion(null, facts({ paused: true, waitLength: 2 }))).toEqual({ ok: true, layout: 6, basis: 'keys' });
    expect(judgeVersion(null, facts({ waitLength: 2 }))).toEqual({ ok: true, layout: null, basis: 'keys' });
    expect(judgeVersion(null, facts({ legacyPriority: true }))).toMatchObject({
      ok: false,
      basis: 'keys',
      reason: expect.stringContaining('BullMQ before 5'),
    });
    // The version wins over the keys.
    expect(judgeVersion('bullmq:6.7.0', facts({ paused: true, pausedLength: 2 }))).toEqual({ ok: true, layout: 6, basis: 'version' });
  });
});

describe.each(BULLMQ_VERSIONS)('$label', ({ bullmq, version, major }) => {
  it('refuses an action touching a queue of an untested version, changing nothing; allows queues without a version', async () => {
    const h = harness(bullmq);
    const parent = await h.start({ broken: ['c'], parents: ['parents'], leaves: ['flaky'] }).addFlow(agg([leaf('c', 'flaky', 'ignore'), { name: 'w', queueName: 'idle' }]));
    await h.queue('parents').getVersion(); // the parents queue records its version; flaky has none
    // Raw reads only for `flaky`: a Queue instance would record its version.
    await waitUntil(async () => (await h.client.zcard(`${h.prefix}:flaky:failed`)) === 1, 'c to fail');
    expect(await h.client.hget(`${h.prefix}:parents:meta`, 'version')).toBe(`bullmq:${version}`);
    expect(await h.client.hget(`${h.prefix}:flaky:meta`, 'version')).toBeNull();
    const compat = await readQueueCompat(h.client, [`${h.prefix}:parents`, `${h.prefix}:flaky`]);
    expect(Object.fromEntries(compat)).toEqual({
      [`${h.prefix}:parents`]: { ok: true, layout: major, basis: 'version' },
      [`${h.prefix}:flaky`]: { ok: true, layout: null, basis: 'keys' },
    });
    expect((await previewRetryFailedChildren(h.client, h.prefix, parent.key)).retried).toHaveLength(1);

    await h.client.hset(`${h.prefix}:flaky:meta`, 'version', 'bullmq:5.1.0');
    await h.client.hset(`${h.prefix}:idle:meta`, 'version', 'bullmq-pro:7.3.0');
    const before = await dumpKeys(h.client, h.prefix);
    await expect(retryFailedChildren(h.client, h.prefix, parent.key)).rejects.toMatchObject({
      code: 'REFUSED',
      message: expect.stringMatching(new RegExp(`queue ${h.prefix}:flaky is written by BullMQ 5\\.1\\.0; .*${TESTED}`)),
    });
    await expect(removeUnprocessed(h.client, h.prefix, parent.key)).rejects.toMatchObject({
      code: 'REFUSED',
      message: expect.stringContaining(`queue ${h.prefix}:idle is written by bullmq-pro:7.3.0`),
    });
    expect(await dumpKeys(h.client, h.prefix)).toEqual(before);

    await h.client.hdel(`${h.prefix}:flaky:meta`, 'version');
    h.broken.delete('c');
    expect((await retryFailedChildren(h.client, h.prefix, parent.key)).retried).toHaveLength(1);
    await waitUntil(async () => (await h.client.zcard(`${h.prefix}:flaky:completed`)) === 1, 'c to complete after the retry');
  });

  it("a paused queue without a version: the retried job goes where the queue's keys say its BullMQ keeps paused jobs", async () => {
    const h = harness(bullmq);
    const leaves = h.queue('leaves');
    const solo = await h.failedJob('leaves', 'solo');
    await leaves.pause();
    const other = await leaves.add('other', {});
    await h.client.hdel(`${h.prefix}:leaves:meta`, 'version');
    // BullMQ 5 added `other` to P:Q:paused, BullMQ 6 to P:Q:wait: the keys tell the layout.
    const list = major === 5 ? 'paused' : 'wait';
    expect(await h.client.lrange(`${h.prefix}:leaves:${list}`, 0, -1)).toEqual([other.id]);
    expect((await readQueueCompat(h.client, [`${h.prefix}:leaves`])).get(`${h.prefix}:leaves`)).toEqual({
      ok: true,
      layout: major,
      basis: 'keys',
    });

    await retryJob(h.client, h.prefix, h.key('leaves', solo.id!));
    expect(await h.client.lrange(`${h.prefix}:leaves:${list}`, 0, -1)).toEqual([solo.id, other.id]);
    await leaves.resume();
    await waitForState(leaves, solo.id!, 'completed');
    await waitForState(leaves, other.id!, 'completed');
    expect(Object.fromEntries(h.calls)).toEqual({ solo: 2, other: 1 });
  });
});
