// Round trips grow with depth, not size: 1,000- and 10,000-node flows load in one round trip
// per level, exactly (compared with BullMQ node for node), and a 10,000-child fan-out whose
// children all wait in one list gets exact states without BullMQ's O(N^2) per-job LPOS.
// Timings are printed for the record; assertions are on round trips and answers.
import { Job, Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { loadTree } from '../../../electron/core/tree';
import { loaderView, unaccounted } from '../../helpers/flows';
import { oracleForSuite } from '../../helpers/oracle-per-suite';
import { testRedisForFile } from '../../helpers/redis-per-file';

const redis = testRedisForFile();
const bq = oracleForSuite(redis);

/** root -> `mids` children in sc-mid -> `leaves` each in sc-leaf (all waiting: no workers). */
async function addFlow(tag: string, mids: number, leaves: number): Promise<string> {
  const node = await bq.flows.add({
    name: `root-${tag}`,
    queueName: 'sc-top',
    children: Array.from({ length: mids }, (_, m) => ({
      name: `mid-${m}`,
      queueName: 'sc-mid',
      children: Array.from({ length: leaves }, (_, l) => ({ name: `leaf-${m}-${l}`, queueName: 'sc-leaf' })),
    })),
  });
  return node.job.id!;
}

const elapsed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const value = await run();
  return [value, Math.round(performance.now() - t)];
};

describe('round trips grow with depth', () => {
  it('a 3-level flow of 1,001 nodes loads in 3 round trips, matching BullMQ', async () => {
    const id = await addFlow('1k', 10, 99);
    const tree = await loadTree(bq.client, bq.P, 'sc-top', id);
    expect(tree.stats.nodes).toBe(1001);
    expect(tree.truncated).toEqual([]);
    const depth = 2;
    expect(tree.stats.roundTrips).toBeLessThanOrEqual(2 * depth + 4);
    expect(tree.stats.roundTrips).toBe(3); // root (+ ancestors), the 10 mids, the 990 leaves
    expect(loaderView(tree)).toEqual(await bq.oracle.walk(tree.root));
    expect(unaccounted(tree)).toEqual([]);
    console.log(`[tree] 1,001 nodes: ${tree.stats.roundTrips} round trips, ${tree.stats.ms} ms`);
  });

  it('a 3-level flow of 10,001 nodes loads in 3 round trips, matching BullMQ', { timeout: 120_000 }, async () => {
    const id = await addFlow('10k', 100, 99);
    const tree = await loadTree(bq.client, bq.P, 'sc-top', id);
    expect(tree.stats.nodes).toBe(10_001);
    expect(tree.stats.roundTrips).toBe(3);
    const again = await loadTree(bq.client, bq.P, 'sc-top', id);
    expect(again.stats.roundTrips).toBe(3);

    // Reference points: one pipelined HGETALL of the same hashes, and what other dashboards do
    // (FlowProducer.getFlow + one getState per node).
    const [, hgetall] = await elapsed(async () => {
      const p = bq.client.pipeline();
      for (const n of tree.nodes) p.hgetall(n.key);
      await p.exec();
    });
    const [, getFlow] = await elapsed(async () => {
      const flow = await bq.flows.getFlow({ id, queueName: 'sc-top', depth: 10, maxChildren: 200 });
      const jobs: Job[] = [];
      const collect = (n: typeof flow) => {
        jobs.push(n.job);
        for (const c of n.children ?? []) collect(c);
      };
      collect(flow);
      await Promise.all(jobs.map((j) => j.getState()));
    });
    console.log(
      `[tree] 10,001 nodes: ${again.stats.roundTrips} round trips, ${again.stats.ms} ms (first load ${tree.stats.ms} ms); ` +
        `pipelined HGETALL ${hgetall} ms; getFlow + getState ${getFlow} ms`,
    );
    expect(loaderView(again)).toEqual(await bq.oracle.walk(again.root));
    expect(unaccounted(again)).toEqual([]);
  });

  it('10,000 children waiting in one list: exact states in one level', { timeout: 120_000 }, async () => {
    const node = await bq.flows.add({
      name: 'fan',
      queueName: 'sc-fan',
      children: Array.from({ length: 10_000 }, (_, i) => ({ name: `c${i}`, queueName: 'sc-fan-child' })),
    });
    // A few children in other states of the same queue, so the list pass has to tell them apart.
    const childQueue = new Queue('sc-fan-child', { connection: redis.connection, prefix: bq.P });
    const some = node.children!.slice(0, 30).map((c) => c.job.id!);
    for (const jobId of some.slice(0, 10)) {
      await bq.client.lrem(`${bq.P}:sc-fan-child:wait`, 1, jobId);
      await bq.client.lpush(`${bq.P}:sc-fan-child:active`, jobId);
    }
    for (const jobId of some.slice(10, 20)) await bq.client.lrem(`${bq.P}:sc-fan-child:wait`, 1, jobId); // now in no list: unknown

    const tree = await loadTree(bq.client, bq.P, 'sc-fan', node.job.id!, { pageSize: 10_000 });
    expect(tree.stats.nodes).toBe(10_001);
    expect(tree.stats.roundTrips).toBe(2);
    const states = tree.nodes.slice(1).map((n) => n.state);
    expect(states.filter((s) => s === 'active')).toHaveLength(10);
    expect(states.filter((s) => s === 'unknown')).toHaveLength(10);
    expect(states.filter((s) => s === 'waiting')).toHaveLength(9_980);

    const [answer, bullmqMs] = await elapsed(() => bq.oracle.answerFor(tree));
    for (const n of tree.nodes) expect(n.state, n.key).toBe(answer.get(n.key)!.state);
    console.log(`[tree] 10,000-child fan-out: ${tree.stats.roundTrips} round trips, ${tree.stats.ms} ms; BullMQ per-node answers ${bullmqMs} ms`);
    await childQueue.close();
  });

  // Last in this file: after a SCRIPT FLUSH, BullMQ's FlowProducer.add fails with NOSCRIPT (it
  // sends its script inside MULTI, where ioredis cannot fall back to EVAL).
  it('after SCRIPT FLUSH the scripts are sent again with their source: one more round trip, the same tree', async () => {
    const id = await addFlow('flush', 3, 3);
    const before = await loadTree(bq.client, bq.P, 'sc-top', id);
    await bq.client.script('FLUSH');
    const after = await loadTree(bq.client, bq.P, 'sc-top', id);
    expect(after.stats.roundTrips).toBe(before.stats.roundTrips + 1);
    expect(after.nodes).toEqual(before.nodes);
  });
});
