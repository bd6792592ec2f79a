// The one model of a live flow, for both sides of the contract: the renderer's store per open
// flow, the core's live views (electron/core/live/flow-view.ts), the watches and the tests.
// fromSnapshot (a whole tree), applyPatches (live changes), mergeChildrenPage (one more page of a
// big bucket), nextPatches (which queued patches follow, and whether some were missed), toTree
// (back to the contract's tree). By default maps and arrays are replaced, never mutated, so React
// selectors see a change only where one happened; structureVersion moves only when the tree's
// shape changes, so the canvas re-lays-out only then. The core, which shares its copy with no
// one, edits in place (FlowEdit's inPlace) instead of copying a big view's maps on every change.
import type { Bucket, ChildrenPage, FlowNode, FlowPatch, FlowTree, TruncatedBucket } from './domain';
import { compareSiblings, naturalCompare } from './sibling-order';

export interface FlowData {
  /** Key of the job at the top of the view. */
  rootKey: string;
  /** Keys from the flow's real root down to rootKey's parent (empty when rootKey is the root). */
  ancestors: readonly string[];
  jobsByKey: ReadonlyMap<string, FlowNode>;
  /**
   * Children in view per parent, in sibling order (see compareSiblings): never the order Redis
   * happened to list them in, so a resync or a bucket change does not shuffle the canvas.
   */
  childKeys: ReadonlyMap<string, readonly string[]>;
  /** Buckets that hold more children than are in view, per parent. */
  truncated: ReadonlyMap<string, readonly TruncatedBucket[]>;
  /** Changes whenever a node is added, removed or moved, or a bucket starts or stops being cut. */
  structureVersion: number;
  /** Sequence number of the last live patch included. */
  seq: number;
}

export const EMPTY_FLOW: FlowData = {
  rootKey: '',
  ancestors: [],
  jobsByKey: new Map(),
  childKeys: new Map(),
  truncated: new Map(),
  structureVersion: 0,
  seq: 0,
};

export { compareSiblings, naturalCompare };

/** A whole tree as flow data. `previous` only carries the version forward so it keeps rising. */
export function fromSnapshot(tree: FlowTree, seq = 0, previous?: FlowData): FlowData {
  const jobsByKey = new Map<string, FlowNode>();
  const childKeys = new Map<string, string[]>();
  for (const node of tree.nodes) {
    const known = jobsByKey.has(node.key);
    jobsByKey.set(node.key, node);
    if (known || node.key === tree.root || !node.parentKey) continue;
    const siblings = childKeys.get(node.parentKey);
    if (siblings) siblings.push(node.key);
    else childKeys.set(node.parentKey, [node.key]);
  }
  for (const siblings of childKeys.values()) siblings.sort((a, b) => compareSiblings(jobsByKey.get(a)!, jobsByKey.get(b)!));
  const truncated = new Map<string, TruncatedBucket[]>();
  for (const entry of tree.truncated) {
    const list = truncated.get(entry.parentKey);
    if (list) list.push(entry);
    else truncated.set(entry.parentKey, [entry]);
  }
  return {
    rootKey: tree.root,
    ancestors: tree.ancestors,
    jobsByKey,
    childKeys,
    truncated,
    structureVersion: (previous?.structureVersion ?? 0) + 1,
    seq,
  };
}

/** Children a bucket holds beyond those in view (what a group node stands for). */
export function hiddenCount(entry: TruncatedBucket): number {
  return Math.max(0, entry.total - entry.shown);
}

/** The buckets of a parent that a group node stands for: only their identity shapes the graph. */
function groupSignature(entries: readonly TruncatedBucket[] | undefined): string {
  if (!entries) return '';
  return entries
    .filter((e) => hiddenCount(e) > 0)
    .map((e) => e.bucket)
    .sort()
    .join(',');
}

/**
 * Changes to flow data. By default a working copy that copies a map only the first time it is
 * written, so the data it started from stays as it was; with `inPlace` it writes into the data's
 * own maps (for an owner no one else reads from, the core's live views).
 */
export class FlowEdit {
  readonly jobs: Map<string, FlowNode>;
  private children: Map<string, readonly string[]> | null = null;
  private cut: Map<string, readonly TruncatedBucket[]> | null = null;
  shapeChanged = false;

  constructor(
    private readonly base: FlowData,
    private readonly inPlace = false,
  ) {
    if (inPlace) {
      this.jobs = base.jobsByKey as Map<string, FlowNode>;
      this.children = base.childKeys as Map<string, readonly string[]>;
      this.cut = base.truncated as Map<string, readonly TruncatedBucket[]>;
    } else {
      this.jobs = new Map(base.jobsByKey);
    }
  }

  get childKeys(): ReadonlyMap<string, readonly string[]> {
    return this.children ?? this.base.childKeys;
  }

  get truncated(): ReadonlyMap<string, readonly TruncatedBucket[]> {
    return this.cut ?? this.base.truncated;
  }

  private writableChildren(): Map<string, readonly string[]> {
    this.children ??= new Map(this.base.childKeys);
    return this.children;
  }

  private writableTruncated(): Map<string, readonly TruncatedBucket[]> {
    this.cut ??= new Map(this.base.truncated);
    return this.cut;
  }

  /** Inserts a child at its place in sibling order (its node must already be in jobs). */
  addChild(parentKey: string, key: string): void {
    const siblings = this.childKeys.get(parentKey) ?? [];
    if (siblings.includes(key)) return;
    const node = this.jobs.get(key)!;
    let lo = 0;
    let hi = siblings.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.jobs.get(siblings[mid]!);
      if (other && compareSiblings(other, node) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.writableChildren().set(parentKey, [...siblings.slice(0, lo), key, ...siblings.slice(lo)]);
    this.shapeChanged = true;
  }

  dropChild(parentKey: string, key: string): void {
    const siblings = this.childKeys.get(parentKey);
    if (!siblings?.includes(key)) return;
    const rest = siblings.filter((k) => k !== key);
    if (rest.length > 0) this.writableChildren().set(parentKey, rest);
    else this.writableChildren().delete(parentKey);
    this.shapeChanged = true;
  }

  /** Removes a key and everything below it; returns the keys removed (none when it is not in view). */
  removeSubtree(key: string): string[] {
    const node = this.jobs.get(key);
    if (!node) return [];
    if (node.parentKey) this.dropChild(node.parentKey, key);
    const removed: string[] = [];
    const stack = [key];
    while (stack.length > 0) {
      const k = stack.pop()!;
      if (!this.jobs.has(k)) continue;
      removed.push(k);
      const kids = this.childKeys.get(k);
      if (kids) {
        stack.push(...kids);
        this.writableChildren().delete(k);
      }
      if (this.truncated.has(k)) this.writableTruncated().delete(k);
      this.jobs.delete(k);
    }
    this.shapeChanged = true;
    return removed;
  }

  /** Adds or replaces a node; returns false when the node in view was the same already. */
  upsert(node: FlowNode, rootKey: string): boolean {
    const previous = this.jobs.get(node.key);
    if (previous && sameNode(previous, node)) return false;
    this.jobs.set(node.key, node);
    if (node.key === rootKey) return true;
    if (previous?.parentKey && previous.parentKey !== node.parentKey) this.dropChild(previous.parentKey, node.key);
    if (node.parentKey && (!previous || previous.parentKey !== node.parentKey)) this.addChild(node.parentKey, node.key);
    return true;
  }

  /** A parent's truncation entries, all of them; returns false when they were the same already. */
  setTruncated(parentKey: string, entries: readonly TruncatedBucket[]): boolean {
    const old = this.truncated.get(parentKey) ?? [];
    if (sameTruncation(old, entries)) return false;
    const before = groupSignature(old);
    if (entries.length > 0) this.writableTruncated().set(parentKey, entries);
    else if (this.truncated.has(parentKey)) this.writableTruncated().delete(parentKey);
    if (groupSignature(entries) !== before) this.shapeChanged = true;
    return true;
  }

  /** One bucket's entry of a parent, the parent's other buckets kept. */
  setBucketEntry(entry: TruncatedBucket): void {
    const others = (this.truncated.get(entry.parentKey) ?? []).filter((e) => e.bucket !== entry.bucket);
    this.setTruncated(entry.parentKey, [...others, entry]);
  }

  finish(seq: number): FlowData {
    if (this.inPlace) {
      const data = this.base as { structureVersion: number; seq: number };
      data.structureVersion += this.shapeChanged ? 1 : 0;
      data.seq = seq;
      this.shapeChanged = false;
      return this.base;
    }
    return {
      ...this.base,
      jobsByKey: this.jobs,
      childKeys: this.childKeys,
      truncated: this.truncated,
      structureVersion: this.base.structureVersion + (this.shapeChanged ? 1 : 0),
      seq,
    };
  }
}

/**
 * One live patch. The caller checks that patch.seq follows data.seq; this function only
 * applies it. Removals go first (a key removed and re-added in one patch comes back fresh).
 */
export function applyPatch(data: FlowData, patch: FlowPatch): FlowData {
  return applyPatches(data, [patch]);
}

/** Consecutive patches in one pass: one copy of the maps per animation frame, not per patch. */
export function applyPatches(data: FlowData, patches: readonly FlowPatch[]): FlowData {
  if (patches.length === 0) return data;
  const draft = new FlowEdit(data);
  for (const patch of patches) {
    for (const key of patch.removed) draft.removeSubtree(key);
    for (const node of patch.upserts) draft.upsert(node, data.rootKey);
    for (const { parentKey, entries } of patch.truncated) draft.setTruncated(parentKey, entries);
  }
  return draft.finish(patches[patches.length - 1]!.seq);
}

/**
 * One more page of a parent's bucket. A page can repeat keys already in view (buckets page
 * with SCAN cursors): those are updated in place, never listed twice.
 */
export function mergeChildrenPage(data: FlowData, page: ChildrenPage): FlowData {
  const draft = new FlowEdit(data);
  mergePageInto(draft, data, page);
  return draft.finish(data.seq);
}

/** mergeChildrenPage, into an edit that is already open (the core's views edit in place). */
export function mergePageInto(draft: FlowEdit, data: FlowData, page: ChildrenPage): void {
  for (const node of page.nodes) draft.upsert(node, data.rootKey);
  const byParent = new Map<string, TruncatedBucket[]>();
  for (const entry of page.truncated) {
    const list = byParent.get(entry.parentKey);
    if (list) list.push(entry);
    else byParent.set(entry.parentKey, [entry]);
  }
  // The paged parent keeps its other buckets' entries; this bucket's entry is what the page says.
  const others = (draft.truncated.get(page.parentKey) ?? []).filter((e) => e.bucket !== page.bucket);
  const own = (byParent.get(page.parentKey) ?? []).filter((e) => e.bucket === page.bucket);
  draft.setTruncated(page.parentKey, [...others, ...own]);
  byParent.delete(page.parentKey);
  for (const [parentKey, entries] of byParent) draft.setTruncated(parentKey, entries);
}

/** The truncation entry of one bucket of a parent, if it is cut. */
export function truncatedEntry(data: FlowData, parentKey: string, bucket: Bucket): TruncatedBucket | undefined {
  return data.truncated.get(parentKey)?.find((e) => e.bucket === bucket);
}

// A test seam: exported for test/unit/flow-model.test.ts.
/** Every key in view below `key` (not including it). */
export function descendantsOf(data: Pick<FlowData, 'childKeys'>, key: string): string[] {
  const out: string[] = [];
  const stack = [...(data.childKeys.get(key) ?? [])];
  while (stack.length > 0) {
    const k = stack.pop()!;
    out.push(k);
    stack.push(...(data.childKeys.get(k) ?? []));
  }
  return out;
}

/** Keys from rootKey down to `key`'s parent, or null when `key` is not reachable in view. */
export function pathTo(data: FlowData, key: string): string[] | null {
  const path: string[] = [];
  let node = data.jobsByKey.get(key);
  const seen = new Set<string>();
  while (node && node.key !== data.rootKey) {
    if (seen.has(node.key) || !node.parentKey) return null;
    seen.add(node.key);
    path.unshift(node.parentKey);
    node = data.jobsByKey.get(node.parentKey);
  }
  return node ? path : null;
}

/** The flow data as the contract's tree (what a snapshot carries). */
export function toTree(data: FlowData, stats?: Omit<FlowTree['stats'], 'nodes'>): FlowTree {
  return {
    root: data.rootKey,
    ancestors: [...data.ancestors],
    nodes: [...data.jobsByKey.values()],
    truncated: [...data.truncated.values()].flat(),
    stats: { ms: stats?.ms ?? 0, roundTrips: stats?.roundTrips ?? 0, nodes: data.jobsByKey.size },
  };
}

/** A tree with patches applied (for holders of a plain tree: the watches, the tests). */
export function patchTree(tree: FlowTree, patches: FlowPatch | readonly FlowPatch[]): FlowTree {
  const list = Array.isArray(patches) ? (patches as readonly FlowPatch[]) : [patches as FlowPatch];
  return toTree(applyPatches(fromSnapshot(tree), list), tree.stats);
}

/**
 * Of some queued patches, the run that follows `seq` in order (older ones dropped), and the gap
 * when one is missing: then the holder has missed changes and must resync.
 */
export function nextPatches(seq: number, queued: readonly FlowPatch[]): { run: FlowPatch[]; gap: string | null } {
  const run: FlowPatch[] = [];
  let at = seq;
  for (const patch of [...queued].sort((a, b) => a.seq - b.seq)) {
    if (patch.seq <= at) continue;
    if (patch.seq !== at + 1) return { run, gap: `missed changes ${at + 1}…${patch.seq - 1}` };
    run.push(patch);
    at = patch.seq;
  }
  return { run, gap: null };
}

const NODE_FIELDS = [
  'key', 'queue', 'id', 'name', 'state', 'parentKey', 'bucket', 'policy', 'attemptsMade', 'attempts', 'timestamp',
  'processedOn', 'finishedOn', 'delay', 'priority', 'failedReason', 'blocking', 'depth', 'error',
] as const satisfies readonly (keyof FlowNode)[];

// Every field of FlowNode but childCounts (compared below): a field added to FlowNode and not
// here fails to compile, so sameNode never overlooks one.
type Unlisted = Exclude<keyof FlowNode, (typeof NODE_FIELDS)[number] | 'childCounts'>;
const ALL_FIELDS_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;
void ALL_FIELDS_LISTED;

// A test seam: exported for test/unit/flow-model.test.ts.
/** Whether two reads of a node say the same (field by field, no serialising). */
export function sameNode(a: FlowNode, b: FlowNode): boolean {
  if (a === b) return true;
  for (const field of NODE_FIELDS) if (a[field] !== b[field]) return false;
  const x = a.childCounts;
  const y = b.childCounts;
  return x.processed === y.processed && x.unprocessed === y.unprocessed && x.failed === y.failed && x.ignored === y.ignored;
}

// A test seam: exported for test/unit/flow-model.test.ts.
/** Whether two lists of a parent's truncation entries say the same, in the same order. */
export function sameTruncation(a: readonly TruncatedBucket[], b: readonly TruncatedBucket[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((e, i) => {
    const f = b[i]!;
    return e.parentKey === f.parentKey && e.bucket === f.bucket && e.shown === f.shown && e.total === f.total && e.nextCursor === f.nextCursor;
  });
}
