// Which actions a job offers and whether each can do something now. The node's counts and
// state give a first answer at once; for the two repair actions a dry run (see
// use-repair-checks.ts) then decides, because only the core knows which failures are
// superseded, which children have started, or that an active parent refuses the action. No
// BullMQ rule is re-implemented here: whether the job's queue may be written at all is the
// core's verdict (QueueInfo.compat), passed in.
import type { RemoveUnprocessedResult, RetryResult } from '../../../../shared/actions';
import { BUCKETS, type FlowNode, type QueueCompat } from '../../../../shared/domain';
import { READ_ONLY_REASON, type ActionKind } from './action-kinds';
import { plural } from '../../words/plural';

export type Check<T> = { status: 'checking' } | { status: 'done'; result: T } | { status: 'error'; message: string };

/** Dry runs of the two repair actions on one parent; null where none was asked for. */
export interface RepairChecks {
  retry: Check<RetryResult> | null;
  remove: Check<RemoveUnprocessedResult> | null;
}

export const NO_CHECKS: RepairChecks = { retry: null, remove: null };

export interface Availability {
  /** Shown at all for this job (a leaf has no repair actions; only a delayed job can be promoted). */
  offered: boolean;
  enabled: boolean;
  /** Why it is disabled, in words for the person (also the button's tooltip). */
  reason: string | null;
}

export function childTotal(job: FlowNode): number {
  return BUCKETS.reduce((sum, b) => sum + job.childCounts[b], 0);
}

const on: Availability = { offered: true, enabled: true, reason: null };
const off = (reason: string): Availability => ({ offered: true, enabled: false, reason });
const hidden: Availability = { offered: false, enabled: false, reason: null };


function judgeRetry(job: FlowNode, check: RepairChecks['retry']): Availability {
  if (check?.status === 'error') return off(check.message);
  if (check?.status === 'done') {
    const { retried, reopened, skipped } = check.result;
    if (retried.length + reopened.length > 0) return on;
    if (skipped.length > 0) {
      return off(`Nothing to retry: ${plural(skipped.length, 'failed child is', 'failed children are')} skipped (${skipped[0]!.reason}).`);
    }
    return off('Nothing to retry: no child of this job has failed.');
  }
  // Until the dry run answers: blocking failures hide in `unprocessed`, so any child not yet
  // processed may be one.
  const c = job.childCounts;
  return c.failed + c.ignored + c.unprocessed > 0 ? on : off('Nothing to retry: every child finished successfully.');
}

function judgeRemove(job: FlowNode, check: RepairChecks['remove']): Availability {
  if (check?.status === 'error') return off(check.message);
  if (check?.status === 'done') {
    const { removed, skipped } = check.result;
    if (removed.length > 0) return on;
    if (skipped.length > 0) return off(`Nothing to remove: the children still pending have started or failed (${skipped[0]!.reason}).`);
    return off('Nothing to remove: no child of this job is waiting to start.');
  }
  return job.childCounts.unprocessed > 0 ? on : off('Nothing to remove: no child of this job is waiting to start.');
}

/** Why every action on a queue is off because of its BullMQ version (null when allowed or unknown). */
export function versionReason(queue: string, compat: QueueCompat | null | undefined): string | null {
  if (!compat || compat.ok) return null;
  return `Actions are off for queue ${queue}: it ${compat.reason ?? 'is written by a BullMQ Flowscope is not tested with'}.`;
}

export function judgeActions(
  job: FlowNode,
  readOnly: boolean,
  checks: RepairChecks = NO_CHECKS,
  compat: QueueCompat | null = null,
): Record<ActionKind, Availability> {
  const parent = childTotal(job) > 0;
  const judged: Record<ActionKind, Availability> = {
    retryFailedChildren: parent ? judgeRetry(job, checks.retry) : hidden,
    removeUnprocessed: parent ? judgeRemove(job, checks.remove) : hidden,
    retryJob: job.state === 'failed' ? on : hidden,
    removeJob: job.state === 'missing' ? hidden : job.state === 'active' ? off('A worker is running this job right now; remove it once it has finished.') : on,
    promoteJob: job.state === 'delayed' ? on : hidden,
  };
  const lockedBy = readOnly ? READ_ONLY_REASON : versionReason(job.queue, compat);
  if (!lockedBy) return judged;
  // Read-only, or a queue of an untested BullMQ: everything offered stays visible, disabled, with the one reason.
  const locked = {} as Record<ActionKind, Availability>;
  for (const [kind, a] of Object.entries(judged) as [ActionKind, Availability][]) locked[kind] = a.offered ? off(lockedBy) : a;
  return locked;
}
