// Finds a parent's failed children in all the places BullMQ leaves them (SPEC §6):
//   fail-parent             -> the parent's `:unsuccessful` zset
//   ignore, continue-parent -> the parent's `:failed` hash (the "ignored" bucket)
//   none                    -> still in `:dependencies`, with the child itself in its failed zset
//   remove                  -> in no bucket at all: only the child's `parentKey` points back
// The last kind is the costly one. It is found by scanning the failed zset of every queue under
// the prefix (queues found by discoverQueueNames: every queue where a job ever failed has a
// `meta` hash, written by the worker's moveToFinished) in pages of 1,000 ids, one script per
// page that keeps only jobs whose `parent` JSON has `rdof`. Cost: one SCAN of the prefix's
// keyspace plus O(failed jobs under the prefix) hash reads, once per action, whatever the tree.
import type { Redis } from 'ioredis';
import { discoverQueueNames } from '../queues/discover-queues';
import findRemovedFailuresLua from './find-removed-failures.lua?raw';
import { listBucket, type BucketKey } from './list-bucket';
import { asStrings, luaScript, runScript } from './lua-script';

const FIND_REMOVED_FAILURES = luaScript('find-removed-failures', findRemovedFailuresLua);
const PAGE = 1000;

/** Where a failed child was found, i.e. which bucket it has to be re-linked from. */
export type FailedChildSource = 'unsuccessful' | 'failed' | 'dependencies' | 'none';

/** Failed children with the remove policy, by parent key. */
export type RemovedFailures = Map<string, string[]>;

export async function findRemovedPolicyFailures(redis: Redis, prefix: string): Promise<RemovedFailures> {
  const index: RemovedFailures = new Map();
  for (const name of await discoverQueueNames(redis, prefix)) {
    const queueKey = `${prefix}:${name}`;
    let cursor = '0';
    do {
      const [next, pairs] = await redis.zscan(`${queueKey}:failed`, cursor, 'COUNT', PAGE);
      cursor = next;
      const ids = pairs.filter((_, i) => i % 2 === 0);
      if (ids.length === 0) continue;
      const found = asStrings(await runScript(redis, FIND_REMOVED_FAILURES, [queueKey], ids));
      for (let i = 0; i + 1 < found.length; i += 2) {
        const list = index.get(found[i + 1]!) ?? [];
        if (!list.includes(found[i]!)) list.push(found[i]!);
        index.set(found[i + 1]!, list);
      }
    } while (cursor !== '0');
  }
  return index;
}

/** Every child key a parent holds, by the bucket it is in. */
export interface ParentBuckets {
  dependencies: string[];
  processed: string[];
  failed: string[];
  unsuccessful: string[];
}

export async function listBuckets(redis: Redis, parentKey: string, which: BucketKey[]): Promise<ParentBuckets> {
  const out: ParentBuckets = { dependencies: [], processed: [], failed: [], unsuccessful: [] };
  for (const bucket of which) out[bucket] = await listBucket(redis, parentKey, bucket);
  return out;
}
