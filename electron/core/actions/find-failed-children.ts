// Finds the failed children BullMQ keeps in no bucket. A parent's failed children are (docs/SPEC.md §6):
//   fail-parent             -> in the parent's `:unsuccessful` zset
//   ignore, continue-parent -> in the parent's `:failed` hash (the "ignored" bucket)
//   none                    -> still in `:dependencies`, the child itself in its failed zset
//   remove                  -> in no bucket at all: only the child's `parentKey` points back
// The reader lists the first three with the buckets; this finds the last kind, in the failed
// zsets of the queues under the prefix, from `since` on (the failed zset is scored by failure
// time, and nothing under a job fails before the job existed): find-removed-failures.lua reads
// each queue's part in pages of at most PAGE jobs, cut by rank and resumed by (score, member),
// so jobs that failed in the same millisecond never make one long call; the first page of every
// queue goes out at once and names the start of the rest, which go out together in a second
// round trip (a few ms each). Only the remove-policy jobs and their parent keys come back.
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
import { luaScript } from '../lua/round-trips';
import type { ActionCost } from './cost';
import findRemovedFailuresLua from './find-removed-failures.lua?raw';

// A test seam: exported for the actions bench (test/bench/actions.bench-run.ts), which times the script alone.
export const FIND_REMOVED_FAILURES = luaScript('find-removed-failures', findRemovedFailuresLua);

/** Jobs read per find-removed-failures call at most: ~1.5 µs each, so a call holds Redis ~3 ms. */
export const PAGE = 2000;
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

interface Page {
  queueKey: string;
  from: [string, string];
  to: [string, string];
  /** The first page of its queue: asks for the start cursors of the rest. */
  first: boolean;
}

const END: [string, string] = ['+inf', ''];

/**
 * Failed remove-policy jobs of `queueKeys` that failed at or after `since` (ms). One round trip
 * when each queue's part is one page (PAGE jobs); else a second one carries the rest of the
 * pages, cut by rank and found again by (score, member). A page read short of its end (jobs
 * added within it meanwhile, or a cursor found again at the start of its score) goes on from
 * where it stopped in one more round trip. Every call reads `page` jobs at most.
 */
export async function findRemovedFailures(cost: ActionCost, queueKeys: string[], since: number, page = PAGE): Promise<RemovedFailure[]> {
  const from = String(Math.max(0, Math.floor(since)));
  let pages: Page[] = queueKeys.map((queueKey) => ({ queueKey, from: [from, ''], to: END, first: true }));
  const found: RemovedFailure[] = [];
  const seen = new Set<string>();
  while (pages.length > 0) {
    const replies = await cost.trips.run(
      pages.map((p) => ({ script: FIND_REMOVED_FAILURES, keys: [p.queueKey], args: [...p.from, ...p.to, page, p.first ? page : 0] })),
    );
    const more: Page[] = [];
    replies.forEach((reply, i) => {
      const p = pages[i]!;
      const [matches, next, starts] = Array.isArray(reply) ? reply.map(strings) : [];
      const r = matches ?? [];
      for (let j = 0; j + 1 < r.length; j += 2) {
        if (seen.has(r[j]!)) continue;
        seen.add(r[j]!);
        found.push({ key: r[j]!, parentKey: r[j + 1]! });
      }
      const s = starts ?? [];
      if (p.first && s.length >= 2) {
        // The rest of the queue's part, page by page: each ends where the next starts.
        for (let j = 0; j + 1 < s.length; j += 2) {
          const to: [string, string] = j + 3 < s.length ? [s[j + 2]!, s[j + 3]!] : END;
          more.push({ queueKey: p.queueKey, from: [s[j]!, s[j + 1]!], to, first: false });
        }
      } else if (next && next.length >= 2) {
        more.push({ queueKey: p.queueKey, from: [next[0]!, next[1]!], to: p.to, first: false });
      }
    });
    pages = more;
  }
  return found;
}
