// One subscribed flow view held by the core: its flow data (the one model, shared/flow-model.ts,
// edited in place: the core shares its copy with no one), its own sequence numbers, and what it
// takes to turn a fresh read of some nodes into a patch (upserts, removed subtrees, truncation
// entries). A view is the core's; the client holds its own copy of the same model.
import { BUCKETS, type Bucket, type ChildrenPage, type FlowNode, type FlowTree, type TruncatedBucket } from '../../../shared/domain';
import { EMPTY_FLOW, FlowEdit, fromSnapshot, mergePageInto, toTree, type FlowData } from '../../../shared/flow-model';
import { queueKeyOf } from '../../../shared/job-keys';

export interface ViewOptions {
  queue: string;
  jobId: string;
  depth: number;
  pageSize: number;
}

const emptyFlow = (): FlowData => ({ ...EMPTY_FLOW, jobsByKey: new Map(), childKeys: new Map(), truncated: new Map() });

export class LiveFlowView {
  private data: FlowData = emptyFlow();
  private edit = new FlowEdit(this.data, true);
  private lastSeq = 0;
  /** queueKeys() as last computed, and whether a node came or went since (nodes are many, calls frequent). */
  private queues: Set<string> | null = null;
  /** Reads of this view so far, in the order they went out (their tickets). */
  private reads = 0;
  /** Per node, the ticket of the read its data in view comes from (runs overlap: an older read must not win). */
  private readonly readOf = new Map<string, number>();
  /** childrenPerBucket() of parents, kept up to date as children change bucket (dropped when nodes come or go otherwise). */
  private readonly perBucket = new Map<string, Record<Bucket, number>>();

  constructor(
    readonly id: string,
    readonly session: string,
    readonly options: ViewOptions,
  ) {}

  get root(): string {
    return this.data.rootKey;
  }

  get ancestors(): readonly string[] {
    return this.data.ancestors;
  }

  get nodes(): ReadonlyMap<string, FlowNode> {
    return this.data.jobsByKey;
  }

  /** Children in view per parent, in sibling order. */
  get children(): ReadonlyMap<string, readonly string[]> {
    return this.data.childKeys;
  }

  get truncated(): ReadonlyMap<string, readonly TruncatedBucket[]> {
    return this.data.truncated;
  }

  /** The sequence number of the last snapshot or patch this view sent. */
  get seq(): number {
    return this.lastSeq;
  }

  /** The number the next snapshot or patch goes out with. */
  nextSeq(): number {
    this.lastSeq += 1;
    this.data = this.edit.finish(this.lastSeq);
    return this.lastSeq;
  }

  /** Replaces everything with a freshly loaded tree. */
  reset(tree: FlowTree): void {
    this.queues = null;
    this.readOf.clear();
    this.perBucket.clear();
    this.data = fromSnapshot(tree, this.lastSeq);
    this.edit = new FlowEdit(this.data, true);
  }

  tree(): FlowTree {
    return toTree(this.data);
  }

  /** The tree parent of a node in this view (null for the view's root). */
  parentOf(key: string): string | null {
    return key === this.root ? null : (this.nodes.get(key)?.parentKey ?? null);
  }

  /** Adds or replaces a node; returns true when it changed. */
  put(node: FlowNode): boolean {
    const previous = this.nodes.get(node.key);
    if (!previous) this.queues = null;
    if (!this.edit.upsert(node, this.root)) return false;
    if (node.key !== this.root) {
      const counts = node.parentKey ? this.perBucket.get(node.parentKey) : undefined;
      if (counts && previous?.parentKey === node.parentKey) {
        // The same child of the same parent: only its bucket may have changed.
        if (previous.bucket) counts[previous.bucket]--;
        if (node.bucket) counts[node.bucket]++;
      } else {
        if (previous?.parentKey) this.perBucket.delete(previous.parentKey);
        if (node.parentKey) this.perBucket.delete(node.parentKey);
      }
    }
    return true;
  }

  /** Removes a node with its subtree; returns every key removed. */
  removeSubtree(key: string): string[] {
    this.queues = null;
    const removed = this.edit.removeSubtree(key);
    for (const k of removed) this.readOf.delete(k);
    this.perBucket.clear();
    return removed;
  }

  /**
   * A ticket for a read about to go out: reads on the one connection are answered in the order
   * they went out, so a higher ticket reads a later state.
   */
  nextRead(): number {
    return ++this.reads;
  }

  /** True when the node's data in view comes from a read later than `ticket` (a record from `ticket` is stale). */
  readLater(key: string, ticket: number): boolean {
    return (this.readOf.get(key) ?? 0) > ticket;
  }

  /** Notes that the node's data in view is from the read `ticket`. */
  readAt(key: string, ticket: number): void {
    if (this.nodes.has(key)) this.readOf.set(key, ticket);
  }

  /** One bucket's truncation entry of a parent (a walk below it found it cut). */
  setBucketEntry(entry: TruncatedBucket): void {
    this.edit.setBucketEntry(entry);
  }

  /** A page of children loaded for this view, taken in as the client's store takes it. */
  adoptPage(page: ChildrenPage): void {
    this.queues = null;
    this.perBucket.clear();
    mergePageInto(this.edit, this.data, page);
  }

  /** The parent's children in view per bucket: one pass over them, then kept up to date by put(). */
  childrenPerBucket(parentKey: string): Readonly<Record<Bucket, number>> {
    const known = this.perBucket.get(parentKey);
    if (known) return known;
    const counts: Record<Bucket, number> = { processed: 0, unprocessed: 0, failed: 0, ignored: 0 };
    for (const child of this.children.get(parentKey) ?? []) {
      const bucket = this.nodes.get(child)?.bucket;
      if (bucket) counts[bucket]++;
    }
    this.perBucket.set(parentKey, counts);
    return counts;
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
    const inView = this.childrenPerBucket(parentKey);
    for (const bucket of BUCKETS) {
      const total = parent.childCounts[bucket];
      const shown = inView[bucket];
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
    return this.edit.setTruncated(parentKey, entries) ? entries : null;
  }

  /** Queue keys (`P:Q`) of every node in view: the event streams this view depends on. */
  queueKeys(): ReadonlySet<string> {
    if (this.queues) return this.queues;
    const queueKeys = new Set<string>();
    for (const key of this.nodes.keys()) queueKeys.add(queueKeyOf(key));
    return (this.queues = queueKeys);
  }
}
