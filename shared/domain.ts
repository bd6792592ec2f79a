// Domain types shared by the core and the renderer: what a queue, a connection and (later)
// a flow node look like on both sides of the contract.
import type { JobFieldCut } from './answer-limits';
import { BUCKETS, type Bucket } from './buckets';

export const JOB_STATES = [
  'completed',
  'failed',
  'active',
  'waiting',
  'delayed',
  'prioritized',
  'waiting-children',
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Counts per state, as shown in the queue sidebar. `paused` counts jobs in a paused queue's list. */
export type QueueCounts = Record<JobState | 'paused', number>;

export interface QueueInfo {
  /** Queue name; may contain ':'. */
  name: string;
  /** Full key prefix of the queue, `P:Q`. */
  key: string;
  counts: QueueCounts;
  /** BullMQ version from the queue's `meta` hash (e.g. `bullmq:6.7.0`), null when unknown. */
  version: string | null;
  paused: boolean;
  /** Whether Flowscope's actions may write this queue, judged from `version` (or, without one, from its keys). */
  compat: QueueCompat;
}

/**
 * The BullMQ key layouts Flowscope knows. They differ in where a paused queue keeps its waiting
 * jobs: BullMQ 5 in `P:Q:paused` (pause renames wait to paused, resume renames it back), BullMQ 6
 * in `P:Q:wait` with `meta.paused` set.
 */
export type QueueLayout = 5 | 6;

/** A queue's compatibility verdict (the core's table of tested BullMQ ranges). */
export interface QueueCompat {
  /** Actions may write this queue. */
  ok: boolean;
  /** Why actions are refused (when `ok` is false), in words that name the version found and the tested ranges. */
  reason?: string;
  /**
   * The layout the queue's keys follow: from `version`, or for a queue with no version from its keys
   * (`P:Q:paused` exists: 5; paused with jobs in `P:Q:wait` only: 6); null when nothing tells (then
   * the actions decide from the keys when they write, the same way).
   */
  layout: QueueLayout | null;
  /** What the verdict is based on. */
  basis: 'version' | 'keys';
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'error';

/** What a connection reaches. */
export type Topology =
  | { kind: 'standalone'; address: string }
  | { kind: 'cluster'; masters: number; nodes: string[] }
  | { kind: 'sentinel'; masterName: string; master: string };

export interface ConnectionStatus {
  /** Which connection this is: `sandbox`, `startup` (--redis / REDIS_URL), or a saved one's id. */
  connectionId: string;
  state: ConnectionState;
  /** `sandbox` when Flowscope runs its own redis-server, `url` when it connects to a given Redis. */
  kind: 'sandbox' | 'url';
  /** Where it points, with any password removed. */
  target: string;
  prefix: string;
  readOnly: boolean;
  /** Human explanation when state is `error` or `reconnecting`. */
  message?: string;
  /**
   * Typed reason when state is `error`; `NOT_RESPONDING` when state is `reconnecting` because
   * Redis stopped answering on an open connection (paused, busy, cut off): calls fail at once
   * until it answers again.
   */
  code?: string;
  /** What the connection reaches, once connected. */
  topology?: Topology;
  /** Something the user should know about a working connection (e.g. a cluster prefix without a hash tag). */
  warning?: string;
}

/** A connection the user can pick. Its URL never carries the password. */
export interface SavedConnection {
  id: string;
  name: string;
  url: string;
  prefix: string;
  readOnly: boolean;
  kind: 'sandbox' | 'url';
  hasPassword: boolean;
  /** The CA file used for TLS, when one is set. */
  tlsCaFile?: string;
  hasSentinelPassword?: boolean;
}

export interface ConnectionList {
  activeId: string;
  connections: SavedConnection[];
  /** Whether saved connections outlive this process (desktop) or this session only (web, CLI). */
  persisted: boolean;
}

export interface ConnectionTest {
  ok: boolean;
  message: string;
  redisVersion?: string;
  queues?: number;
  topology?: Topology;
  /** The BullMQ versions stamped in the queues' meta hashes (`bullmq:6.7.0`), each once. */
  bullmqVersions?: string[];
  warning?: string;
}

export interface AppInfo {
  name: string;
  version: string;
  /** Which shell hosts the core. */
  shell: 'desktop' | 'web' | 'cli';
}

// ---- Flow trees ----------------------------------------------------------------------

/** A node's state: BullMQ's own words, plus `missing` for a key with no job hash. */
export type NodeState = JobState | 'missing' | 'unknown';

/** Where a parent holds a child (BullMQ's getDependencies buckets). */
export { BUCKETS, type Bucket };

/** A child's failure policy, from the `parent` JSON of its hash (fpof, cpof, idof, rdof). */
export const POLICIES = ['fail-parent', 'continue-parent', 'ignore', 'remove', 'none'] as const;
export type Policy = (typeof POLICIES)[number];

export type ChildCounts = Record<Bucket, number>;

export interface FlowNode {
  /** Full Redis key `P:Q:id`. */
  key: string;
  queue: string;
  id: string;
  name: string | null;
  state: NodeState;
  /** The parent that holds this node in one of its buckets (null for the root of the view). */
  parentKey: string | null;
  bucket: Bucket | null;
  policy: Policy | null;
  attemptsMade: number;
  /** Attempts allowed (opts.attempts, at least 1). */
  attempts: number;
  timestamp: number | null;
  processedOn: number | null;
  finishedOn: number | null;
  delay: number;
  priority: number;
  failedReason: string | null;
  /** Failed with no policy while its parent still lists it as unprocessed: blocks the parent for ever. */
  blocking: boolean;
  childCounts: ChildCounts;
  /** Depth below the root of the view (root = 0). */
  depth: number;
  /** What is wrong with this node's data, when something is (missing hash, bad JSON, wrong key type, cycle). */
  error?: string;
}

/** A bucket that was cut: `shown` children are in the tree, `total` exist. */
export interface TruncatedBucket {
  parentKey: string;
  bucket: Bucket;
  shown: number;
  total: number;
  /** Cursor to ask for the next page. */
  nextCursor: number;
}

export interface FlowTree {
  root: string;
  /** Keys from the root of the whole flow down to the root of this view (empty when it is the flow's root). */
  ancestors: string[];
  nodes: FlowNode[];
  truncated: TruncatedBucket[];
  stats: { ms: number; roundTrips: number; nodes: number };
}

/** One more page of a parent's bucket (and the subtrees below, when asked). */
export interface ChildrenPage {
  parentKey: string;
  bucket: Bucket;
  /** The page's children first, then their descendants when `depth` > 0. */
  nodes: FlowNode[];
  total: number;
  /** Cursor of the next page of this bucket, null when this was the last. */
  nextCursor: number | null;
  /** This bucket when more pages remain, plus buckets cut below the page's children. */
  truncated: TruncatedBucket[];
  /** Set when the bucket cannot be read (wrong key type, unknown bucket). */
  error?: string;
  stats: { ms: number; roundTrips: number; nodes: number };
}

// ---- Live views ----------------------------------------------------------------------

/** A subscribed flow view: its id, the sequence number of the last patch included, the tree. */
export interface FlowSnapshot {
  subscriptionId: string;
  seq: number;
  tree: FlowTree;
  /**
   * Why part of the view is not live (e.g. a queue's events key is not a stream, so its
   * changes only show on a reload); absent when the whole view is live.
   */
  warnings?: string[];
}

/**
 * Changes to a subscribed view since seq - 1. Upserts replace whole nodes (new keys are new
 * nodes, placed under their parentKey); removed keys leave with their subtrees; `truncated`
 * replaces the truncation entries of the parents it names.
 */
export interface FlowPatch {
  subscriptionId: string;
  seq: number;
  upserts: FlowNode[];
  removed: string[];
  truncated: { parentKey: string; entries: TruncatedBucket[] }[];
}

// ---- Jobs in detail (the inspector) ------------------------------------------------------

export interface JobDetail {
  node: FlowNode;
  /** Parsed JSON, or the raw text when it is not JSON (see dataError). */
  data: unknown;
  dataError?: string;
  opts: Record<string, unknown> | null;
  returnValue: unknown;
  stacktrace: string[];
  logs: { total: number; lines: string[] };
  /** The root of its flow (itself when it has no parent). */
  rootKey: string;
  /**
   * Fields too big to answer whole (over MAX_JOB_FIELD_BYTES, shared/answer-limits.ts): such a
   * field is given as its first `shown` bytes, as text; getJobField reads the rest.
   */
  cut?: JobFieldCut[];
}

// ---- Flow list -------------------------------------------------------------------------

export type FlowFilterState = JobState | 'stuck' | 'has-failed-children';

export interface FlowSummary {
  key: string;
  queue: string;
  id: string;
  name: string | null;
  state: NodeState;
  timestamp: number | null;
  /** True for a job with no parent; false for a parent that is itself a child (waiting-children). */
  isRoot: boolean;
  childCounts: ChildCounts;
  /** Children in `unprocessed` whose own state is failed (the parent waits for ever). */
  blockingFailures: number;
  /**
   * For a search hit that has a parent: the root of its flow (its top ancestor), which is what
   * opening the hit shows, with the hit selected.
   */
  root?: { key: string; queue: string; id: string };
}

/** Shortest id prefix a search matches by prefix (the UI shows ids cut to 8 characters). */
export const MIN_ID_PREFIX = 6;

/** How a flow-list search was read and answered: what was looked for, where, and how it matched. */
export interface FlowSearch {
  /** The text as given. */
  text: string;
  /** The id it was read as (from a full key, `queue:id`, `#id`, a link, a cut short id…). */
  id: string;
  /** Queues looked in. */
  queues: string[];
  /** Queues the text named that do not exist under the prefix. */
  unknownQueues: string[];
  prefix: string;
  /** `exact`: the id itself (in any case); `id-prefix`: ids starting with it; `none`: no job found. */
  match: 'exact' | 'id-prefix' | 'none';
  /** False when the id was too short to be matched as a prefix (fewer than MIN_ID_PREFIX characters). */
  prefixSearched: boolean;
  /** Jobs found before the name and state filters (more than `flows` holds when they hid some). */
  found: number;
}

export interface FlowList {
  flows: FlowSummary[];
  /** Opaque cursor for the next page, null at the end. */
  nextCursor: string | null;
  /** Set when the list answers a search. */
  search?: FlowSearch;
  /** What the listing cost: wall time in the core and Redis round trips (as FlowTree.stats). */
  stats?: { ms: number; roundTrips: number };
}

// ---- Watches ---------------------------------------------------------------------------

/** What a watched flow came to: its root completed or failed, or a failed child blocks it for ever. */
export const WATCH_OUTCOMES = ['completed', 'failed', 'stuck'] as const;
export type WatchOutcome = (typeof WATCH_OUTCOMES)[number];

/** Most watches one client (a window, a WebSocket) may hold. */
export const MAX_WATCHES_PER_SESSION = 50;

/** One watch held by a client: a flow (its root job) or a queue (the flows rooted in it). */
export interface WatchInfo {
  id: string;
  kind: 'flow' | 'queue';
  queue: string;
  /** The watched job's id (flow watches); null for a queue watch. */
  jobId: string | null;
  /** Full key of the watched job (flow watches); null for a queue watch. */
  key: string | null;
  /** The watched job's name, when it has one. */
  name: string | null;
  /** What the flow has come to so far (null while it runs, and for a queue watch). */
  outcome: WatchOutcome | null;
  /** When the watch started (ms since the epoch). */
  since: number;
}

/**
 * A watched flow reached an outcome (`ended`: the watch stopped by itself: its root was removed,
 * or the connection was switched). Sent to the watching client only.
 */
export interface WatchEvent {
  watchId: string;
  kind: 'flow' | 'queue';
  outcome: WatchOutcome | 'ended';
  /** The flow the event is about (for a queue watch, the flow rooted in that queue). */
  queue: string;
  jobId: string;
  key: string;
  name: string | null;
  /** In words: the failure reason, the job that blocks, or why the watch ended. */
  detail: string;
  at: number;
}
