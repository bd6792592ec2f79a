// Plans "retry failed children" (docs/SPEC.md §6) and "retry job" from a snapshot of the subtree
// (read-subtree.ts), as a list of operations for retry-failed-children.lua. A pure function:
// the preview is its result, the real run applies the same plan, so on an unchanged Redis
// both say the same thing; unit-tested without Redis (test/unit/plan-retry.test.ts).
//
// The whole subtree is repaired: every failed job at any depth under the start, under any
// policy, is retried (or, with work of its own below, reopened), and every job on the way
// that already left waiting-children (completed, failed, or released and not yet run) is
// reopened so that it aggregates again; jobs still in waiting-children wait again by
// themselves. Above the start, its parents are reopened as far as needed (upward).
//
// Order is what makes the run safe with workers running. A parent is reopened, and every child
// it will wait for re-linked into its `:dependencies`, in one atomic unit, before any of those
// children can run: a fast worker finishing a child always finds its parent in waiting-children
// with the child pending. A child that will be reopened itself (a cascade) is re-linked into
// its parent in that unit but stays failed or completed (not runnable) until its own unit
// reopens it with its own children, so no parent is released early between two scripts.
import { FlowscopeError } from '../../../shared/errors';
import { isActive, jobOf, hasBucketChildren, type BucketKey, type SnapJob, type Snapshot } from './snapshot';
import { findSuperseded } from './superseded';
import type { RetryOptions, RetryResult } from './types';

/** Where a child is re-linked from: a bucket other than :dependencies (by key suffix), or none (remove policy). */
export type LinkFrom = Exclude<BucketKey, 'dependencies'> | 'none';
export type ReopenFrom = 'failed' | 'completed' | 'waiting' | 'prioritized' | 'delayed';
export type RetryFrom = 'failed' | 'completed';

/**
 * `parent` on reopen / retry: the parent that must be waiting for the job when it becomes
 * pending again ('' for none); the script refuses the operation otherwise. `parentWaiting` on a
 * link: the parent must be in waiting-children when the link is applied (reopened earlier in
 * the same batch, or by an earlier one): the links of a node's children beyond its atomic unit
 * (MAX_UNIT_OPS) carry it.
 */
export type RetryOp =
  | { op: 'link'; child: string; parent: string; from: LinkFrom; parentWaiting?: true }
  | { op: 'reopen'; key: string; from: ReopenFrom; parent: string }
  | { op: 'retry'; key: string; parent: string; from: RetryFrom };

/**
 * Most operations in a node's atomic unit (its reopen, the chain above it and the first of its
 * children's re-links), and the operations of one script (RETRY_BATCH_OPS). The re-links beyond
 * it follow as a unit that may be spread over batches (each link checking that the node is
 * waiting for children): one script never holds Redis for a whole 20,000-child fan-out (a unit
 * is never split, so a unit of 20,001 operations was one script of ~120 ms on a busy machine).
 * 500 retries are ~4 ms of Redis on an idle machine, ~10 ms at a load of 4 on the bench's.
 */
export const MAX_UNIT_OPS = 500;

/** Operations that must run in one script (`atomic`), or operations that may be spread over batches (in order). */
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

export interface PlanRetryOptions extends RetryOptions {
  /** `children`: retry what failed under the start job; `job`: retry the start job itself (it must have failed). */
  mode: 'children' | 'job';
}

interface NodeWork {
  /** Children re-linked into this node's `:dependencies` (in the node's own unit). */
  links: RetryOp[];
  /** Children to run again: op 'retry' with this node as parent. */
  retries: { key: string; from: RetryFrom }[];
  /** Children reopened (back to waiting-children), each with its own work. */
  reopen: { job: SnapJob; from: ReopenFrom; work: NodeWork }[];
  /** Children still in waiting-children with work below: no operation on them, their work under them. */
  below: { job: SnapJob; work: NodeWork }[];
}

const REOPENABLE: ReadonlySet<string> = new Set<ReopenFrom>(['failed', 'completed', 'waiting', 'prioritized', 'delayed']);
const RELEASED: ReadonlySet<string> = new Set<ReopenFrom>(['waiting', 'prioritized', 'delayed']);

/** The planner's walk: a generator that pauses (yields) every STEP candidates it considers. */
type Steps<T> = Generator<void, T, void>;
/** Candidates considered between two pauses: ~1-2 ms of planning on an idle machine. */
const STEP = 1000;

const hasWork = (w: NodeWork) => w.retries.length + w.reopen.length + w.below.length > 0;
const noWork = (): NodeWork => ({ links: [], retries: [], reopen: [], below: [] });

function refuseActive(job: SnapJob, role: string): void {
  if (isActive(job)) {
    throw new FlowscopeError(
      'REFUSED',
      `${role} ${job.key} is active (a worker holds it); nothing was changed. Retry once it has finished.`,
      { key: job.key },
    );
  }
}

function reopenFrom(job: SnapJob, role: string): ReopenFrom {
  refuseActive(job, role);
  if (!REOPENABLE.has(job.state)) {
    throw new FlowscopeError('REFUSED', `${role} ${job.key} is in no state BullMQ knows (${job.state}); nothing was changed.`, {
      key: job.key,
    });
  }
  return job.state as ReopenFrom;
}

type Candidate = { key: string; from: BucketKey | 'none' };

/** Which of its parent's buckets holds a job, in the order the script's checks use (null: none). */
function bucketInParent(job: SnapJob): 'dependencies' | LinkFrom | null {
  const held = job.parentBuckets ?? [];
  if (held.includes('dependencies')) return 'dependencies';
  if (held.includes('unsuccessful')) return 'unsuccessful';
  if (held.includes('failed')) return 'failed';
  if (held.includes('processed')) return 'processed';
  return job.policy === 'remove' ? 'none' : null;
}

class Planner {
  private readonly visited = new Set<string>();
  private readonly result: RetryResult = { retried: [], reopened: [], skipped: [] };
  private readonly units: PlanUnit[] = [];
  private steps = 0;

  constructor(
    private readonly snapshot: Snapshot,
    private readonly opts: PlanRetryOptions,
  ) {}

  private job(key: string): SnapJob {
    return jobOf(this.snapshot, key);
  }

  private removedUnder(job: SnapJob): string[] {
    return this.snapshot.removed.get(job.key) ?? [];
  }

  private hasChildren(job: SnapJob): boolean {
    return hasBucketChildren(job) || this.removedUnder(job).length > 0;
  }

  private skip(key: string, reason: string): void {
    this.result.skipped.push({ key, reason });
  }

  /** The plan for retrying what failed under the start job (and reopening what must be). */
  *forChildren(): Steps<RetryPlan> {
    const parent = this.job(this.snapshot.start);
    if (!parent.exists) throw new FlowscopeError('NOT_FOUND', `No job ${parent.key}.`, { key: parent.key });
    refuseActive(parent, 'Parent');
    this.visited.add(parent.key);
    const work = yield* this.collect(parent);
    if (hasWork(work)) {
      const head: RetryOp[] = [];
      if (parent.state !== 'waiting-children') {
        head.push({ op: 'reopen', key: parent.key, from: reopenFrom(parent, 'Parent'), parent: '' });
        this.result.reopened.push(parent.key);
        head.push(...this.upward(parent).ops);
      }
      this.emit(head, parent.key, work);
    }
    return this.done();
  }

  /** The plan for retrying one failed job: its parent (and theirs) reopened as for its siblings. */
  *forJob(): Steps<RetryPlan> {
    const job = this.job(this.snapshot.start);
    if (!job.exists) throw new FlowscopeError('NOT_FOUND', `No job ${job.key}.`, { key: job.key });
    refuseActive(job, 'Job');
    if (job.state !== 'failed') throw new FlowscopeError('BAD_REQUEST', `Job ${job.key} is ${job.state}, not failed.`, { key: job.key });
    this.visited.add(job.key);
    const work = this.hasChildren(job) ? yield* this.collect(job) : noWork();
    const { ops: head, waitingParent } = this.upward(job);
    if (hasWork(work) || job.counts.dependencies > 0) {
      head.push({ op: 'reopen', key: job.key, from: 'failed', parent: waitingParent });
      this.result.reopened.push(job.key);
      this.emit(head, job.key, work);
    } else {
      this.result.retried.push(job.key);
      this.units.push({ atomic: true, ops: [...head, { op: 'retry', key: job.key, parent: waitingParent, from: 'failed' }] });
    }
    return this.done();
  }

  private done(): RetryPlan {
    return { routeKey: this.snapshot.start, result: this.result, units: this.units };
  }

  /**
   * Units for a node: its reopen (and whatever `head` holds) with its children's re-links (up to
   * MAX_UNIT_OPS operations; the links beyond follow in a unit of their own, each requiring the
   * node to be waiting for children), then the rest.
   */
  private emit(head: RetryOp[], nodeKey: string, work: NodeWork): void {
    const room = Math.max(0, MAX_UNIT_OPS - head.length);
    const ops = [...head, ...work.links.slice(0, room)];
    if (ops.length > 0) this.units.push({ atomic: true, ops });
    if (work.links.length > room) {
      const spilled: RetryOp[] = [];
      for (let i = room; i < work.links.length; i++) {
        const link = work.links[i] as Extract<RetryOp, { op: 'link' }>;
        spilled.push({ op: 'link', child: link.child, parent: link.parent, from: link.from, parentWaiting: true });
      }
      this.units.push({ atomic: false, ops: spilled });
    }
    if (work.retries.length > 0) {
      const retries: RetryOp[] = [];
      for (const { key, from } of work.retries) {
        this.result.retried.push(key);
        retries.push({ op: 'retry', key, parent: nodeKey, from });
      }
      this.units.push({ atomic: false, ops: retries });
    }
    for (const { job, from, work: sub } of work.reopen) {
      this.result.reopened.push(job.key);
      this.emit([{ op: 'reopen', key: job.key, from, parent: nodeKey }], job.key, sub);
    }
    for (const { job, work: sub } of work.below) this.emit([], job.key, sub);
  }

  /** A node's children in the order they are considered: the failed buckets first, then the pending, then the processed. */
  private candidates(node: SnapJob): Candidate[] {
    const children = node.children;
    const list: Candidate[] = [];
    if (children) {
      for (const key of children.unsuccessful) list.push({ key, from: 'unsuccessful' });
      for (const key of children.failed) list.push({ key, from: 'failed' });
    }
    for (const key of this.removedUnder(node)) list.push({ key, from: 'none' });
    if (children) {
      for (const key of children.dependencies) list.push({ key, from: 'dependencies' });
      for (const key of children.processed) list.push({ key, from: 'processed' });
    }
    return list;
  }

  /** What to do under a node, recursively (docs/SPEC.md §6 "Recursive"): the whole subtree. */
  private *collect(node: SnapJob): Steps<NodeWork> {
    const work = noWork();
    const candidates = this.candidates(node);
    if (candidates.length === 0) return work;
    // Each candidate's job, looked up once (supersession and the walk both need it).
    const jobs = candidates.map((c) => this.job(c.key));
    const superseded = this.superseded(candidates, jobs);

    for (let c = 0; c < candidates.length; c++) {
      // A pause for the caller every STEP candidates (planRetryYielding lets the event loop run).
      if (++this.steps % STEP === 0) yield;
      const { key, from } = candidates[c]!;
      const job = jobs[c]!;
      if (from === 'processed') {
        yield* this.collectFinished(node, job, work);
        continue;
      }
      if (from === 'dependencies' && job.exists && job.state !== 'failed') {
        yield* this.collectPending(node, job, work);
        continue;
      }
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
      if (this.hasChildren(job)) {
        const sub = yield* this.collect(job);
        // A child with work below, or with children still pending, waits for them again rather than re-running now.
        if (hasWork(sub) || job.counts.dependencies > 0) {
          work.reopen.push({ job, from: 'failed', work: sub });
          continue;
        }
      }
      work.retries.push({ key, from: 'failed' });
    }
    return work;
  }

  /**
   * A child still pending in `node`: in waiting-children it waits again by itself, so only the
   * work under it is planned; released but not yet run (waiting, prioritized, delayed) with
   * work under it, it is reopened to aggregate that work too. A completed child in
   * `:dependencies` is what a run that stopped half-way leaves (re-linked, not reopened): it is
   * reopened, or run again when nothing under it is left to do. Active ones are left alone.
   */
  private *collectPending(node: SnapJob, job: SnapJob, work: NodeWork): Steps<void> {
    if (this.visited.has(job.key) || job.parentKey !== node.key) return;
    if (isActive(job)) {
      if (job.counts.unsuccessful + job.counts.failed > 0) {
        this.skip(job.key, 'active (a worker holds it); the failed jobs under it were left alone');
      }
      return;
    }
    this.visited.add(job.key);
    const sub = this.hasChildren(job) ? yield* this.collect(job) : noWork();
    if (job.state === 'waiting-children') {
      if (hasWork(sub)) work.below.push({ job, work: sub });
    } else if (RELEASED.has(job.state)) {
      if (hasWork(sub)) work.reopen.push({ job, from: job.state as ReopenFrom, work: sub });
    } else if (job.state === 'completed') {
      if (hasWork(sub) || job.counts.dependencies > 0) work.reopen.push({ job, from: 'completed', work: sub });
      else work.retries.push({ key: job.key, from: 'completed' });
    }
  }

  /** A processed (completed) child: reopened, and re-linked into `node`, when there is work under it. */
  private *collectFinished(node: SnapJob, job: SnapJob, work: NodeWork): Steps<void> {
    if (!job.exists || job.state !== 'completed' || job.parentKey !== node.key || this.visited.has(job.key)) return;
    if (!this.hasChildren(job)) return;
    this.visited.add(job.key);
    const sub = yield* this.collect(job);
    if (!hasWork(sub)) return;
    work.links.push({ op: 'link', child: job.key, parent: node.key, from: 'processed' });
    work.reopen.push({ job, from: 'completed', work: sub });
  }

  /**
   * Superseded failed children. Only ignored (`:failed`) and remove-policy children can be
   * superseded: a failed child left in `:unsuccessful` or `:dependencies` would keep its parent
   * from ever completing, so those are always retried.
   */
  private superseded(candidates: Candidate[], jobs: SnapJob[]): Map<string, string> {
    if (this.opts.includeSuperseded) return new Map();
    const replaceable: SnapJob[] = [];
    const all: SnapJob[] = [];
    for (let c = 0; c < candidates.length; c++) {
      const job = jobs[c]!;
      if (!job.exists) continue;
      all.push(job);
      const from = candidates[c]!.from;
      if (from === 'failed' || from === 'none') replaceable.push(job);
    }
    if (replaceable.length === 0) return new Map();
    // A SnapJob carries the facts supersession compares (key, queue, name, times).
    return findSuperseded(replaceable, all);
  }

  /**
   * Re-links a job that is about to run again into its parent and reopens that parent when it
   * already left waiting-children, up to the root (docs/SPEC.md §6 "Ancestors"). Stops at a parent that
   * still lists the job as pending, or at one in waiting-children (it waits again by itself).
   * `waitingParent`: the start job's parent when it will be waiting for the job, else ''.
   */
  private upward(start: SnapJob): { ops: RetryOp[]; waitingParent: string } {
    const ops: RetryOp[] = [];
    let waitingParent = '';
    let node = start;
    const seen = new Set([start.key]);
    while (node.parentKey && !seen.has(node.parentKey)) {
      const parent = this.job(node.parentKey);
      if (!parent.exists) {
        this.skip(node.parentKey, `parent of ${node.key} is gone; nothing to re-link into`);
        break;
      }
      const first = node === start;
      const bucket = bucketInParent(node);
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

/**
 * A bucket key of another type than BullMQ's, anywhere the read went, is REFUSED with the key
 * and its type (the read saw it as empty: a retry would re-link nothing from it, or stop on
 * WRONGTYPE half-way through its batches).
 */
function refuseBadBuckets(snapshot: Snapshot): void {
  const bad = snapshot.badBuckets?.[0];
  if (!bad) return;
  throw new FlowscopeError(
    'REFUSED',
    `${bad.key} is a ${bad.type}, not the ${bad.expected} BullMQ keeps a parent's children in: Flowscope will not retry under ${snapshot.start} until that key is fixed or deleted; nothing was changed.`,
    { key: bad.key, type: bad.type, expected: bad.expected },
  );
}

function steps(snapshot: Snapshot, options: PlanRetryOptions): Steps<RetryPlan> {
  refuseBadBuckets(snapshot);
  const planner = new Planner(snapshot, options);
  return options.mode === 'job' ? planner.forJob() : planner.forChildren();
}

/** The plan for `snapshot` (pure: reads nothing, writes nothing). Throws NOT_FOUND, BAD_REQUEST or REFUSED as the actions do. */
export function planRetry(snapshot: Snapshot, options: PlanRetryOptions): RetryPlan {
  const run = steps(snapshot, options);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
  }
}

/**
 * planRetry, letting the event loop run every STEP candidates: a subtree of tens of thousands
 * of children is planned in slices of a few ms, not in one block (the actions use this one).
 */
export async function planRetryYielding(snapshot: Snapshot, options: PlanRetryOptions): Promise<RetryPlan> {
  const run = steps(snapshot, options);
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Groups units into script batches of about `maxOps` operations, in order; an atomic unit is never split. */
export function packBatches(units: PlanUnit[], maxOps: number): RetryOp[][] {
  const batches: RetryOp[][] = [];
  let current: RetryOp[] = [];
  const close = () => {
    if (current.length > 0) batches.push(current);
    current = [];
  };
  for (const unit of units) {
    if (unit.atomic) {
      if (current.length + unit.ops.length > maxOps) close();
      for (const op of unit.ops) current.push(op);
      continue;
    }
    for (const op of unit.ops) {
      if (current.length >= maxOps) close();
      current.push(op);
    }
  }
  close();
  return batches;
}
