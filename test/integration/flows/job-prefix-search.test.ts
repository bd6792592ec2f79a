// A job found by the start of its id without a scan of the keyspace: findJobsByIdPrefix walks
// the searched queues' state sets (ZSCAN MATCH, LRANGE chunks), so 200,000 unrelated keys cost
// nothing and no SCAN runs; every state a job can be in is found, in any case, up to the cap;
// a state key of the wrong type does not stop the search.
import { randomUUID } from 'node:crypto';
import { FlowProducer, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyCaseGlob, findJobsByIdPrefix } from '../../../electron/core/flows/job-search';
import { waitForState } from '../../helpers/actions-wait';
import { startTestRedis, type TestRedis } from '../../helpers/redis';

let redis: TestRedis;
let client: Redis;
let prefix: string;
const ids: Record<string, string> = {};
/** Ids that share a start, for the cap. */
const twins = Array.from({ length: 5 }, (_, i) => `twin${i}-${randomUUID()}`);

async function calls(command: string): Promise<number> {
  const info = await client.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

beforeAll(async () => {
  redis = await startTestRedis({ own: true });
  client = redis.client();
  prefix = redis.prefix;
  await client.call('DEBUG', 'POPULATE', '200000', 'noise', '8');
  const q = new Queue('px-a', { connection: redis.connection, prefix });
  for (const state of ['waiting', 'delayed', 'prioritized', 'completed', 'failed']) ids[state] = randomUUID();
  await q.add('w', {}, { jobId: ids.waiting });
  await q.add('d', {}, { jobId: ids.delayed, delay: 60_000 });
  await q.add('p', {}, { jobId: ids.prioritized, priority: 5 });
  for (const id of twins) await q.add('t', {}, { jobId: id });
  const done = new Queue('px-b', { connection: redis.connection, prefix });
  await done.add('c', {}, { jobId: ids.completed });
  await done.add('f', { fail: true }, { jobId: ids.failed });
  const worker = new Worker(
    'px-b',
    async (job) => {
      if (job.data.fail) throw new Error('no');
      return 1;
    },
    { connection: redis.connection, prefix },
  );
  await waitForState(done, ids.completed!, 'completed');
  await waitForState(done, ids.failed!, 'failed');
  await worker.close();
  ids['waiting-children'] = randomUUID();
  const flows = new FlowProducer({ connection: redis.connection, prefix });
  await flows.add({ name: 'parent', queueName: 'px-b', opts: { jobId: ids['waiting-children'] }, children: [{ name: 'c', queueName: 'px-a' }] });
  await Promise.all([flows.close(), q.close(), done.close()]);
}, 60_000);

afterAll(async () => redis.stop());

describe('findJobsByIdPrefix', () => {
  it('finds a job in every state by 8 characters of its id, in any case, without a SCAN', async () => {
    const scans = await calls('scan');
    for (const [state, id] of Object.entries(ids)) {
      const queue = ['completed', 'failed', 'waiting-children'].includes(state) ? 'px-b' : 'px-a';
      const hits = await findJobsByIdPrefix(client, prefix, ['px-a', 'px-b'], id.slice(0, 8).toUpperCase(), 10);
      expect(hits, state).toEqual([`${prefix}:${queue}:${id}`]);
    }
    expect(await calls('scan')).toBe(scans);
  });

  it('stops at the cap, searches only the queues asked, and goes on past a state key of the wrong type', async () => {
    expect(await findJobsByIdPrefix(client, prefix, ['px-a'], 'TWIN', 3)).toHaveLength(3);
    expect(await findJobsByIdPrefix(client, prefix, ['px-a'], 'twin', 10)).toHaveLength(5);
    expect(await findJobsByIdPrefix(client, prefix, ['px-b'], 'twin', 10)).toEqual([]);
    await client.set(`${prefix}:px-a:completed`, 'not a zset');
    expect(await findJobsByIdPrefix(client, prefix, ['px-a'], ids.waiting!.slice(0, 8), 10)).toEqual([`${prefix}:px-a:${ids.waiting}`]);
    await client.del(`${prefix}:px-a:completed`);
  });

  it('builds a glob that matches any case and escapes glob specials', () => {
    expect(anyCaseGlob('aB1-')).toBe('[aA][bB]1-');
    expect(anyCaseGlob('a*?[]\\')).toBe('[aA]\\*\\?\\[\\]\\\\');
  });
});
