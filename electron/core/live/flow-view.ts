// One subscribed flow view held by the core: its nodes by key, and what it takes to turn a
// fresh read of some nodes into a patch (upserts, removed subtrees, truncation entries).
import { BUCKETS, type Bucket, type FlowNode, type FlowTree, type TruncatedBucket } from '../../../shared/domain';

export interface ViewOptions {
  queue: string;
  jobId: string;
  depth: number;
  pageSize: number;
}

export class FlowView {
  readonly nodes = new Map<string, FlowNode>();
  readonly children = new Map<string, Set<string>>();
  truncated = new Map<string, TruncatedBucket[]>();
  root = '';
  ancestors: string[] = [];
  seq = 0;

  constructor(
    readonly id: string,
    readonly session: string,
    readonly options: ViewOptions,
  ) {}

  /** Replaces everything with a freshly loaded tree. */
  reset(tree: FlowTree): void {
    this.nodes.clear();
    this.children.clear();
    this.truncated = new Map();
    this.root = tree.root;
    this.ancestors = tree.ancestors;
    for (const node of tree.nodes) this.put(node);
    for (const entry of tree.truncated) {
      const list = this.truncated.get(entry.parentKey) ?? [];
      list.push(entry);
      this.truncated.set(entry.parentKey, list);
    }
  }

  tree(): FlowTree {
    return {
      root: this.root,
      ancestors: this.ancestors,
      nodes: [...this.nodes.values()],
      truncated: [...this.truncated.values()].flat(),
      stats: { ms: 0, roundTrips: 0, nodes: this.nodes.size },
    };
  }

  /** The tree parent of a node in this view (null for the view's root). */
  parentOf(key: string): string | null {
    return key === this.root ? null : (this.nodes.get(key)?.parentKey ?? null);
  }

  /** Adds or replaces a node; returns true when it changed. */
  put(node: FlowNode): boolean {
    const before = this.nodes.get(node.key);
    if (before && JSON.stringify(before) === JSON.stringify(node)) return false;
    const oldParent = before ? this.parentOf(node.key) : null;
    this.nodes.set(node.key, node);
    const newParent = this.parentOf(node.key);
    if (oldParent !== newParent && oldParent) this.children.get(oldParent)?.delete(node.key);
    if (newParent) {
      const set = this.children.get(newParent) ?? new Set();
      set.add(node.key);
      this.children.set(newParent, set);
    }
    return true;
  }

  /** Removes a node with its subtree; returns every key removed. */
  removeSubtree(key: string): string[] {
    const removed: string[] = [];
    const stack = [key];
    while (stack.length > 0) {
      const k = stack.pop()!;
      if (!this.nodes.has(k)) continue;
      removed.push(k);
      stack.push(...(this.children.get(k) ?? []));
      const parent = this.parentOf(k);
      if (parent) this.children.get(parent)?.delete(k);
      this.nodes.delete(k);
      this.children.delete(k);
      this.truncated.delete(k);
    }
    return removed;
  }

  childrenIn(parentKey: string, bucket: Bucket): number {
    let n = 0;
    for (const child of this.children.get(parentKey) ?? []) if (this.nodes.get(child)?.bucket === bucket) n++;
    return n;
  }

  /**
   * Recomputes a parent's truncation entries from its exact counts and the children shown;
   * returns the new list when it changed. A cursor already handed out is kept.
   */
  retruncate(parentKey: string, firstPageCursors: Record<Bucket, number | null>): TruncatedBucket[] | null {
    const parent = this.nodes.get(parentKey);
    if (!parent) return null;
    const before = this.truncated.get(parentKey) ?? [];
    const entries: TruncatedBucket[] = [];
    for (const bucket of BUCKETS) {
      const total = parent.childCounts[bucket];
      const shown = this.childrenIn(parentKey, bucket);
      if (total <= shown) continue;
      // Below the view's depth nothing is listed: the whole bucket is cut, from its start.
      if (parent.depth >= this.options.depth) {
        entries.push({ parentKey, bucket, shown: 0, total, nextCursor: 0 });
        continue;
      }
      const old = before.find((e) => e.bucket === bucket);
      const nextCursor = old?.nextCursor ?? firstPageCursors[bucket];
      if (nextCursor === null) continue;
      entries.push({ parentKey, bucket, shown, total, nextCursor });
    }
    if (JSON.stringify(entries) === JSON.stringify(before)) return null;
    if (entries.length > 0) this.truncated.set(parentKey, entries);
    else this.truncated.delete(parentKey);
    return entries;
  }

  /** Queue keys (`P:Q`) of every node in view: the event streams this view depends on. */
  queueKeys(): Set<string> {
    const queueKeys = new Set<string>();
    for (const key of this.nodes.keys()) queueKeys.add(key.slice(0, key.lastIndexOf(':')));
    return queueKeys;
  }
}
