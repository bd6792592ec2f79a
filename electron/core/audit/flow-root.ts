// The root of the flow a job is in, for its audit entry: read before the action runs (a removed
// job has no parent chain left to read), with one ancestors.lua call. A job with no parent (or
// one already gone) is its own root; a broken chain gives its top existing ancestor.
import type { RedisClient } from '../connection/redis-client';
import { RoundTrips } from '../lua/round-trips';
import { ancestorsCall, parseAncestors } from '../tree/ancestors';

export async function flowRootOf(redis: RedisClient, key: string): Promise<string> {
  const [reply] = await new RoundTrips(redis).run([ancestorsCall(key)]);
  return parseAncestors(key, reply).keys[0] ?? key;
}
