// Loading a flow with exact states and buckets, side by side on the same Redis:
//   (a) FlowProducer.getFlow (maxChildren large enough for the whole tree) + Job.getState() per
//       node, in parallel — what other dashboards do;
//   (b) one pipelined HGETALL of every job hash of the tree — the floor for reading it at all;
//   (c) Flowscope's loader (states and buckets exact, one pipeline per level).
// Targets (docs/SPEC.md §10): a/c >= 10 and c/b <= 1.5.
import { FlowProducer, type FlowJob, type JobNode } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadTree } from '../../electron/core/tree';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { median, ms, ratio, report, type BenchResult } from './measure';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis.stop());

/** root -> `fan` children -> `leaves` grandchildren each, built in one FlowProducer call. */
function flowOf(fan: number, leaves: number): FlowJob {
  return {
    name: 'root',
    queueName: 'bench-root',
    data: { kind: 'root' },
    children: Array.from({ length: fan }, (_, i) => ({
      name: `mid-${i}`,
      queueName: 'bench-mid',
      data: { i },
      children: Array.from({ length: leaves }, (_, j) => ({ name: `leaf-${i}-${j}`, queueName: 'bench-leaf', data: { i, j } })),
    })),
  };
}

function keysOf(node: JobNode, prefix: string, out: string[] = []): string[] {
  out.push(`${prefix}:${node.job.queueName}:${node.job.id}`);
  for (const child of node.children ?? []) keysOf(child, prefix, out);
  return out;
}

it('loads 1,000 and 10,000-node flows faster than getFlow + getState, near a bare HGETALL', async () => {
  const { connection, prefix } = redis;
  const producer = new FlowProducer({ connection, prefix });
  const client = redis.client();
  const result: BenchResult = { name: 'tree-load', rows: [], notes: [] };

  for (const [label, fan, leaves, runs] of [
    ['1,000 nodes (root -> 100 -> 9)', 100, 9, 15],
    ['10,000 nodes (root -> 100 -> 99)', 100, 99, 5],
  ] as const) {
    const built = await producer.add(flowOf(fan, leaves));
    const keys = keysOf(built, prefix);
    const rootId = built.job.id!;

    const a = await median(runs, async () => {
      const flow = await producer.getFlow({ id: rootId, queueName: 'bench-root', depth: 10, maxChildren: 100_000 });
      const jobs: JobNode[] = [];
      const collect = (n: JobNode) => {
        jobs.push(n);
        for (const c of n.children ?? []) collect(c);
      };
      collect(flow);
      await Promise.all(jobs.map((n) => n.job.getState()));
      expect(jobs.length).toBe(keys.length);
    });
    const b = await median(runs, async () => {
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.hgetall(key);
      const replies = await pipeline.exec();
      expect(replies?.length).toBe(keys.length);
    });
    let trips = 0;
    const c = await median(runs, async () => {
      const tree = await loadTree(client, prefix, 'bench-root', rootId, { depth: 10, pageSize: 1000 });
      expect(tree.nodes.length).toBe(keys.length);
      expect(tree.truncated).toEqual([]);
      trips = tree.stats.roundTrips;
    });
    result.rows.push({
      case: label,
      figures: {
        'a getFlow+getState': ms(a),
        'b pipelined HGETALL': ms(b),
        'c Flowscope loader': ms(c),
        'a/c (target >= 10)': ratio(a, c),
        'c/b (target <= 1.5)': ratio(c, b),
        'loader round trips': String(trips),
      },
    });
  }
  result.notes.push('Medians of repeated runs (after 2 untimed warm-up runs of each contender) on one throwaway redis-server (loopback), same process.');
  report(result);
  await producer.close();
});
