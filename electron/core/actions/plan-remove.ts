// Plans "remove unprocessed children" (docs/SPEC.md §6) from a snapshot of the parent and the subtrees of
// its `:dependencies` (read-subtree.ts). A pure function: the preview is its result; the run
// hands its items to remove-unprocessed.lua, which re-checks each one as it removes it.
//
// Per child, as BullMQ's removeUnprocessedChildren: skipped when it is active (locked) or failed
// (a failed child with no policy stays in `:dependencies`), or completed; otherwise removed
// with its whole subtree (every bucket, children before their parent, as
// Job.remove({ removeChildren: true })). Stricter than BullMQ: a child with an active job
// anywhere under it is skipped (BullMQ deletes the child and orphans the running job). A
// dangling entry (no job hash) is dropped from `:dependencies`, as BullMQ drops it. A job of
// such a subtree may have failed remove-policy children, which BullMQ keeps in no bucket (the
// reader finds them: Snapshot.removed): they go with it (as with Remove job), instead of being
// left failed, naming a parent that is gone.
import { FlowscopeError } from '../../../shared/errors';
import { BUCKET_KEYS, hasBucketChildren, isActive, jobOf, type JobState, type SnapJob, type Snapshot } from './snapshot';
import type { RemoveUnprocessedResult } from './types';

export interface RemoveItem {
  /** A child of the parent's `:dependencies`. */
  key: string;
  /** Its state when planned (the script removes it from there first). */
  state: JobState;
  /** No children at all when planned: the script then only checks that it still has none. */
  leaf: boolean;
  /** What goes with it: its subtree, children first, the child last; empty for a dangling entry. */
  subtree: string[];
  /** The failed remove-policy jobs of that subtree (in no bucket: the script's walk cannot reach them). */
  extras: string[];
}

export interface RemovePlan {
  routeKey: string;
  result: RemoveUnprocessedResult;
  items: RemoveItem[];
}

export function planRemoveUnprocessed(snapshot: Snapshot): RemovePlan {
  const parent = jobOf(snapshot, snapshot.start);
  if (!parent.exists) throw new FlowscopeError('NOT_FOUND', `No job ${parent.key}.`, { key: parent.key });
  const children = parent.children?.dependencies ?? [];
  const result: RemoveUnprocessedResult = { removed: [], skipped: [], stillBlocking: [], releasesParent: false };
  const items: RemoveItem[] = [];
  const skip = (key: string, reason: string) => {
    result.skipped.push({ key, reason });
    result.stillBlocking.push(key);
  };

  // The parent and its ancestors are never part of a child's subtree (a bucket that lists
  // one of them back is data BullMQ never writes; remove-unprocessed.lua skips them too).
  const fenced: ReadonlySet<string> = new Set<string>([snapshot.start, ...snapshot.ancestors]);
  const above = () => new Set<string>(fenced);
  // No bucket child and no remove-policy failure: what the walks below would find for it is itself.
  const isLeaf = (job: SnapJob): boolean =>
    !hasBucketChildren(job) &&
    BUCKET_KEYS.every((b) => (job.children?.[b]?.length ?? 0) === 0) &&
    (snapshot.removed.get(job.key)?.length ?? 0) === 0;
  // A job's children: every bucket's, then its failed remove-policy ones (in no bucket).
  const childrenOf = (job: SnapJob): string[] => {
    const out: string[] = [];
    for (const bucket of BUCKET_KEYS) for (const child of job.children?.[bucket] ?? []) out.push(child);
    for (const child of snapshot.removed.get(job.key) ?? []) out.push(child);
    return out;
  };
  // The first active job at or under `key` (a job no worker holds had its children read).
  const findActive = (key: string, seen: Set<string>): string | null => {
    if (seen.has(key)) return null;
    seen.add(key);
    const job = jobOf(snapshot, key);
    if (isActive(job)) return key;
    for (const child of childrenOf(job)) {
      const found = findActive(child, seen);
      if (found) return found;
    }
    return null;
  };
  // Existing jobs at and under `key`, children before parents (the order they are removed in);
  // the remove-policy failures met on the way also go to `extras`.
  const collect = (key: string, seen: Set<string>, out: string[], extras: string[]) => {
    if (seen.has(key)) return;
    seen.add(key);
    const job = jobOf(snapshot, key);
    const removed = new Set(snapshot.removed.get(key) ?? []);
    for (const child of childrenOf(job)) {
      if (removed.has(child) && !seen.has(child)) extras.push(child);
      collect(child, seen, out, extras);
    }
    if (job.exists) out.push(key);
  };
  // Existing jobs at and under `key` by the buckets alone (remove-subtree.lua's collectSubtree).
  const walk = (key: string, seen: Set<string>, out: string[]) => {
    if (seen.has(key)) return;
    seen.add(key);
    const job = jobOf(snapshot, key);
    for (const bucket of BUCKET_KEYS) for (const child of job.children?.[bucket] ?? []) walk(child, seen, out);
    if (job.exists) out.push(key);
  };
  // The order remove-unprocessed.lua removes a child's subtree in: the remove-policy failures
  // whose parent is already taken, round by round as they nest (collectRemovedFailures), each
  // with its bucket subtree, then the child's own bucket walk.
  const parentOfRemoved = new Map<string, string>();
  for (const [parentKey, keys] of snapshot.removed) for (const k of keys) parentOfRemoved.set(k, parentKey);
  const removalOrder = (key: string, extras: string[]): string[] => {
    const seen = above();
    const walked: string[] = [];
    walk(key, seen, walked);
    const taken = new Set(walked);
    const out: string[] = [];
    let pending = extras;
    for (let progress = true; progress && pending.length > 0; ) {
      progress = false;
      const rest: string[] = [];
      for (const extra of pending) {
        if (seen.has(extra)) continue;
        const parentKey = parentOfRemoved.get(extra);
        if (!parentKey || !taken.has(parentKey)) {
          rest.push(extra);
          continue;
        }
        const sub: string[] = [];
        walk(extra, seen, sub);
        for (const k of sub) {
          out.push(k);
          taken.add(k);
        }
        progress = true;
      }
      pending = rest;
    }
    return [...out, ...walked];
  };

  for (const key of children) {
    const job = jobOf(snapshot, key);
    if (!job.exists) {
      items.push({ key, state: 'missing', leaf: true, subtree: [], extras: [] });
    } else if (isActive(job)) {
      skip(key, 'active (a worker holds it)');
    } else if (job.state === 'failed') {
      skip(key, 'failed with no policy: it blocks the parent until it is retried or removed');
    } else if (job.state === 'completed') {
      skip(key, 'completed');
    } else if (!fenced.has(key) && isLeaf(job)) {
      // The common case, without the walks below (thousands of waiting uploads): nothing under it.
      items.push({ key, state: job.state, leaf: true, subtree: [key], extras: [] });
      result.removed.push(key);
    } else {
      const activeBelow = findActive(key, above());
      if (activeBelow) {
        skip(key, `has an active job under it (${activeBelow}); removing it would orphan that job`);
        continue;
      }
      const subtree: string[] = [];
      const extras: string[] = [];
      collect(key, above(), subtree, extras);
      if (extras.length > 0) subtree.splice(0, subtree.length, ...removalOrder(key, extras));
      const leaf = extras.length === 0 && BUCKET_KEYS.every((b) => job.counts[b] === 0);
      items.push({ key, state: job.state, leaf, subtree, extras });
      result.removed.push(...subtree);
    }
  }
  result.releasesParent = parent.state === 'waiting-children' && children.length > 0 && items.length === children.length;
  return { routeKey: snapshot.start, result, items };
}
