// Which queues the flow list walks: the core's queue registry (queues/queue-registry.ts), so a
// listing never SCANs a big keyspace. A small one (DBSIZE, O(1), under SMALL_KEYSPACE) is looked
// at again when its key count moved since the registry's last discovery: there a discovery costs
// less than the list, and a flow in a queue created a moment ago is listed at once, as it was
// when the list scanned for itself. On a bigger one a new queue shows up with the registry's
// next rescan (or as soon as any answer names it).
import type { RedisClient } from '../connection/redis-client';
import { keyCount, type QueueRegistry } from '../queues/queue-registry';

/** Keys under which a discovery is cheap enough (a few ms) to run for a listing. */
export const SMALL_KEYSPACE = 20_000;

export function flowListQueues(registry: Pick<QueueRegistry, 'list' | 'rescanIfChanged'>, redis: () => RedisClient): () => Promise<string[]> {
  return async () => {
    if ((await keyCount(redis())) < SMALL_KEYSPACE) await registry.rescanIfChanged({ ignoreBackoff: true });
    return (await registry.list()).map((q) => q.name);
  };
}
