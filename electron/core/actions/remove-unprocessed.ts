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
//
// The run's leaf path comes first: when no child has a bucket key (nothing under it) nor a
// remove-policy failure, there is no subtree to read or plan, and remove-leaves.lua checks each
// child as remove-unprocessed.lua checks a planned leaf and removes it, leaving whatever it may
// not remove so (active, failed, completed, gained children, a dangling entry) untouched; the
// full path then runs for what is left, if anything. A fan-out of 5,000 waiting uploads is so
// removed without its 5,000 hashes being read first (docs/BENCHMARKS.md "actions").
import type { RedisClient } from '../connection/redis-client';
import { ActionCost, withStats } from './cost';
import { queueKeysOf, splitJobKey } from '../../../shared/job-keys';
import { FlowscopeError } from '../../../shared/errors';
import { assertJobKey } from './job-key';
import { CLOCK_SKEW_MS, findRemovedFailures, queuesWithFailedSets } from './find-failed-children';
import leafChildrenLua from './leaf-children.lua?raw';
import { asStrings, luaScript, luaWriteScript } from './lua-script';
import { planRemoveUnprocessed, type RemoveItem, type RemovePlan } from './plan-remove';
import { readSubtree } from './read-subtree';
import removeLeavesLua from './remove-leaves.lua?raw';
import removeUnprocessedLua from './remove-unprocessed.lua?raw';
import { jobOf } from './snapshot';
import type { RemoveUnprocessedResult, SearchOptions, SkippedJob } from './types';
import { CompatGuard, type ScriptLayouts } from './version-guard';

// A test seam: exported for the actions bench (test/bench/actions.bench-run.ts), which times the script alone.
export const REMOVE_UNPROCESSED = luaWriteScript('remove-unprocessed', removeUnprocessedLua);
// Test seams too (the bench names them in SLOWLOG): the leaf path's read and its removal.
export const LEAF_CHILDREN = luaScript('leaf-children', leafChildrenLua);
export const REMOVE_LEAVES = luaWriteScript('remove-leaves', removeLeavesLua);
/** The most children the leaf path lists in one call (a bigger parent takes the full path). */
const LEAF_PATH_MAX = 10_000;

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
 * By queue, then id (numerically when both are numbers): near the order BullMQ pushed them
 * (its own ids count up), and known without the job hashes, so the planned run and the leaf
 * path (which reads none) remove in the same order, the one the preview lists. Each item's sort
 * key is made once (a comparator that looked the jobs up cost ~25 ms for 5,000 children).
 */
function inPushOrder<T>(items: T[], keyOf: (item: T) => { queueKey: string; id: string }): T[] {
  const keyed = items.map((item) => {
    const { queueKey, id } = keyOf(item);
    return { item, queueKey, id, n: Number(id) };
  });
  keyed.sort((x, y) => {
    if (x.queueKey !== y.queueKey) return x.queueKey < y.queueKey ? -1 : 1;
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
  plan.items = inPushOrder(plan.items, (item) => jobOf(snapshot, item.key));
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

interface LeafRemoval {
  removed: string[];
  released: boolean;
  /** Children still in :dependencies after the last batch. */
  left: number;
}

/**
 * The leaf path of a run: when no child of the parent has a child of its own (no bucket key)
 * nor a remove-policy failure (the search), there is no subtree to read or plan, and
 * remove-leaves.lua checks and removes each child itself, as remove-unprocessed.lua removes a
 * planned leaf, leaving any child it cannot remove so (gone active, failed, completed, gained
 * children, a dangling entry) untouched. Returns what it removed and whether it released the
 * parent, or null (nothing written) when the full path must run: a child with children or with
 * a remove-policy failure, more than LEAF_PATH_MAX children, a queue the guard refuses (the
 * full path refuses only for the queues its plan writes), or a parent it cannot read so.
 */
async function removeLeaves(
  redis: RedisClient,
  prefix: string,
  parentKey: string,
  cost: ActionCost,
  search: SearchOptions,
): Promise<LeafRemoval | null> {
  const listing = search.queues?.() ?? queuesWithFailedSets(redis, prefix, cost);
  listing.catch(() => undefined); // awaited below, unless the full path takes over first
  const [reply] = await cost.trips.run([{ script: LEAF_CHILDREN, keys: [parentKey], args: [LEAF_PATH_MAX] }]);
  const [status, timestamp, marks = '', ...children] = asStrings(reply);
  if (status !== 'ok' || !timestamp || marks.includes('1')) return null;
  if (children.length === 0) return null;
  const own = queueKeysOf([parentKey, ...children]);
  const guard = new CompatGuard(redis, () => cost.add());
  guard.prefetch(own);
  const since = (Number(timestamp) || 0) - CLOCK_SKEW_MS;
  // Sent before the batches are made (findRemovedFailures sends its first calls as it is called).
  const others = await listing;
  const searched = findRemovedFailures(cost, [...new Set([...own, ...others])], since);
  const judged = guard.assert(own, ACTION).catch((error: unknown) => {
    if (error instanceof FlowscopeError && error.code === 'REFUSED') return null;
    throw error;
  });
  searched.catch(() => undefined); // awaited below
  // The batches are made while the search runs.
  const sorted = inPushOrder(children, splitJobKey);
  const batches: string[][] = [];
  for (let i = 0; i < sorted.length; i += REMOVE_BATCH_JOBS) batches.push(sorted.slice(i, i + REMOVE_BATCH_JOBS));
  const pending = new Set(children);
  const [found, layouts] = await Promise.all([searched, judged]);
  if (layouts === null || found.some((f) => pending.has(f.parentKey))) return null;
  const now = String(Date.now());
  const layoutArg = JSON.stringify(layouts);
  const calls = batches.map((batch) => ({ script: REMOVE_LEAVES, keys: [parentKey], args: [now, layoutArg, ...batch] }));
  const out: LeafRemoval = { removed: [], released: false, left: 0 };
  for (const r of await cost.trips.run(calls)) {
    const [keys, flag, left] = Array.isArray(r) ? r : [];
    out.removed.push(...asStrings(keys));
    if (flag === '1') out.released = true;
    out.left = Number(left);
  }
  return out;
}

/** The preview (the plan's result) or the run (the plan applied), with what it cost. */
async function removal(redis: RedisClient, prefix: string, parentKey: string, search: SearchOptions, run: boolean): Promise<RemoveUnprocessedResult> {
  const cost = new ActionCost(redis);
  let leaves: LeafRemoval | null = null;
  if (run) {
    assertJobKey(prefix, parentKey);
    leaves = await removeLeaves(redis, prefix, parentKey, cost, search);
    // Nothing left in :dependencies: no subtree to read.
    if (leaves && leaves.left === 0) {
      return withStats({ removed: leaves.removed, skipped: [], stillBlocking: [], releasesParent: leaves.released }, cost);
    }
  }
  const { plan, layouts } = await planned(redis, prefix, parentKey, cost, search);
  if (!run) return withStats(plan.result, cost);
  const result = await apply(redis, plan, layouts, cost);
  if (leaves) {
    result.removed.unshift(...leaves.removed);
    result.releasesParent ||= leaves.released;
  }
  return withStats(result, cost);
}

export function previewRemoveUnprocessed(redis: RedisClient, prefix: string, parentKey: string, search: SearchOptions = {}): Promise<RemoveUnprocessedResult> {
  return removal(redis, prefix, parentKey, search, false);
}

export function removeUnprocessed(redis: RedisClient, prefix: string, parentKey: string, search: SearchOptions = {}): Promise<RemoveUnprocessedResult> {
  return removal(redis, prefix, parentKey, search, true);
}
