// A live view's refresh: events named some jobs; re-read them and their parents in one pipeline
// (BullMQ writes nothing on the parent's stream when a child changes bucket), drop the nodes no
// bucket holds any more, load children that appeared (runtime-added children grow in place),
// read moved children again, recompute the parents' truncation, and turn what changed into a
// patch. Each step is a function over the view and the changes found so far.
import type { RedisClient } from '../connection/redis-client';
import { BUCKETS, type Bucket, type FlowNode, type FlowPatch } from '../../../shared/domain';
import { queueKeyOf } from '../../../shared/job-keys';
import { RoundTrips } from '../lua/round-trips';
import { toFlowNode } from '../tree/flow-node';
import { loadLevel, type LevelRecord } from '../tree/load-level';
import { walkLevels } from '../tree/tree-walk';
import type { LiveFlowView } from './flow-view';

export interface RefreshDeps {
  redis: RedisClient;
  prefix: string;
  /** Follows the streams of queues new to the view; returns the queue keys newly followed. */
  follow(view: LiveFlowView): Promise<Set<string>>;
  /** Re-reads these keys of the view in its next run. */
  schedule(view: LiveFlowView, keys: string[]): void;
  /** Stops following streams no view needs any more (nodes were removed). */
  unfollowUnused(): void;
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

/** Re-reads the named jobs (and their parents) and turns the differences into a patch (null: nothing changed). */
export async function refreshView(view: LiveFlowView, keys: Set<string>, deps: RefreshDeps): Promise<FlowPatch | null> {
  const trips = new RoundTrips(deps.redis);
  const touched = await touchedKeys(view, keys, deps.redis, trips);
  if (touched.size === 0) return null;
  const changes: Changes = { upserts: new Map(), removed: [], truncated: [] };
  /** The records of the parents read (in view, above the view's depth), by key. */
  const parents = new Map<string, LevelRecord>();
  let toRead = [...touched];
  // Two passes at most: the touched jobs, then children whose bucket their parent changed.
  for (let pass = 0; pass < 2 && toRead.length > 0; pass++) {
    const records = await loadLevel(trips, toRead, view.options.pageSize, true);
    takeRecords(view, records, deps.prefix, changes, parents);
    const { seeds, moved } = listedChildren(view, parents, touched);
    await walkNewChildren(view, seeds, trips, deps.prefix, changes);
    toRead = [...moved];
    for (const k of moved) touched.add(k);
  }
  retruncateParents(view, parents, changes);
  await followLateQueues(view, changes, deps);
  return patchOf(view, changes, deps);
}

/**
 * The keys to re-read: the named jobs in view with their parents, and the parents in view of
 * named jobs not in view (a child just added to a job in view).
 */
async function touchedKeys(view: LiveFlowView, keys: Set<string>, redis: RedisClient, trips: RoundTrips): Promise<Set<string>> {
  const touched = new Set<string>();
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
    for (const [, parentKey] of replies) if (typeof parentKey === 'string' && view.nodes.has(parentKey)) touched.add(parentKey);
  }
  return touched;
}

/** Takes fresh records of nodes in view: changed nodes become upserts, those no bucket holds are removed. */
function takeRecords(view: LiveFlowView, records: LevelRecord[], prefix: string, changes: Changes, parents: Map<string, LevelRecord>): void {
  for (const record of records) {
    const old = view.nodes.get(record.key);
    if (!old) continue;
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
    const walked = await walkLevels(
      trips,
      prefix,
      atDepth.map((s) => ({ key: s.key, placement: { kind: 'child' as const, parentKey: s.parent.key, bucket: s.bucket, depth } })),
      { maxDepth: view.options.depth, pageSize: view.options.pageSize, maxNodes: 50_000, ancestors: new Set([...view.ancestors, ...view.nodes.keys()]) },
    );
    for (const node of walked.nodes) if (view.put(node)) changes.upserts.set(node.key, node);
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
