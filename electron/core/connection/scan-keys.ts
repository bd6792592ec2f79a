// SCAN over whatever holds the keys: the one server, or on a cluster the masters that can hold
// keys under the prefix (the one owning its hash tag's slot when the prefix has one, else every
// master). SCAN never blocks Redis; callers batch what they do with the keys.
import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from './redis-client';
import { hashTagOf } from './topology';

export interface ScanOptions {
  /** Keys per SCAN call (a hint to Redis). */
  count: number;
  type?: string;
  /** The prefix every matching key starts with: on a cluster, its hash tag picks the node. */
  prefix: string;
}

async function nodesFor(client: RedisClient, prefix: string): Promise<Redis[]> {
  if (!isCluster(client)) return [client];
  const masters = client.nodes('master');
  if (hashTagOf(prefix) === null) return masters;
  const slot = Number(await client.cluster('KEYSLOT', prefix));
  const owner = client.slots[slot]?.[0];
  const node = owner ? masters.find((n) => `${n.options.host}:${n.options.port}` === owner) : undefined;
  return node ? [node] : masters;
}

/** Calls `onBatch` with each SCAN reply's keys (a key may repeat, as SCAN allows); resolves when done. */
export async function scanKeys(client: RedisClient, match: string, options: ScanOptions, onBatch: (keys: string[]) => void | Promise<void>): Promise<void> {
  for (const node of await nodesFor(client, options.prefix)) {
    let cursor = '0';
    do {
      const [next, batch] = options.type
        ? await node.scan(cursor, 'MATCH', match, 'COUNT', options.count, 'TYPE', options.type)
        : await node.scan(cursor, 'MATCH', match, 'COUNT', options.count);
      cursor = next;
      if (batch.length > 0) await onBatch(batch);
    } while (cursor !== '0');
  }
}
