// The flow list and the job inspector over the contract, against real BullMQ flows run by
// real workers.
import { FlowProducer, Queue } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FlowList, JobDetail } from '../../../shared/domain';
import { JobOutcomes, startWorker } from '../../helpers/flows';
import { closeAfterAll, coreForFile } from '../../helpers/core-per-file';

const { redis, core } = coreForFile({ core: { shell: 'cli' } });
const closing = closeAfterAll();
const ids: Record<string, string> = {};

async function call<T>(method: string, args: unknown): Promise<T> {
  const result = await core.dispatch(method, args);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.result as T;
}

beforeAll(async () => {
  const { connection, prefix } = redis;
  const flows = new FlowProducer({ connection, prefix });
  closing(() => flows.close());
  // stuck: a child with no policy fails and blocks its parent for ever
  const stuck = await flows.add({ name: 'stuck-report', queueName: 'lf-reports', children: [
    { name: 'fetch', queueName: 'lf-work', data: { fail: 'timeout' } },
    { name: 'render', queueName: 'lf-work', data: { result: 'pdf' } },
  ] });
  // ignored failure: the parent completes with a failed child in `ignored`
  const ignored = await flows.add({ name: 'digest', queueName: 'lf-mail', data: { result: 'sent' }, children: [
    { name: 'fetch', queueName: 'lf-work', data: { fail: 'gone' }, opts: { ignoreDependencyOnFailure: true } },
  ] });
  // healthy, still waiting for a delayed child; it is a child itself of a root in another queue
  const nested = await flows.add({ name: 'release', queueName: 'lf-reports', children: [
    { name: 'build', queueName: 'lf-mail', children: [{ name: 'later', queueName: 'lf-work', opts: { delay: 60_000 } }] },
  ] });
  ids.stuck = stuck.job.id!;
  ids.ignored = ignored.job.id!;
  ids.nested = nested.job.id!;
  ids.build = nested.children![0]!.job.id!;
  ids.fetch = stuck.children![0]!.job.id!;
  const outcomes = new JobOutcomes();
  for (const q of ['lf-work', 'lf-mail']) {
    const worker = startWorker(outcomes, connection, prefix, q);
    closing(() => worker.close());
  }
  await outcomes.until({
    [`${prefix}:lf-work:${stuck.children![0]!.job.id}`]: 'failed',
    [`${prefix}:lf-work:${stuck.children![1]!.job.id}`]: 'completed',
    [`${prefix}:lf-mail:${ignored.job.id}`]: 'completed',
  });
  const queue = new Queue('lf-work', { connection, prefix });
  await queue.getJob(ids.fetch).then((job) => job!.log('first try'));
  await queue.close();
});


describe('listFlows', () => {
  it('lists roots and parents in waiting-children, newest first', async () => {
    const list = await call<FlowList>('listFlows', {});
    const keys = list.flows.map((f) => `${f.queue}:${f.id}`);
    expect(new Set(keys)).toEqual(new Set([`lf-reports:${ids.nested}`, `lf-mail:${ids.build}`, `lf-mail:${ids.ignored}`, `lf-reports:${ids.stuck}`]));
    const stamps = list.flows.map((f) => f.timestamp ?? 0);
    expect(stamps).toEqual([...stamps].sort((a, b) => b - a));
    expect(list.flows.find((f) => f.id === ids.build)).toMatchObject({ isRoot: false, state: 'waiting-children' });
    expect(list.nextCursor).toBeNull();
  });

  it('filters stuck parents and parents with failed children', async () => {
    const stuck = await call<FlowList>('listFlows', { state: 'stuck' });
    expect(stuck.flows.map((f) => f.id)).toEqual([ids.stuck]);
    expect(stuck.flows[0]).toMatchObject({ blockingFailures: 1, childCounts: { processed: 1, unprocessed: 1 } });
    const failing = await call<FlowList>('listFlows', { state: 'has-failed-children' });
    expect(new Set(failing.flows.map((f) => f.id))).toEqual(new Set([ids.stuck, ids.ignored]));
  });

  it('filters by queue, name and state, searches by id, and pages', async () => {
    expect((await call<FlowList>('listFlows', { queue: 'lf-mail' })).flows.map((f) => f.id).sort()).toEqual([ids.build, ids.ignored].sort());
    expect((await call<FlowList>('listFlows', { name: 'DIGEST' })).flows.map((f) => f.id)).toEqual([ids.ignored]);
    expect((await call<FlowList>('listFlows', { state: 'completed' })).flows.map((f) => f.id)).toEqual([ids.ignored]);
    const found = await call<FlowList>('listFlows', { search: ids.fetch });
    expect(found.flows).toEqual([expect.objectContaining({ queue: 'lf-work', id: ids.fetch, state: 'failed', isRoot: false })]);
    const first = await call<FlowList>('listFlows', { limit: 3 });
    expect(first.flows).toHaveLength(3);
    const second = await call<FlowList>('listFlows', { limit: 3, cursor: first.nextCursor! });
    expect(second.flows).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.flows, ...second.flows].map((f) => f.key)).size).toBe(4);
  });

  it('refuses bad filters', async () => {
    expect(await core.dispatch('listFlows', { state: 'broken' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await core.dispatch('listFlows', { limit: 0 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});

describe('getJob', () => {
  it('returns a job in full: node, data, options, error, stack and logs', async () => {
    const detail = await call<JobDetail>('getJob', { key: `${redis.prefix}:lf-work:${ids.fetch}` });
    expect(detail.node).toMatchObject({ state: 'failed', bucket: 'unprocessed', blocking: true, failedReason: 'timeout' });
    expect(detail.data).toEqual({ fail: 'timeout' });
    expect(detail.stacktrace[0]).toMatch(/Error: timeout/);
    expect(detail.logs).toEqual({ total: 1, lines: ['first try'] });
    expect(detail.rootKey).toBe(`${redis.prefix}:lf-reports:${ids.stuck}`);
    expect(detail.opts).toEqual(expect.any(Object));
  });

  it('shows bad JSON data as text with a note, and refuses a missing job', async () => {
    const key = `${redis.prefix}:lf-work:raw-1`;
    await redis.client().hset(key, 'name', 'raw', 'data', '{not json', 'timestamp', '1');
    const detail = await call<JobDetail>('getJob', { key });
    expect(detail).toMatchObject({ data: '{not json', dataError: expect.stringMatching(/not valid JSON/) });
    expect(await core.dispatch('getJob', { key: `${redis.prefix}:lf-work:none` })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.dispatch('getJob', { key: 'nonsense' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
