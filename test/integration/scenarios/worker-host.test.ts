// The worker host on a real redis-server with real BullMQ workers: start, list with live
// counts, concurrency, stop; and closeAll() that waits for running jobs, then gives back the
// ones still running (back to wait, unlocked, no attempt spent) so no job stays locked by a
// worker of ours that is gone.
import { describe, expect, it } from 'vitest';
import type { Processor } from 'bullmq';
import { FlowscopeError } from '../../../shared/errors';
import { pause } from '../../../electron/core/scenarios/leaf-work';
import { createWorkerHost } from '../../../electron/core/workers';
import { scenarioHarnessForSuite, scenarioHarnessForTest } from '../../helpers/scenario-harness';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();

/** A processor that announces each start, so tests await "running" instead of polling. */
function announcing(work: Processor): { processor: Processor; started: (n: number) => Promise<void> } {
  let count = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    processor: async (job, token, signal) => {
      count++;
      for (const w of waiters.filter((w) => count >= w.n)) w.resolve();
      return work(job, token, signal);
    },
    started: (n) => (count >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

describe('worker host', () => {
  const h = scenarioHarnessForSuite(redis);

  it('starts, lists with live counts, changes concurrency and stops a worker', async () => {
    const before = Date.now();
    const info = await h.host.start({
      queue: 'wh-basic',
      concurrency: 2,
      owner: 'test',
      processor: async (job) => {
        if (job.data.fail) throw new Error('boom');
        return `done ${job.name}`;
      },
    });
    expect(info).toMatchObject({ queue: 'wh-basic', owner: 'test', concurrency: 2, running: 0, processed: 0, completed: 0, failed: 0, state: 'running' });
    expect(info.startedAt).toBeGreaterThanOrEqual(before);

    const q = h.queue('wh-basic');
    const jobs = await Promise.all([q.add('a', {}), q.add('b', {}), q.add('c', { fail: true })]);
    await h.outcomes.until({
      [`${h.prefix}:wh-basic:${jobs[0].id}`]: 'completed',
      [`${h.prefix}:wh-basic:${jobs[1].id}`]: 'completed',
      [`${h.prefix}:wh-basic:${jobs[2].id}`]: 'failed',
    });
    expect(h.host.get(info.id)).toMatchObject({ running: 0, processed: 3, completed: 2, failed: 1 });
    expect(h.host.list().map((w) => w.id)).toEqual([info.id]);

    expect(h.host.setConcurrency(info.id, 7).concurrency).toBe(7);
    expect(() => h.host.setConcurrency(info.id, 0)).toThrow(FlowscopeError);

    await h.host.stop(info.id);
    expect(h.host.list()).toEqual([]);
    await expect(h.host.stop(info.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a queue name BullMQ 6 refuses, with a typed error', async () => {
    await expect(h.host.start({ queue: 'a:b', processor: async () => 1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(h.host.start({ queue: 'ok', concurrency: 1.5, processor: async () => 1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(h.host.list()).toEqual([]);
  });

  it('refuses to start a worker on a Redis that does not answer, with a typed error and nothing left running', async () => {
    const host = createWorkerHost({ connection: 'redis://127.0.0.1:1', prefix: 'x', connectTimeoutMs: 500 });
    await expect(host.start({ queue: 'q', processor: async () => 1 })).rejects.toMatchObject({ code: 'REDIS_UNAVAILABLE' });
    expect(host.list()).toEqual([]);
    expect(() => createWorkerHost({ connection: 'http://example.com', prefix: 'x' })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  it('closeAll() lets running jobs finish when they finish in time', async () => {
    const { processor, started } = announcing(async () => {
      await pause(300);
      return 'finished';
    });
    await h.host.start({ queue: 'wh-graceful', processor, concurrency: 2 });
    const q = h.queue('wh-graceful');
    const jobs = await Promise.all([q.add('a', {}), q.add('b', {})]);
    await started(2);
    expect(h.host.list()[0]?.running).toBe(2);

    await h.host.closeAll({ timeoutMs: 5_000 });
    expect(h.host.list()).toEqual([]);
    for (const job of jobs) expect(await q.getJobState(job.id ?? '')).toBe('completed');
    expect(await h.lockKeys()).toEqual([]);
    expect(await h.activeCount(['wh-graceful'])).toBe(0);
  });
});

describe('worker host, forced close', () => {
  it('gives running jobs back to wait after the timeout: no lock left, no attempt spent, even for a processor that ignores its signal', async () => {
    const h = await scenarioHarnessForTest(redis);
    let aborted = 0;
    const polite = announcing(async (_job, _token, signal) => {
      try {
        await pause(60_000, signal);
      } catch (error) {
        aborted++;
        throw error;
      }
    });
    // Ignores its signal: the host must not wait for it.
    const stubborn = announcing(() => pause(3_000));
    await h.host.start({ queue: 'wh-polite', processor: polite.processor });
    await h.host.start({ queue: 'wh-stubborn', processor: stubborn.processor });
    const a = await h.queue('wh-polite').add('long', {}, { attempts: 3 });
    const b = await h.queue('wh-stubborn').add('long', {}, { attempts: 3 });
    await Promise.all([polite.started(1), stubborn.started(1)]);
    expect(await h.lockKeys()).toHaveLength(2);

    const t0 = Date.now();
    await h.host.closeAll({ timeoutMs: 200 });
    expect(Date.now() - t0).toBeLessThan(2_500);

    expect(h.host.list()).toEqual([]);
    expect(await h.lockKeys()).toEqual([]);
    expect(await h.activeCount(['wh-polite', 'wh-stubborn'])).toBe(0);
    for (const [queue, job] of [['wh-polite', a], ['wh-stubborn', b]] as const) {
      const back = await h.job(`${h.prefix}:${queue}:${job.id}`);
      expect(await back.getState()).toBe('waiting');
      expect(back.attemptsMade).toBe(0);
      expect(back.failedReason).toBeFalsy();
    }
    expect(aborted).toBe(1);
    expect(h.outcomes.all()).toEqual([]);
    expect(h.log.entries.some((e) => e.level === 'warn' && e.message.includes('moving its running jobs back to wait'))).toBe(true);
  });
});
