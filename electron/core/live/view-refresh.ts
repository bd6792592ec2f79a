// A live view's refresh: events named some jobs; re-read them and their parents in one round
// trip (BullMQ writes nothing on the parent's stream when a child changes bucket), drop the
// nodes no bucket holds any more, load children that appeared (runtime-added children grow in
// place), recompute the parents' truncation, and turn what changed into a patch. Each step is
// a function over the view and the changes found so far. A refresh is two steps (readRefresh,
// applyRefresh) so the view's runs can overlap (view-runner.ts): the next refresh reads while
// this one applies; every node in view remembers the read its data comes from, and a record
// from an older read than that is not taken.
//
// A parent is listed (its first page of each bucket read) only when it must be: a child not in
// view named it, it is not shown whole, or its counts disagree with the children in view and
// no further work is on its way to explain it (then it is listed in the view's next run, right
// after this run's patch went out). Otherwise it is read for its counts only: at thousands of
// children in view that listing was most of a refresh. Children a listing shows in another
// bucket than the view holds are read in the view's next run (merged with the events that are
// usually on their way for them), not twice.
import type { RedisClient } from '../connection/redis-client';
import { BUCKETS, type Bucket, type FlowNode, type FlowPatch } from '../../../shared/domain';
import { queueKeyOf } from '../../../shared/job-keys';
import { RoundTrips } from '../lua/round-trips';
import { toFlowNode } from '../tree/flow-node';
import { loadLevelGroups, type LevelRecord } from '../tree/load-level';
import { walkLevels } from '../tree/tree-walk';
import type { LiveFlowView } from './flow-view';
import type { ViewWork } from './view-runner';

export interface RefreshDeps {
  redis: RedisClient;
  prefix: string;
  /** Follows the streams of queues new to the view; returns the queue keys newly followed. */
  follow(view: LiveFlowView): Promise<Set<string>>;
  /** Re-reads these keys of the view in its next run (listing their children when `list`). */
  schedule(view: LiveFlowView, keys: string[], list?: boolean): void;
  /** Stops following streams no view needs any more (nodes were removed). */
  unfollowUnused(): void;
  /** True when more work for the view came in meanwhile (its next run is certain). */
  morePending(view: LiveFlowView): boolean;
}

/** What a refresh found so far. */
interface Changes {
  upserts: Map<string, FlowNode>;
  removed: string[];
  truncated: FlowPatch['truncated'];
}

/** A child a parent in view lists that the view does not hold yet. */
interface Seed {
  key: string;
  bucket: Bucket;
  parent: FlowNode;
}

/** A refresh's reads, in: what the records are of, and the ticket of the read they come from. */
export interface RefreshRead {
  ticket: number;
  touched: Set<string>;
  newChildOf: Set<string>;
  toList: string[];
  records: LevelRecord[];
  trips: RoundTrips;
}

/**
 * A refresh's first step: re-reads the named jobs and their parents (one round trip, two when
 * a named job is new to the view), from the view as it is when the reads go out. Null when
 * none of them is in view.
 */
export async function readRefresh(view: LiveFlowView, work: Pick<ViewWork, 'keys' | 'list'>, deps: Pick<RefreshDeps, 'redis'>): Promise<RefreshRead | null> {
  const trips = new RoundTrips(deps.redis);
  const { touched, newChildOf } = await touchedKeys(view, work.keys, deps.redis, trips);
  if (touched.size === 0) return null;
  const toList: string[] = [];
  const toCount: string[] = [];
  for (const key of touched) (mustList(view, key, newChildOf) || (work.list.has(key) && listable(view, key)) ? toList : toCount).push(key);
  const ticket = view.nextRead();
  const [listedRecords, countedRecords] = await loadLevelGroups(
    trips,
    [
      { keys: toList, pageSize: view.options.pageSize },
      { keys: toCount, pageSize: 0 },
    ],
    true,
  );
  return { ticket, touched, newChildOf, toList, records: [...listedRecords!, ...countedRecords!], trips };
}

/**
 * A refresh's second step, once the runs before it applied: takes the records (but none older
 * than what the view holds), lists next time the parents whose counts do not add up, loads the
 * new children, and returns the patch.
 */
export async function applyRefresh(view: LiveFlowView, read: RefreshRead, deps: RefreshDeps): Promise<FlowPatch | null> {
  const { touched, trips, ticket } = read;
  const changes: Changes = { upserts: new Map(), removed: [], truncated: [] };
  /** The records of the parents read (in view, above the view's depth), by key. */
  const parents = new Map<string, LevelRecord>();
  const listed = new Set(read.toList);
  takeRecords(view, read.records, ticket, deps.prefix, changes, parents);
  // Parents read for counts whose counts the children in view do not add up to: read again in
  // the next run, listed unless more work is on its way anyway (then that run looks again).
  // Not listed here: this run's patch goes out first.
  const unexplained = [...parents.keys()].filter((k) => !listed.has(k) && !addsUp(view, k, parents.get(k)!));
  if (unexplained.length > 0) deps.schedule(view, unexplained, !deps.morePending(view));
  const listedParents = new Map([...parents].filter(([k]) => listed.has(k)));
  const { seeds, moved } = listedChildren(view, listedParents, touched);
  await walkNewChildren(view, seeds, trips, deps.prefix, changes);
  if (moved.size > 0) deps.schedule(view, [...moved]);
  retruncateParents(view, listedParents, changes);
  await followLateQueues(view, changes, deps);
  return patchOf(view, changes, deps);
}

/** A node in view that has children listed (above the view's depth). */
function listable(view: LiveFlowView, key: string): boolean {
  const node = view.nodes.get(key);
  return !!node && node.depth < view.options.depth;
}

/**
 * Whether a touched node must be listed: a child not in view named it (a child was added), or
 * its children are not all in view (which page holds which child only a listing tells). Counts
 * that do not add up are found once read (addsUp), not from the counts read last time: under
 * steady work those rarely add up, as children finish between a read and their events.
 */
function mustList(view: LiveFlowView, key: string, newChildOf: Set<string>): boolean {
  const node = view.nodes.get(key);
  if (!node || node.depth >= view.options.depth) return false;
  return newChildOf.has(key) || (view.truncated.get(key)?.length ?? 0) > 0;
}

/** True when every bucket count of the parent just read equals its children in view in that bucket. */
function addsUp(view: LiveFlowView, key: string, record: LevelRecord): boolean {
  const inView = view.childrenPerBucket(key);
  return BUCKETS.every((b) => record.counts[b] === inView[b]);
}

/**
 * The keys to re-read: the named jobs in view with their parents, and the parents in view of
 * named jobs not in view (a child just added to a job in view).
 */
async function touchedKeys(
  view: LiveFlowView,
  keys: Set<string>,
  redis: RedisClient,
  trips: RoundTrips,
): Promise<{ touched: Set<string>; newChildOf: Set<string> }> {
  const touched = new Set<string>();
  /** Parents in view named by a job not in view: a child of theirs appeared. */
  const newChildOf = new Set<string>();
  const unknown: string[] = [];
  for (const key of keys) {
    if (view.nodes.has(key)) {
      touched.add(key);
      const parent = view.parentOf(key);
      if (parent) touched.add(parent);
    } else unknown.push(key);
  }
  if (unknown.length > 0) {
    const pipeline = redis.pipeline();
    for (const key of unknown) pipeline.hget(key, 'parentKey');
    trips.count++;
    const replies = (await pipeline.exec()) ?? [];
    for (const [, parentKey] of replies) {
      if (typeof parentKey === 'string' && view.nodes.has(parentKey)) {
        touched.add(parentKey);
        newChildOf.add(parentKey);
      }
    }
  }
  return { touched, newChildOf };
}

/** Takes fresh records of nodes in view: changed nodes become upserts, those no bucket holds are removed. */
function takeRecords(view: LiveFlowView, records: LevelRecord[], ticket: number, prefix: string, changes: Changes, parents: Map<string, LevelRecord>): void {
  for (const record of records) {
    const old = view.nodes.get(record.key);
    // Not in view any more, or in view from a later read (a walk of the run before this one).
    if (!old || view.readLater(record.key, ticket)) continue;
    const isRoot = record.key === view.root;
    const bucket = record.parentBuckets[0] ?? null;
    if (!isRoot && bucket === null) {
      // No bucket of its parent holds it any more (removed, or a remove-policy failure):
      // loadTree would not show it either.
      changes.removed.push(...view.removeSubtree(record.key));
      continue;
    }
    const node = toFlowNode(
      prefix,
      record,
      isRoot
        ? { kind: 'root', depth: 0, parentExists: view.ancestors.length > 0 }
        : { kind: 'child', parentKey: old.parentKey!, bucket: bucket ?? old.bucket!, depth: old.depth },
    );
    if (view.put(node)) changes.upserts.set(node.key, node);
    view.readAt(node.key, ticket);
    if (node.depth < view.options.depth) parents.set(record.key, record);
  }
}

/**
 * The children the parents now list: new ones (to load below), and those in view that moved
 * bucket or that no bucket's first page lists any more (to read again), unless read already.
 */
function listedChildren(view: LiveFlowView, parents: Map<string, LevelRecord>, touched: Set<string>): { seeds: Seed[]; moved: Set<string> } {
  const seeds: Seed[] = [];
  const moved = new Set<string>();
  for (const [parentKey, record] of parents) {
    const parent = view.nodes.get(parentKey);
    if (!parent) continue;
    const listed = new Set<string>();
    for (const bucket of BUCKETS) {
      for (const childKey of record.pages[bucket].keys) {
        listed.add(childKey);
        const child = view.nodes.get(childKey);
        if (!child) {
          if (childKey !== view.root && !view.ancestors.includes(childKey)) seeds.push({ key: childKey, bucket, parent });
        } else if (child.bucket !== bucket && !touched.has(childKey)) moved.add(childKey);
      }
    }
    // Children shown from the first page that no bucket lists any more: read them again.
    for (const childKey of view.children.get(parentKey) ?? []) {
      if (!listed.has(childKey) && !touched.has(childKey) && record.counts[view.nodes.get(childKey)!.bucket ?? 'processed'] <= view.options.pageSize) {
        moved.add(childKey);
      }
    }
  }
  return { seeds, moved };
}

/** Loads the new children with their subtrees (to the view's depth), a level at a time per depth. */
async function walkNewChildren(view: LiveFlowView, seeds: Seed[], trips: RoundTrips, prefix: string, changes: Changes): Promise<void> {
  if (seeds.length === 0) return;
  const byDepth = new Map<number, Seed[]>();
  for (const seed of seeds) {
    const list = byDepth.get(seed.parent.depth + 1) ?? [];
    list.push(seed);
    byDepth.set(seed.parent.depth + 1, list);
  }
  for (const [depth, atDepth] of byDepth) {
    const ticket = view.nextRead();
    const walked = await walkLevels(
      trips,
      prefix,
      atDepth.map((s) => ({ key: s.key, placement: { kind: 'child' as const, parentKey: s.parent.key, bucket: s.bucket, depth } })),
      { maxDepth: view.options.depth, pageSize: view.options.pageSize, maxNodes: 50_000, ancestors: new Set([...view.ancestors, ...view.nodes.keys()]) },
    );
    for (const node of walked.nodes) {
      if (view.put(node)) changes.upserts.set(node.key, node);
      view.readAt(node.key, ticket);
    }
    for (const entry of walked.truncated) view.setBucketEntry(entry);
    const grouped = new Map<string, typeof walked.truncated>();
    for (const entry of walked.truncated) grouped.set(entry.parentKey, [...(grouped.get(entry.parentKey) ?? []), entry]);
    for (const [parentKey, entries] of grouped) changes.truncated.push({ parentKey, entries });
  }
}

/** Recomputes the truncation entries of the parents read, from their exact counts. */
function retruncateParents(view: LiveFlowView, parents: Map<string, LevelRecord>, changes: Changes): void {
  for (const [parentKey, record] of parents) {
    const cursors = Object.fromEntries(
      BUCKETS.map((b) => [b, record.pages[b].cursor === '0' ? null : Number(record.pages[b].cursor)]),
    ) as Record<Bucket, number | null>;
    const entries = view.retruncate(parentKey, cursors);
    if (entries) changes.truncated.push({ parentKey, entries });
  }
}

/** New nodes in queues not followed yet: follow them, then read them once more. */
async function followLateQueues(view: LiveFlowView, changes: Changes, deps: RefreshDeps): Promise<void> {
  const late = await deps.follow(view);
  if (late.size > 0) deps.schedule(view, [...changes.upserts.keys()].filter((k) => late.has(queueKeyOf(k))));
}

/** The patch of what changed, with the view's next sequence number; null when nothing did. */
function patchOf(view: LiveFlowView, changes: Changes, deps: RefreshDeps): FlowPatch | null {
  const { upserts, removed, truncated } = changes;
  for (const key of removed) upserts.delete(key);
  if (upserts.size === 0 && removed.length === 0 && truncated.length === 0) return null;
  if (removed.length > 0) deps.unfollowUnused();
  return { subscriptionId: view.id, seq: view.nextSeq(), upserts: [...upserts.values()], removed, truncated };
}
