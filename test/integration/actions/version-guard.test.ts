// The BullMQ version guard: actions rewrite BullMQ's internals, so they refuse (changing
// nothing) on queues written by a BullMQ major this project has not been tested against, and
// allow queues with no recorded version (only a Queue instance records one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  judgeVersion,
  previewRetryFailedChildren,
  removeUnprocessed,
  retryFailedChildren,
} from '../../../electron/core/actions';
import { dumpKeys } from '../../helpers/actions-dump';
import { FlowHarness, leaf } from '../../helpers/actions-harness';
import { waitUntil } from '../../helpers/actions-wait';
import { startTestRedis, type TestRedis } from '../../helpers/redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis.stop());

describe('version guard', () => {
  it('judges meta versions: BullMQ 6 and unknown allowed, other majors and libraries refused', () => {
    expect(judgeVersion('bullmq:6.7.0')).toEqual({ ok: true });
    expect(judgeVersion('bullmq:6.0.1')).toEqual({ ok: true });
    expect(judgeVersion(null)).toEqual({ ok: true });
    expect(judgeVersion('bullmq:5.1.0')).toMatchObject({ ok: false, reason: expect.stringContaining('5.1.0') });
    expect(judgeVersion('bullmq:7.0.0')).toMatchObject({ ok: false });
    expect(judgeVersion('bullmq-pro:7.3.0')).toMatchObject({ ok: false, reason: expect.stringContaining('not BullMQ') });
    expect(judgeVersion('garbage')).toMatchObject({ ok: false });
  });

  it('refuses an action touching a queue of an untested major, changing nothing; allows queues without a version', async () => {
    const h = new FlowHarness(redis);
    try {
      h.broken.add('c');
      h.parentWorker('parents');
      h.leafWorker('flaky');
      const parent = await h.addFlow({
        name: 'agg',
        queueName: 'parents',
        children: [leaf('c', 'flaky', 'ignore'), { name: 'w', queueName: 'idle' }],
      });
      await h.queue('parents').getVersion(); // the parents queue records its version; flaky has none
      // Raw reads only for `flaky`: a Queue instance would record its version.
      await waitUntil(async () => (await h.client.zcard(`${h.prefix}:flaky:failed`)) === 1, 'c to fail');
      expect(await h.client.hget(`${h.prefix}:parents:meta`, 'version')).toMatch(/^bullmq:6\./);
      expect(await h.client.hget(`${h.prefix}:flaky:meta`, 'version')).toBeNull();
      expect((await previewRetryFailedChildren(h.client, h.prefix, parent.key)).retried).toHaveLength(1);

      await h.client.hset(`${h.prefix}:flaky:meta`, 'version', 'bullmq:5.1.0');
      await h.client.hset(`${h.prefix}:idle:meta`, 'version', 'bullmq:5.1.0');
      const before = await dumpKeys(h.client, h.prefix);
      await expect(retryFailedChildren(h.client, h.prefix, parent.key)).rejects.toMatchObject({
        code: 'REFUSED',
        message: expect.stringContaining(`${h.prefix}:flaky`),
      });
      await expect(removeUnprocessed(h.client, h.prefix, parent.key)).rejects.toMatchObject({
        code: 'REFUSED',
        message: expect.stringContaining(`${h.prefix}:idle`),
      });
      expect(await dumpKeys(h.client, h.prefix)).toEqual(before);

      await h.client.hdel(`${h.prefix}:flaky:meta`, 'version');
      h.broken.delete('c');
      expect((await retryFailedChildren(h.client, h.prefix, parent.key)).retried).toHaveLength(1);
      await waitUntil(async () => (await h.client.zcard(`${h.prefix}:flaky:completed`)) === 1, 'c to complete after the retry');
    } finally {
      await h.close();
    }
  });
});
