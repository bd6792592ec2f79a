// A full dump of every key under a prefix (type-aware, sorted), to prove an action changed
// nothing. Keys idle workers touch on their own are left out: stall checks, and the wake-up
// marker (a worker's BZPOPMIN takes it whenever it gets to it). Lock values are kept but not
// their TTLs, so a lock extension does not count as a change.
import type { RedisClient } from '../../electron/core/connection/redis-client';
import { scanKeys } from '../../electron/core/connection/scan-keys';

const VOLATILE = [/:stalled-check$/, /:stalled$/, /:marker$/];

export async function dumpKeys(client: RedisClient, prefix: string): Promise<Record<string, unknown>> {
  const found = new Set<string>();
  await scanKeys(client, `${prefix}:*`, { count: 1000, prefix }, (batch) => batch.forEach((k) => found.add(k)));
  const keys = [...found];
  const out: Record<string, unknown> = {};
  for (const key of keys.sort()) {
    if (VOLATILE.some((re) => re.test(key))) continue;
    const type = await client.type(key);
    switch (type) {
      case 'string':
        out[key] = await client.get(key);
        break;
      case 'hash':
        out[key] = await client.hgetall(key);
        break;
      case 'set':
        out[key] = (await client.smembers(key)).sort();
        break;
      case 'zset':
        out[key] = await client.zrange(key, 0, -1, 'WITHSCORES');
        break;
      case 'list':
        out[key] = await client.lrange(key, 0, -1);
        break;
      case 'stream':
        out[key] = await client.xrange(key, '-', '+');
        break;
      default:
        out[key] = type;
    }
  }
  return out;
}

/** The events of one queue's stream, as `{event, jobId, prev}` objects, oldest first. */
export async function readEvents(client: RedisClient, queueKey: string): Promise<Record<string, string>[]> {
  const entries = await client.xrange(`${queueKey}:events`, '-', '+');
  return entries.map(([, fields]) => {
    const e: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) e[fields[i]!] = fields[i + 1]!;
    return e;
  });
}

/** Every key under a prefix as `type:DUMP` (Redis's own serialisation), none left out: to show nothing at all was written. */
export async function rawDump(client: RedisClient, prefix: string): Promise<Record<string, string>> {
  const keys = await client.keys(`${prefix}:*`);
  const out: Record<string, string> = {};
  for (const key of keys.sort()) out[key] = `${await client.type(key)}:${JSON.stringify(await client.dump(key))}`;
  return out;
}
