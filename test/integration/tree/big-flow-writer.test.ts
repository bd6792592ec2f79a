// The benches' fast writer of wide flows (test/helpers/big-flow-writer.ts) writes what one
// FlowProducer.add of the same flow writes: every key, every job hash, every dependencies set,
// wait list and waiting-children entry, with ids and times set aside (BullMQ makes a random id
// per node and stamps times). The same flow is written both ways under two prefixes and the
// two keyspaces are compared after naming each job by its (unique) job name.
import { FlowProducer } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadTree } from '../../../electron/core/tree';
import { wholeFlow, writeBigFlow, type BigFlowShape } from '../../helpers/big-flow-writer';
import { startTestRedis, type TestRedis } from '../../helpers/redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis.stop());

const shape: BigFlowShape = { queue: 'bw-root', id: 'census', parentQueue: 'bw-mid', leafQueue: 'bw-leaf', fan: 23, leaves: 4 };
const TIME_FIELDS = new Set(['timestamp', 'processedOn', 'finishedOn']);

/** The keyspace under `prefix`, ids replaced by job names and times left out, as sorted lines. */
async function layout(client: Redis, prefix: string): Promise<string[]> {
  const keys = (await client.keys(`${prefix}:*`)).sort();
  const queues = [shape.queue, shape.parentQueue, shape.leafQueue];
  // Job hashes: `prefix:queue:id` with a `name` field.
  const nameOf = new Map<string, string>();
  for (const key of keys) {
    if ((await client.type(key)) !== 'hash') continue;
    const rest = key.slice(prefix.length + 1);
    const queue = queues.find((q) => rest.startsWith(`${q}:`));
    const name = await client.hget(key, 'name');
    if (queue && name && !rest.slice(queue.length + 1).includes(':')) nameOf.set(rest.slice(queue.length + 1), name);
  }
  const ids = [...nameOf.keys()].sort((a, b) => b.length - a.length);
  const named = (text: string) => {
    let out = text.split(prefix).join('P');
    for (const id of ids) out = out.split(id).join(`<${nameOf.get(id)}>`);
    return out;
  };
  const lines: string[] = [];
  for (const key of keys) {
    const type = await client.type(key);
    const k = named(key);
    if (type === 'hash') {
      const hash = await client.hgetall(key);
      for (const [field, value] of Object.entries(hash)) {
        if (TIME_FIELDS.has(field)) continue;
        // opts.telemetry etc. are JSON: kept as written, ids named.
        lines.push(`${k} hash ${field}=${named(value)}`);
      }
    } else if (type === 'set') {
      lines.push(`${k} set ${(await client.smembers(key)).map(named).sort().join(',')}`);
    } else if (type === 'list') {
      // Several chunks in flight may interleave their leaves in a wait list: compared as a multiset.
      lines.push(`${k} list ${(await client.lrange(key, 0, -1)).map(named).sort().join(',')}`);
    } else if (type === 'zset') {
      lines.push(`${k} zset ${(await client.zrange(key, 0, -1)).map(named).sort().join(',')}`);
    } else if (type === 'stream') {
      const entries = (await client.xrange(key, '-', '+')) as [string, string[]][];
      lines.push(`${k} stream ${entries.map(([, f]) => named(f.join('='))).sort().join(',')}`);
    } else {
      lines.push(`${k} ${type}`);
    }
  }
  return lines.sort();
}

it('writes the same keys, hashes, sets, lists and events as one FlowProducer.add', async () => {
  const client = redis.client();
  const one = `${redis.prefix}one`;
  const chunked = `${redis.prefix}chunked`;
  const producer = new FlowProducer({ connection: redis.connection, prefix: one });
  await producer.add(wholeFlow(shape));
  await producer.close();
  const written = await writeBigFlow(redis.connection, chunked, shape, { chunk: 5, inFlight: 2 });
  expect(written.rootKey).toBe(`${chunked}:${shape.queue}:${shape.id}`);
  expect(written.calls).toBe(5); // the root with 5 parents, then 4 chunks (5, 5, 5, 3)

  const [a, b] = await Promise.all([layout(client, one), layout(client, chunked)]);
  expect(a.length).toBeGreaterThan(shape.fan * (shape.leaves + 1));
  expect(b).toEqual(a);

  // And the loader reads the same tree from both: states, buckets, counts.
  const shapeOf = async (prefix: string) => {
    const tree = await loadTree(client, prefix, shape.queue, shape.id, { pageSize: 1000 });
    return tree.nodes.map((n) => `${n.name} ${n.state} ${n.bucket ?? '-'} ${JSON.stringify(n.childCounts)} ${n.depth}`).sort();
  };
  const [ta, tb] = await Promise.all([shapeOf(one), shapeOf(chunked)]);
  expect(ta).toHaveLength(1 + shape.fan * (1 + shape.leaves));
  expect(tb).toEqual(ta);
});
