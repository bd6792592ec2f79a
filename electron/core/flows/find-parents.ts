// Finds every job that has (or had) children under a prefix: one SCAN pass over the prefix's
// keys picking out the four bucket keys (`:dependencies`, `:processed`, `:unsuccessful`, and
// `:failed` when it is a hash, not a queue's failed zset). SCAN never blocks Redis; its cost is
// the number of keys under the prefix, so results are cached for a few seconds for paging.
// The same pass keeps the keys that may be job hashes (every key SCAN returned anyway, minus
// the known suffixes), so a search by id prefix reads them instead of scanning again.
import type { RedisClient } from '../connection/redis-client';
import { scanKeys } from '../connection/scan-keys';
import { escapeGlob } from '../queues/discover-queues';

const BUCKET_SUFFIXES = [':dependencies', ':processed', ':unsuccessful'];
const SCAN_COUNT = 2000;
/** Last segments of keys that are never a job hash (a queue's own keys, a job's side keys). */
const NOT_A_JOB = new Set([
  'dependencies', 'processed', 'unsuccessful', 'failed', 'logs', 'lock', 'wait', 'paused', 'active', 'meta', 'id',
  'events', 'completed', 'delayed', 'prioritized', 'waiting-children', 'stalled', 'stalled-check', 'marker', 'pc',
  'limiter', 'metrics', 'repeat',
]);

export interface FlowKeys {
  /** Jobs that have (or had) children. */
  parents: string[];
  /** Keys that may be job hashes (unverified: readers check the type). */
  jobs: string[];
}

export async function findParentKeys(redis: RedisClient, prefix: string, queue?: string): Promise<string[]> {
  return (await scanFlowKeys(redis, prefix, queue)).parents;
}

export async function scanFlowKeys(redis: RedisClient, prefix: string, queue?: string): Promise<FlowKeys> {
  const match = queue ? `${escapeGlob(prefix)}:${escapeGlob(queue)}:*` : `${escapeGlob(prefix)}:*`;
  const parents = new Set<string>();
  const jobs = new Set<string>();
  const failedCandidates: string[] = [];
  await scanKeys(redis, match, { count: SCAN_COUNT, prefix }, (keys) => {
    for (const key of keys) {
      const suffix = BUCKET_SUFFIXES.find((s) => key.endsWith(s));
      if (suffix) parents.add(key.slice(0, -suffix.length));
      else if (key.endsWith(':failed')) failedCandidates.push(key);
      else if (!NOT_A_JOB.has(key.slice(key.lastIndexOf(':') + 1))) jobs.add(key);
    }
  });

  // `P:Q:failed` is the queue's failed zset; `P:Q:id:failed` is a parent's ignored-children hash.
  for (let i = 0; i < failedCandidates.length; i += 1000) {
    const batch = failedCandidates.slice(i, i + 1000);
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.type(key);
    const types = (await pipeline.exec()) ?? [];
    batch.forEach((key, j) => {
      if (types[j]?.[1] === 'hash') parents.add(key.slice(0, -':failed'.length));
    });
  }
  return { parents: [...parents], jobs: [...jobs] };
}
