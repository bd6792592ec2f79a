// "Remove unprocessed children" (docs/SPEC.md §6) on a parent: preview and real run. Both read the
// parent and the subtrees of its `:dependencies` level by level (read-subtree.ts) and plan
// with a pure function (plan-remove.ts): the preview is that plan. The run checks the BullMQ
// version of every queue it will write (version-guard.ts), then hands the plan to
// remove-unprocessed.lua in batches (~1,000 jobs each, all in one round trip, each atomic),
// which re-checks every child as it removes it and skips, with the reason, what changed. The
// read includes the remove-policy search (find-failed-children.ts): a removed child's failed
// remove-policy children, in no bucket, go with it. Batches take the children oldest first
// (by queue, creation time, id), the order they sit in a wait list from its tail, where the
// script's list pass starts: each batch then finds its jobs near the tail.
import type { RedisClient } from '../connection/redis-client';
import { ActionCost, withStats } from './cost';
import { queueKeysOf } from '../../../shared/job-keys';
import { assertJobKey } from './job-key';
import { asStrings, luaWriteScript } from './lua-script';
import { planRemoveUnprocessed, type RemoveItem, type RemovePlan } from './plan-remove';
import { readSubtree } from './read-subtree';
import removeUnprocessedLua from './remove-unprocessed.lua?raw';
import { jobOf, type Snapshot } from './snapshot';
import type { RemoveUnprocessedResult, SearchOptions, SkippedJob } from './types';
import { CompatGuard, type ScriptLayouts } from './version-guard';

// A test seam: exported for the actions bench (test/bench/actions.bench-run.ts), which times the script alone.
export const REMOVE_UNPROCESSED = luaWriteScript('remove-unprocessed', removeUnprocessedLua);

/** Jobs removed per script (a child counts with its subtree): ~1,000 keep one script near 15 ms. */
export const REMOVE_BATCH_JOBS = 1000;
const ACTION = 'Remove unprocessed';

interface BatchReply {
  removed: string[];
  skipped: SkippedJob[];
  released: boolean;
}

function parseReply(reply: unknown): BatchReply {
  const [removed, skipped, released] = Array.isArray(reply) ? reply : [];
  const pairs = asStrings(skipped);
  const out: SkippedJob[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) out.push({ key: pairs[i]!, reason: pairs[i + 1]! });
  return { removed: asStrings(removed), skipped: out, released: released === '1' };
}

/**
 * By queue, then creation time, then id (numerically when both are numbers): the order BullMQ
 * pushed them. Each item's sort key is made once (a comparator that looked the jobs up cost
 * ~25 ms for 5,000 children).
 */
function sortOldestFirst(snapshot: Snapshot, items: RemoveItem[]): RemoveItem[] {
  const keyed = items.map((item) => {
    const job = jobOf(snapshot, item.key);
    return { item, queueKey: job.queueKey, timestamp: job.timestamp, id: job.id, n: Number(job.id) };
  });
  keyed.sort((x, y) => {
    if (x.queueKey !== y.queueKey) return x.queueKey < y.queueKey ? -1 : 1;
    if (x.timestamp !== y.timestamp) return x.timestamp - y.timestamp;
    if (Number.isFinite(x.n) && Number.isFinite(y.n) && x.n !== y.n) return x.n - y.n;
    return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
  });
  return keyed.map((k) => k.item);
}

function batchesOf(items: RemoveItem[]): RemoveItem[][] {
  const batches: RemoveItem[][] = [];
  let current: RemoveItem[] = [];
  let weight = 0;
  for (const item of items) {
    const size = Math.max(1, item.subtree.length);
    if (current.length > 0 && weight + size > REMOVE_BATCH_JOBS) {
      batches.push(current);
      current = [];
      weight = 0;
    }
    current.push(item);
    weight += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The plan and, for a run, the layouts of every queue it may write (refused before anything is written). */
async function planned(
  redis: RedisClient,
  prefix: string,
  parentKey: string,
  cost: ActionCost,
  search: SearchOptions,
): Promise<{ plan: RemovePlan; layouts: ScriptLayouts }> {
  assertJobKey(prefix, parentKey);
  const guard = new CompatGuard(redis, () => cost.add());
  const snapshot = await readSubtree(
    redis,
    prefix,
    parentKey,
    {
      ancestors: true,
      allLocks: true,
      startBuckets: ['dependencies'],
      removed: true,
      queues: search.queues,
      onQueues: (q) => guard.prefetch(q),
    },
    cost,
  );
  const plan = planRemoveUnprocessed(snapshot);
  plan.items = sortOldestFirst(snapshot, plan.items);
  // The preview lists them in the order the run removes them.
  plan.result.removed = plan.items.flatMap((item) => item.subtree);
  const layouts = await guard.assert(queueKeysOf([parentKey, ...plan.result.removed]), ACTION);
  return { plan, layouts };
}

async function apply(redis: RedisClient, plan: RemovePlan, layouts: ScriptLayouts, cost: ActionCost): Promise<RemoveUnprocessedResult> {
  const result: RemoveUnprocessedResult = { removed: [], skipped: [...plan.result.skipped], stillBlocking: [], releasesParent: false };
  const batches = batchesOf(plan.items);
  const now = String(Date.now());
  const layoutArg = JSON.stringify(layouts);
  const replies = await cost.trips.run(
    batches.map((batch) => ({
      script: REMOVE_UNPROCESSED,
      keys: [plan.routeKey],
      args: [now, layoutArg, JSON.stringify(batch.map((item) => [item.key, item.state, item.leaf ? '1' : '0', item.extras]))],
    })),
  );
  for (const reply of replies) {
    const r = parseReply(reply);
    result.removed.push(...r.removed);
    result.skipped.push(...r.skipped);
    if (r.released) result.releasesParent = true;
  }
  result.stillBlocking = result.skipped.filter((s) => !s.reason.startsWith('no longer pending')).map((s) => s.key);
  return result;
}

/** The preview (the plan's result) or the run (the plan applied), with what it cost. */
async function removal(redis: RedisClient, prefix: string, parentKey: string, search: SearchOptions, run: boolean): Promise<RemoveUnprocessedResult> {
  const cost = new ActionCost(redis);
  const { plan, layouts } = await planned(redis, prefix, parentKey, cost, search);
  return withStats(run ? await apply(redis, plan, layouts, cost) : plan.result, cost);
}

export function previewRemoveUnprocessed(redis: RedisClient, prefix: string, parentKey: string, search: SearchOptions = {}): Promise<RemoveUnprocessedResult> {
  return removal(redis, prefix, parentKey, search, false);
}

export function removeUnprocessed(redis: RedisClient, prefix: string, parentKey: string, search: SearchOptions = {}): Promise<RemoveUnprocessedResult> {
  return removal(redis, prefix, parentKey, search, true);
}
