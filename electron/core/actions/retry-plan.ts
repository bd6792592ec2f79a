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
import type { Redis } from 'ioredis';
import { FlowscopeError } from '../../../shared/errors';
import { findRemovedPolicyFailures, listBuckets, type RemovedFailures } from './find-failed-children';
import { listBucket } from './list-bucket';
import { hasBucketChildren, readJob, readJobs, type JobInfo } from './read-jobs';
import { findSuperseded, type ChildFacts } from './superseded';
import type { RetryOptions, RetryResult } from './types';

export type LinkFrom = 'unsuccessful' | 'failed' | 'processed' | 'none';
export type ReopenFrom = 'failed' | 'completed' | 'waiting' | 'prioritized' | 'delayed';

export type RetryOp =
  | { op: 'link'; child: string; parent: string; from: LinkFrom }
  | { op: 'reopen'; key: string; from: ReopenFrom }
  | { op: 'retry'; key: string };

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
async function bucketOf(redis: Redis, child: JobInfo, parentKey: string): Promise<ParentBucket> {
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
  private removedIndex: RemovedFailures | null = null;
  private readonly visited = new Set<string>();
  private readonly result: RetryResult = { retried: [], reopened: [], skipped: [] };
  private readonly units: PlanUnit[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly opts: RetryOptions = {},
  ) {}

  /** The plan for retrying the failed children of `parentKey` (and reopening what must be). */
  async forChildren(parentKey: string): Promise<RetryPlan> {
    const parent = await readJob(this.redis, parentKey);
    if (!parent.exists) throw new FlowscopeError('NOT_FOUND', `No job ${parentKey}.`, { key: parentKey });
    refuseActive(parent, 'Parent');
    this.visited.add(parent.key);
    const work = await this.collect(parent);
    if (hasWork(work)) {
      const head: RetryOp[] = [];
      if (parent.state !== 'waiting-children') {
        head.push({ op: 'reopen', key: parent.key, from: reopenFrom(parent, 'Parent') });
        this.result.reopened.push(parent.key);
        head.push(...(await this.upward(parent)));
      }
      this.emit(head, work);
    }
    return this.done(parentKey);
  }

  /** The plan for retrying one failed job: its parent (and theirs) reopened as for its siblings. */
  async forJob(key: string): Promise<RetryPlan> {
    const job = await readJob(this.redis, key);
    if (!job.exists) throw new FlowscopeError('NOT_FOUND', `No job ${key}.`, { key });
    refuseActive(job, 'Job');
    if (job.state !== 'failed') throw new FlowscopeError('BAD_REQUEST', `Job ${key} is ${job.state}, not failed.`, { key });
    this.visited.add(job.key);
    const work = (await this.hasChildren(job)) ? await this.collect(job) : noWork();
    const head = await this.upward(job);
    if (hasWork(work) || job.counts.dependencies > 0) {
      head.push({ op: 'reopen', key: job.key, from: 'failed' });
      this.result.reopened.push(job.key);
      this.emit(head, work);
    } else {
      this.result.retried.push(job.key);
      this.units.push({ atomic: true, ops: [...head, { op: 'retry', key: job.key }] });
    }
    return this.done(key);
  }

  private done(routeKey: string): RetryPlan {
    return { routeKey, result: this.result, units: this.units };
  }

  private async removed(): Promise<RemovedFailures> {
    this.removedIndex ??= await findRemovedPolicyFailures(this.redis, this.prefix);
    return this.removedIndex;
  }

  private async hasChildren(job: JobInfo): Promise<boolean> {
    return hasBucketChildren(job) || (await this.removed()).has(job.key);
  }

  /** Units for a reopened node: its reopen (and whatever `head` holds) with its children's re-links, then the rest. */
  private emit(head: RetryOp[], work: NodeWork): void {
    this.units.push({ atomic: true, ops: [...head, ...work.links] });
    for (const key of work.retries) {
      this.result.retried.push(key);
      this.units.push({ atomic: false, ops: [{ op: 'retry', key }] });
    }
    for (const { job, work: sub } of work.reopen) {
      this.result.reopened.push(job.key);
      this.emit([{ op: 'reopen', key: job.key, from: 'failed' }], sub);
    }
  }

  private skip(key: string, reason: string): void {
    this.result.skipped.push({ key, reason });
  }

  /** What to do with a node's failed children, recursively (SPEC §6 "Recursive"). */
  private async collect(node: JobInfo): Promise<NodeWork> {
    const work = noWork();
    const buckets = await listBuckets(this.redis, node.key, ['unsuccessful', 'failed', 'dependencies']);
    const removed = (await this.removed()).get(node.key) ?? [];
    const candidates: { key: string; from: LinkFrom | 'dependencies' }[] = [
      ...buckets.unsuccessful.map((key) => ({ key, from: 'unsuccessful' as const })),
      ...buckets.failed.map((key) => ({ key, from: 'failed' as const })),
      ...removed.map((key) => ({ key, from: 'none' as const })),
      ...buckets.dependencies.map((key) => ({ key, from: 'dependencies' as const })),
    ];
    if (candidates.length === 0) return work;
    const info = await readJobs(this.redis, candidates.map((c) => c.key));
    const superseded = await this.superseded(node, candidates, info);

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
  private async superseded(
    node: JobInfo,
    candidates: { key: string; from: string }[],
    info: Map<string, JobInfo>,
  ): Promise<Map<string, string>> {
    if (this.opts.includeSuperseded) return new Map();
    const replaceable = candidates.filter((c) => (c.from === 'failed' || c.from === 'none') && info.get(c.key)?.exists);
    if (replaceable.length === 0) return new Map();
    const processed = await listBucket(this.redis, node.key, 'processed');
    const processedInfo = await readJobs(this.redis, processed);
    const all = [...info.values(), ...processedInfo.values()].filter((j) => j.exists);
    return findSuperseded(
      replaceable.map((c) => facts(info.get(c.key)!)),
      all.map(facts),
    );
  }

  /**
   * Re-links a job that is about to run again into its parent and reopens that parent when it
   * already left waiting-children, up to the root (SPEC §6 "Ancestors"). Stops at a parent that
   * still lists the job as pending, or at one in waiting-children (it waits again by itself).
   */
  private async upward(start: JobInfo): Promise<RetryOp[]> {
    const ops: RetryOp[] = [];
    let node = start;
    const seen = new Set([start.key]);
    while (node.parentKey && !seen.has(node.parentKey)) {
      const parent = await readJob(this.redis, node.parentKey);
      if (!parent.exists) {
        this.skip(node.parentKey, `parent of ${node.key} is gone; nothing to re-link into`);
        break;
      }
      const bucket = await bucketOf(this.redis, node, parent.key);
      if (bucket === null || bucket === 'dependencies') break;
      ops.push({ op: 'link', child: node.key, parent: parent.key, from: bucket });
      if (parent.state === 'waiting-children') break;
      ops.push({ op: 'reopen', key: parent.key, from: reopenFrom(parent, 'Ancestor') });
      this.result.reopened.push(parent.key);
      seen.add(parent.key);
      this.visited.add(parent.key);
      node = parent;
    }
    return ops;
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
