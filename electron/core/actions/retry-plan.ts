// Plans "retry failed children" (SPEC §6) from reads only, as a list of operations for
// retry-failed-children.lua. The preview is this plan's result; the real run applies the same
// plan, so on an unchanged Redis both say the same thing.
//
// Order is what makes the run safe with workers running. A parent is reopened, and every child
// it will wait for re-linked into its `:dependencies`, in one atomic unit, before any of those
// children can run: a fast worker finishing a child always finds its parent in waiting-children
// with the child pending. A failed child that will be reopened itself (a cascade) is re-linked
// into its parent in that unit but stays failed (not runnable) until its own unit reopens it
// with its own children, so no parent is released early between two scripts.
import type { RedisClient } from '../connection/redis-client';
import { FlowscopeError } from '../../../shared/errors';
import { CLOCK_SKEW_MS, findRemovedPolicyFailures, type RemovedFailures } from './find-failed-children';
import { hasBucketChildren, readBucket, readJob, readJobs, type BucketKey, type JobInfo, type ReadMode } from './read-jobs';
import { findSuperseded, type ChildFacts } from './superseded';
import type { RetryOptions, RetryResult } from './types';

export type LinkFrom = 'unsuccessful' | 'failed' | 'processed' | 'none';
export type ReopenFrom = 'failed' | 'completed' | 'waiting' | 'prioritized' | 'delayed';

/**
 * `parent` on reopen / retry: the parent that must be waiting for the job when it becomes
 * pending again ('' for none); the script refuses the operation otherwise.
 */
export type RetryOp =
  | { op: 'link'; child: string; parent: string; from: LinkFrom }
  | { op: 'reopen'; key: string; from: ReopenFrom; parent: string }
  | { op: 'retry'; key: string; parent: string };

/** Operations that must run in one script (`atomic`), or a single operation that may go in any batch. */
export interface PlanUnit {
  atomic: boolean;
  ops: RetryOp[];
}

export interface RetryPlan {
  /** The key the scripts are routed by (the action's job). */
  routeKey: string;
  result: RetryResult;
  units: PlanUnit[];
}

interface NodeWork {
  links: RetryOp[];
  retries: string[];
  reopen: { job: JobInfo; work: NodeWork }[];
}

const REOPENABLE: ReadonlySet<string> = new Set<ReopenFrom>(['failed', 'completed', 'waiting', 'prioritized', 'delayed']);

const hasWork = (w: NodeWork) => w.retries.length + w.reopen.length > 0;
const noWork = (): NodeWork => ({ links: [], retries: [], reopen: [] });

function refuseActive(job: JobInfo, role: string): void {
  if (job.state === 'active' || job.locked) {
    throw new FlowscopeError(
      'REFUSED',
      `${role} ${job.key} is active (a worker holds it); nothing was changed. Retry once it has finished.`,
      { key: job.key },
    );
  }
}

function reopenFrom(job: JobInfo, role: string): ReopenFrom {
  refuseActive(job, role);
  if (!REOPENABLE.has(job.state)) {
    throw new FlowscopeError('REFUSED', `${role} ${job.key} is in no state BullMQ knows (${job.state}); nothing was changed.`, {
      key: job.key,
    });
  }
  return job.state as ReopenFrom;
}

type ParentBucket = 'dependencies' | LinkFrom | null;

/** Which of its parent's buckets holds a child (null: none, and it has no remove policy). */
async function bucketOf(redis: RedisClient, child: JobInfo, parentKey: string): Promise<ParentBucket> {
  const [deps, unsuccessful, ignored, processed] = ((await redis
    .pipeline()
    .sismember(`${parentKey}:dependencies`, child.key)
    .zscore(`${parentKey}:unsuccessful`, child.key)
    .hexists(`${parentKey}:failed`, child.key)
    .hexists(`${parentKey}:processed`, child.key)
    .exec()) ?? []).map(([error, value]) => (error ? null : value));
  if (deps === 1) return 'dependencies';
  if (unsuccessful !== null && unsuccessful !== undefined) return 'unsuccessful';
  if (ignored === 1) return 'failed';
  if (processed === 1) return 'processed';
  return child.policy === 'remove' ? 'none' : null;
}

const facts = (j: JobInfo): ChildFacts => ({
  key: j.key,
  queueKey: j.queueKey,
  name: j.name,
  timestamp: j.timestamp,
  finishedOn: j.finishedOn,
});

export class RetryPlanner {
  private removedIndex: Promise<RemovedFailures> | null = null;
  private readonly visited = new Set<string>();
  private readonly result: RetryResult = { retried: [], reopened: [], skipped: [] };
  private readonly units: PlanUnit[] = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly opts: RetryOptions = {},
  ) {}

  /** The plan for retrying the failed children of `parentKey` (and reopening what must be). */
  async forChildren(parentKey: string): Promise<RetryPlan> {
    const parent = await readJob(this.redis, parentKey);
    if (!parent.exists) throw new FlowscopeError('NOT_FOUND', `No job ${parentKey}.`, { key: parentKey });
    refuseActive(parent, 'Parent');
    this.startRemovedScan(parent);
    this.visited.add(parent.key);
    const work = await this.collect(parent);
    if (hasWork(work)) {
      const head: RetryOp[] = [];
      if (parent.state !== 'waiting-children') {
        head.push({ op: 'reopen', key: parent.key, from: reopenFrom(parent, 'Parent'), parent: '' });
        this.result.reopened.push(parent.key);
        head.push(...(await this.upward(parent)).ops);
      }
      this.emit(head, parent.key, work);
    }
    return this.done(parentKey);
  }

  /** The plan for retrying one failed job: its parent (and theirs) reopened as for its siblings. */
  async forJob(key: string): Promise<RetryPlan> {
    const job = await readJob(this.redis, key);
    if (!job.exists) throw new FlowscopeError('NOT_FOUND', `No job ${key}.`, { key });
    refuseActive(job, 'Job');
    if (job.state !== 'failed') throw new FlowscopeError('BAD_REQUEST', `Job ${key} is ${job.state}, not failed.`, { key });
    this.startRemovedScan(job);
    this.visited.add(job.key);
    const work = (await this.hasChildren(job)) ? await this.collect(job) : noWork();
    const { ops: head, waitingParent } = await this.upward(job);
    if (hasWork(work) || job.counts.dependencies > 0) {
      head.push({ op: 'reopen', key: job.key, from: 'failed', parent: waitingParent });
      this.result.reopened.push(job.key);
      this.emit(head, job.key, work);
    } else {
      this.result.retried.push(job.key);
      this.units.push({ atomic: true, ops: [...head, { op: 'retry', key: job.key, parent: waitingParent }] });
    }
    return this.done(key);
  }

  private done(routeKey: string): RetryPlan {
    return { routeKey, result: this.result, units: this.units };
  }

  private removed(): Promise<RemovedFailures> {
    this.removedIndex ??= findRemovedPolicyFailures(this.redis, this.prefix, 0);
    return this.removedIndex;
  }

  /** Starts the remove-policy scan early (it runs while the root's buckets are read). */
  private startRemovedScan(root: JobInfo): void {
    this.removedIndex ??= findRemovedPolicyFailures(this.redis, this.prefix, root.timestamp - CLOCK_SKEW_MS);
  }

  private async hasChildren(job: JobInfo): Promise<boolean> {
    return hasBucketChildren(job) || (await this.removed()).has(job.key);
  }

  /** Units for a node: its reopen (and whatever `head` holds) with its children's re-links, then the rest. */
  private emit(head: RetryOp[], nodeKey: string, work: NodeWork): void {
    this.units.push({ atomic: true, ops: [...head, ...work.links] });
    for (const key of work.retries) {
      this.result.retried.push(key);
      this.units.push({ atomic: false, ops: [{ op: 'retry', key, parent: nodeKey }] });
    }
    for (const { job, work: sub } of work.reopen) {
      this.result.reopened.push(job.key);
      this.emit([{ op: 'reopen', key: job.key, from: 'failed', parent: nodeKey }], job.key, sub);
    }
  }

  private skip(key: string, reason: string): void {
    this.result.skipped.push({ key, reason });
  }

  /** What to do with a node's failed children, recursively (SPEC §6 "Recursive"). */
  private async collect(node: JobInfo): Promise<NodeWork> {
    const work = noWork();
    const none = Promise.resolve(new Map<string, JobInfo>());
    const read = (bucket: BucketKey, count: number, mode: ReadMode = 'normal') =>
      count > 0 ? readBucket(this.redis, node.key, bucket, mode) : none;
    const c = node.counts;
    const [unsuccessful, ignored, dependencies, removedIndex] = await Promise.all([
      read('unsuccessful', c.unsuccessful),
      read('failed', c.ignored),
      read('dependencies', c.dependencies),
      this.removed(),
    ]);
    const removedKeys = removedIndex.get(node.key) ?? [];
    // Processed children only matter for supersession; they are read (briefly) alongside.
    const readProcessed = !this.opts.includeSuperseded && ignored.size + removedKeys.length > 0;
    const [removed, siblings] = await Promise.all([
      removedKeys.length > 0 ? readJobs(this.redis, removedKeys) : none,
      readProcessed ? read('processed', c.processed, 'brief') : none,
    ]);
    const candidates: { key: string; from: LinkFrom | 'dependencies' }[] = [
      ...[...unsuccessful.keys()].map((key) => ({ key, from: 'unsuccessful' as const })),
      ...[...ignored.keys()].map((key) => ({ key, from: 'failed' as const })),
      ...[...removed.keys()].map((key) => ({ key, from: 'none' as const })),
      ...[...dependencies.keys()].map((key) => ({ key, from: 'dependencies' as const })),
    ];
    if (candidates.length === 0) return work;
    const info = new Map([...dependencies, ...removed, ...ignored, ...unsuccessful]);
    const superseded = this.superseded(candidates, info, siblings);

    for (const { key, from } of candidates) {
      const job = info.get(key)!;
      if (from === 'dependencies' && job.exists && job.state !== 'failed') continue; // still pending: not a failure
      if (!job.exists) {
        if (from !== 'dependencies') this.skip(key, `no job hash (removed); its entry stays in ${node.key}`);
        else this.skip(key, `no job hash (removed) but still pending in ${node.key}`);
        continue;
      }
      if (job.state !== 'failed') {
        this.skip(key, `${job.state}, not failed`);
        continue;
      }
      if (job.parentKey !== node.key) {
        this.skip(key, `its parentKey is ${job.parentKey ?? 'empty'}, not ${node.key}`);
        continue;
      }
      if (job.locked) {
        this.skip(key, 'locked by a worker');
        continue;
      }
      const newer = superseded.get(key);
      if (newer) {
        this.skip(key, `superseded by ${newer}`);
        continue;
      }
      if (this.visited.has(key)) {
        this.skip(key, 'listed twice (in two buckets, or in a parent cycle)');
        continue;
      }
      this.visited.add(key);
      if (from !== 'dependencies') work.links.push({ op: 'link', child: key, parent: node.key, from });
      if (await this.hasChildren(job)) {
        const sub = await this.collect(job);
        // A child with work below, or with children still pending, waits for them again rather than re-running now.
        if (hasWork(sub) || job.counts.dependencies > 0) {
          work.reopen.push({ job, work: sub });
          continue;
        }
      }
      work.retries.push(key);
    }
    return work;
  }

  /**
   * Superseded failed children. Only ignored (`:failed`) and remove-policy children can be
   * superseded: a failed child left in `:unsuccessful` or `:dependencies` would keep its parent
   * from ever completing, so those are always retried.
   */
  private superseded(
    candidates: { key: string; from: string }[],
    info: Map<string, JobInfo>,
    processed: Map<string, JobInfo>,
  ): Map<string, string> {
    if (this.opts.includeSuperseded) return new Map();
    const replaceable = candidates.filter((c) => (c.from === 'failed' || c.from === 'none') && info.get(c.key)?.exists);
    if (replaceable.length === 0) return new Map();
    const all = [...info.values(), ...processed.values()].filter((j) => j.exists);
    return findSuperseded(
      replaceable.map((c) => facts(info.get(c.key)!)),
      all.map(facts),
    );
  }

  /**
   * Re-links a job that is about to run again into its parent and reopens that parent when it
   * already left waiting-children, up to the root (SPEC §6 "Ancestors"). Stops at a parent that
   * still lists the job as pending, or at one in waiting-children (it waits again by itself).
   * `waitingParent`: the start job's parent when it will be waiting for the job, else ''.
   */
  private async upward(start: JobInfo): Promise<{ ops: RetryOp[]; waitingParent: string }> {
    const ops: RetryOp[] = [];
    let waitingParent = '';
    let node = start;
    const seen = new Set([start.key]);
    while (node.parentKey && !seen.has(node.parentKey)) {
      const parent = await readJob(this.redis, node.parentKey);
      if (!parent.exists) {
        this.skip(node.parentKey, `parent of ${node.key} is gone; nothing to re-link into`);
        break;
      }
      const first = node === start;
      const bucket = await bucketOf(this.redis, node, parent.key);
      if (bucket === null || bucket === 'dependencies') {
        if (first && bucket === 'dependencies' && parent.state === 'waiting-children') waitingParent = parent.key;
        break;
      }
      ops.push({ op: 'link', child: node.key, parent: parent.key, from: bucket });
      if (first) waitingParent = parent.key;
      if (parent.state === 'waiting-children') break;
      ops.push({ op: 'reopen', key: parent.key, from: reopenFrom(parent, 'Ancestor'), parent: '' });
      this.result.reopened.push(parent.key);
      seen.add(parent.key);
      this.visited.add(parent.key);
      node = parent;
    }
    return { ops, waitingParent };
  }
}

/** Groups units into script batches of about `maxOps` operations; an atomic unit is never split. */
export function packBatches(units: PlanUnit[], maxOps: number): RetryOp[][] {
  const batches: RetryOp[][] = [];
  let current: RetryOp[] = [];
  for (const unit of units) {
    if (current.length > 0 && current.length + unit.ops.length > maxOps) {
      batches.push(current);
      current = [];
    }
    current.push(...unit.ops);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
