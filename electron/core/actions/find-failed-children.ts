// Finds the failed children BullMQ keeps in no bucket. A parent's failed children are (SPEC §6):
//   fail-parent             -> in the parent's `:unsuccessful` zset
//   ignore, continue-parent -> in the parent's `:failed` hash (the "ignored" bucket)
//   none                    -> still in `:dependencies`, the child itself in its failed zset
//   remove                  -> in no bucket at all: only the child's `parentKey` points back
// The planner reads the first three from the buckets (read-jobs.ts); this finds the last kind.
// It is found by scanning the failed zset of every queue under the prefix (SCAN for
// `P:*:failed` zsets) in pages of 1,000 by score, one script per page that returns only the jobs
// whose `parent` JSON has `rdof`. Cost: one SCAN of the prefix's keyspace plus one hash read per
// job under the prefix that failed after `since`, once per action, whatever the tree. `since`
// is the action root's creation time minus an hour: a failed zset is scored by failure time, and
// nothing under a job can fail before the job existed (the hour absorbs clock skew between the
// hosts that add jobs and the hosts that run workers).
import type { RedisClient } from '../connection/redis-client';
import { scanKeys } from '../connection/scan-keys';
import { escapeGlob } from '../queues/discover-queues';
import findRemovedFailuresLua from './find-removed-failures.lua?raw';
import { asStrings, luaScript, runScript } from './lua-script';

const FIND_REMOVED_FAILURES = luaScript('find-removed-failures', findRemovedFailuresLua);
const PAGE = 1000;

export const CLOCK_SKEW_MS = 60 * 60 * 1000;

/** Failed remove-policy jobs by parent key. */
export type RemovedFailures = Map<string, string[]>;

async function failedSets(redis: RedisClient, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  await scanKeys(redis, `${escapeGlob(prefix)}:*:failed`, { count: PAGE, type: 'zset', prefix }, (batch) => void keys.push(...batch));
  return [...new Set(keys)];
}

async function scanQueue(redis: RedisClient, queueKey: string, since: number, index: RemovedFailures): Promise<void> {
  let from = String(since);
  let skip = 0;
  for (;;) {
    const reply = asStrings(await runScript(redis, FIND_REMOVED_FAILURES, [queueKey], [from, skip, PAGE]));
    const [nextFrom = from, nextSkip = '0', last = '1'] = reply;
    for (let i = 3; i + 1 < reply.length; i += 2) {
      const list = index.get(reply[i + 1]!) ?? [];
      if (!list.includes(reply[i]!)) list.push(reply[i]!);
      index.set(reply[i + 1]!, list);
    }
    if (last === '1') return;
    from = nextFrom;
    skip = Number(nextSkip);
  }
}

/** Failed remove-policy jobs under the prefix that failed at or after `since` (ms), by parent key. */
export async function findRemovedPolicyFailures(redis: RedisClient, prefix: string, since = 0): Promise<RemovedFailures> {
  const index: RemovedFailures = new Map();
  const sets = await failedSets(redis, prefix);
  await Promise.all(sets.map((key) => scanQueue(redis, key.slice(0, -':failed'.length), since, index)));
  return index;
}
