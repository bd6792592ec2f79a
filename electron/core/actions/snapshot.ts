// What the planners decide from: a snapshot of the subtree an action works on, read level by
// level through the tree loader (read-subtree.ts), then handed to pure functions
// (plan-retry.ts, plan-remove.ts). Nothing here talks to Redis, so the planners are tested
// without it (test/unit/plan-retry.test.ts).
import type { Policy } from '../../../shared/domain';
import type { BucketKeySuffix } from '../../../shared/buckets';
import { splitJobKey } from '../../../shared/job-keys';

/**
 * The planners name a parent's four buckets as its Redis keys and the scripts do (the suffix:
 * dependencies = unprocessed, failed = ignored, unsuccessful = failed); shared/buckets.ts holds
 * the one map between those and the buckets' own names.
 */
export type BucketKey = BucketKeySuffix;
export const BUCKET_KEYS: readonly BucketKey[] = ['dependencies', 'processed', 'failed', 'unsuccessful'];

/**
 * Job.getState()'s answer (getStateV2 order) when the snapshot was read; `missing` when the key
 * holds no job hash. A locked job in no state is `active`.
 */
export type JobState =
  | 'completed'
  | 'failed'
  | 'delayed'
  | 'prioritized'
  | 'active'
  | 'waiting'
  | 'waiting-children'
  | 'unknown'
  | 'missing';

export interface SnapJob {
  key: string;
  /** `P:Q`. */
  queueKey: string;
  id: string;
  exists: boolean;
  state: JobState;
  /** A worker holds its lock (`P:Q:id:lock`). Read for the jobs a planner may have to refuse or skip. */
  locked: boolean;
  name: string;
  /** Creation time (ms). */
  timestamp: number;
  finishedOn: number;
  parentKey: string | null;
  /** From its `parent` JSON: read for the start job and its ancestors only ('none' for the others). */
  policy: Policy;
  /** Children per bucket (sizes). */
  counts: Record<BucketKey, number>;
  /** Every child key per bucket, when the reader listed them (it lists every job with children that no worker holds). */
  children?: Record<BucketKey, string[]>;
  /** Buckets of its parent that hold it; read for the start job and its ancestors only. */
  parentBuckets?: BucketKey[];
  /**
   * Read briefly: a child in `:processed` with no children (nor remove-policy failures) under
   * it; only its name, creation time and counts are known (`state` is `unknown`, no parent link).
   */
  brief?: boolean;
}

export interface Snapshot {
  /** The job the action starts from. */
  start: string;
  /** Parents above `start`, nearest first (what ancestors.lua found). */
  ancestors: string[];
  jobs: Map<string, SnapJob>;
  /**
   * Failed remove-policy jobs by parent key: BullMQ keeps them in no bucket (their own
   * `parentKey` is the only link left), so the reader finds them in the queues' failed sets.
   */
  removed: Map<string, string[]>;
  /** Bucket keys of the jobs read that hold another type than BullMQ's (the reader reads them as empty). */
  badBuckets?: BadBucket[];
}

/** A bucket key of the wrong type: `P:Q:id:failed` a list, say (BullMQ keeps a hash there). */
export interface BadBucket {
  key: string;
  type: string;
  expected: string;
}

/** load-level.lua's error for a bucket key of the wrong type ("<key> is a <type>, not a <expected>"), or null. */
export function badBucketOf(jobKey: string, error: string): BadBucket | null {
  const m = /^(.+) is an? (\w+), not an? (\w+)$/.exec(error);
  if (!m || !m[1]!.startsWith(`${jobKey}:`)) return null;
  return { key: m[1]!, type: m[2]!, expected: m[3]! };
}

export const NO_COUNTS: Readonly<Record<BucketKey, number>> = Object.freeze({ dependencies: 0, processed: 0, failed: 0, unsuccessful: 0 });

/** A key that was not read, or read and found empty. */
export function missingJob(key: string): SnapJob {
  const { queueKey, id } = splitJobKey(key);
  return {
    key,
    queueKey,
    id,
    exists: false,
    state: 'missing',
    locked: false,
    name: '',
    timestamp: 0,
    finishedOn: 0,
    parentKey: null,
    policy: 'none',
    counts: { ...NO_COUNTS },
  };
}

export function jobOf(snapshot: Snapshot, key: string): SnapJob {
  return snapshot.jobs.get(key) ?? missingJob(key);
}

/** Any children in any bucket (remove-policy failures are in none: see Snapshot.removed). */
export function hasBucketChildren(job: SnapJob): boolean {
  const c = job.counts;
  return c.dependencies + c.processed + c.failed + c.unsuccessful > 0;
}

/** A worker holds it (or it sits in the active list). */
export const isActive = (job: SnapJob): boolean => job.state === 'active' || job.locked;
