// Lists a parent's buckets with the SCAN family in pages of ~1,000, so a huge fan-out never
// holds Redis in one long SMEMBERS / HKEYS. Keys present for the whole listing are all returned
// (SCAN's guarantee); the action scripts re-check every key they touch anyway.
import type { RedisClient } from '../connection/redis-client';
import type { BucketKey } from './read-jobs';

const COUNT = 1000;

export async function listBucket(redis: RedisClient, parentKey: string, bucket: BucketKey): Promise<string[]> {
  const key = `${parentKey}:${bucket}`;
  const out = new Set<string>();
  let cursor = '0';
  do {
    let next: string;
    if (bucket === 'dependencies') {
      const [c, members] = await redis.sscan(key, cursor, 'COUNT', COUNT);
      next = c;
      for (const m of members) out.add(m);
    } else if (bucket === 'unsuccessful') {
      const [c, pairs] = await redis.zscan(key, cursor, 'COUNT', COUNT);
      next = c;
      for (let i = 0; i < pairs.length; i += 2) out.add(pairs[i]!);
    } else {
      const [c, pairs] = await redis.hscan(key, cursor, 'COUNT', COUNT);
      next = c;
      for (let i = 0; i < pairs.length; i += 2) out.add(pairs[i]!);
    }
    cursor = next;
  } while (cursor !== '0');
  return [...out];
}
