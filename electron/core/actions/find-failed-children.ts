// Finds the failed children BullMQ keeps in no bucket. A parent's failed children are (docs/SPEC.md §6):
//   fail-parent             -> in the parent's `:unsuccessful` zset
//   ignore, continue-parent -> in the parent's `:failed` hash (the "ignored" bucket)
//   none                    -> still in `:dependencies`, the child itself in its failed zset
//   remove                  -> in no bucket at all: only the child's `parentKey` points back
// The reader lists the first three with the buckets; this finds the last kind, in the failed
// zsets of the queues under the prefix, from `since` on (the failed zset is scored by failure
// time, and nothing under a job fails before the job existed): failed-pages.lua cuts each
// queue's part into pages by score, then find-removed-failures.lua reads every page (all in one
// round trip, a few ms each) and returns only the remove-policy jobs and their parent keys.
// So the cost is one hash read per job that failed while the subtree existed (the jobs that
// could be its remove-policy children), not per failed job under the prefix.
//
// Which queues: first those the subtree's own jobs live in (searched as the reader meets them,
// beside its round trips). But a remove-policy child may sit alone in its queue (no other job of
// the subtree there: no bucket and no sibling names that queue), so every other queue with a
// failed zset under the prefix is searched too: those are listed by a SCAN for `P:*:failed`
// zsets (../connection/scan-keys.ts), kept per connection for LIST_TTL_MS (a preview's SCAN
// serves its run) and run beside the read when stale. A remove-policy child in a queue whose
// first failure came after that SCAN, and that no read of this connection has met since, is
// found once the list is older than LIST_TTL_MS.
import type { Redis } from 'ioredis';
import type { RedisClient } from '../connection/redis-client';
import { isCluster } from '../connection/redis-client';
import { scanKeys } from '../connection/scan-keys';
import { escapeGlob } from '../queues/discover-queues';
import { luaScript, type ScriptCall } from '../lua/round-trips';
import type { ActionCost } from './cost';
import failedPagesLua from './failed-pages.lua?raw';
import findRemovedFailuresLua from './find-removed-failures.lua?raw';

// A test seam: exported for the actions bench (test/bench/actions.bench-run.ts), which times the script alone.
export const FAILED_PAGES = luaScript('failed-pages', failedPagesLua);
// A test seam: exported for the actions bench (test/bench/actions.bench-run.ts), which times the script alone.
export const FIND_REMOVED_FAILURES = luaScript('find-removed-failures', findRemovedFailuresLua);

/** Jobs per find-removed-failures call: ~1.5 µs each, so a call holds Redis ~3 ms. */
const PAGE = 2000;
/** Keys per SCAN call (a hint to Redis: each call walks about this many keys, a few ms). */
const SCAN_COUNT = 10_000;

/** Clock skew allowed between the hosts that add jobs and the hosts that run workers. */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;

/** A failed remove-policy job and the parent its `parentKey` names. */
export interface RemovedFailure {
  key: string;
  parentKey: string;
}

/** Queue keys `P:Q` that have a failed zset, by one SCAN of the prefix; each SCAN call is counted. */
async function scanFailedSets(redis: RedisClient, prefix: string, cost: ActionCost): Promise<string[]> {
  const keys = new Set<string>();
  let client: RedisClient = redis;
  if (!isCluster(redis)) {
    // Counts the SCAN calls (on a cluster, the node clients scan-keys picks are not wrapped:
    // there, the replies that held keys are counted).
    const counting = Object.create(redis) as Redis;
    counting.scan = ((...args: Parameters<Redis['scan']>) => {
      cost.add();
      return redis.scan(...args);
    }) as Redis['scan'];
    client = counting;
  }
  await scanKeys(client, `${escapeGlob(prefix)}:*:failed`, { count: SCAN_COUNT, type: 'zset', prefix }, (batch) => {
    if (client === redis) cost.add();
    for (const key of batch) keys.add(key.slice(0, -':failed'.length));
  });
  return [...keys];
}

/** How long a connection's list of queues with a failed zset is used before it is listed again. */
export const LIST_TTL_MS = 10_000;
const listed = new WeakMap<RedisClient, Map<string, { at: number; queues: Promise<string[]> }>>();

/** The queues with a failed zset under the prefix: listed by SCAN at most every LIST_TTL_MS per connection. */
export function queuesWithFailedSets(redis: RedisClient, prefix: string, cost: ActionCost): Promise<string[]> {
  let byPrefix = listed.get(redis);
  if (!byPrefix) listed.set(redis, (byPrefix = new Map()));
  const known = byPrefix.get(prefix);
  const now = Date.now();
  if (known && now - known.at < LIST_TTL_MS) return known.queues;
  const queues = scanFailedSets(redis, prefix, cost);
  byPrefix.set(prefix, { at: now, queues });
  // A failed SCAN is not kept: the next action lists again.
  queues.catch(() => {
    if (byPrefix.get(prefix)?.queues === queues) byPrefix.delete(prefix);
  });
  return queues;
}

const strings = (reply: unknown): string[] =>
  Array.isArray(reply) ? reply.map((v) => (typeof v === 'string' ? v : String(v ?? ''))) : [];

/** Failed remove-policy jobs of `queueKeys` that failed at or after `since` (ms): two round trips. */
export async function findRemovedFailures(cost: ActionCost, queueKeys: string[], since: number): Promise<RemovedFailure[]> {
  if (queueKeys.length === 0) return [];
  const from = String(Math.max(0, Math.floor(since)));
  const bounds = await cost.trips.run(queueKeys.map((q) => ({ script: FAILED_PAGES, keys: [q], args: [from, PAGE] })));
  const pages: ScriptCall[] = [];
  bounds.forEach((reply, i) => {
    const b = strings(reply);
    for (let j = 0; j + 1 < b.length; j += 2) pages.push({ script: FIND_REMOVED_FAILURES, keys: [queueKeys[i]!], args: [b[j]!, b[j + 1]!] });
  });
  if (pages.length === 0) return [];
  const found: RemovedFailure[] = [];
  const seen = new Set<string>();
  for (const reply of await cost.trips.run(pages)) {
    const r = strings(reply);
    for (let j = 0; j + 1 < r.length; j += 2) {
      if (seen.has(r[j]!)) continue;
      seen.add(r[j]!);
      found.push({ key: r[j]!, parentKey: r[j + 1]! });
    }
  }
  return found;
}
