// The everyday actions (docs/SPEC.md §6): retry one failed job, remove one job with its subtree, promote
// a delayed job. Retrying a child goes through the same planner as "retry failed children", so
// a parent that already left waiting-children is reopened (with its ancestors) in the same
// script that makes the child runnable: BullMQ's Job.retry() leaves such a parent where it is,
// and the retried child's result then lands in `:processed` with nobody to aggregate it.
import type { RedisClient } from '../connection/redis-client';
import { FlowscopeError } from '../../../shared/errors';
import { queueKeysOf } from '../../../shared/job-keys';
import { assertJobKey } from './job-key';
import { asStrings, luaWriteScript } from './lua-script';
import promoteLua from './promote-job.lua?raw';
import removeJobLua from './remove-job.lua?raw';
import removeSubtreeLua from './remove-subtree.lua?raw';
import queueMetaLua from './queue-meta.lua?raw';
import { ActionCost, withStats } from './cost';
import { guardPlan, planFrom, runRetry } from './retry-failed-children';
import type { PromoteResult, RemoveJobResult, RetryOptions, RetryResult } from './types';
import { assertCompatible, type ScriptLayouts } from './version-guard';

const REMOVE_JOB = luaWriteScript('remove-job', queueMetaLua, removeSubtreeLua, removeJobLua);
const PROMOTE_JOB = luaWriteScript('promote-job', queueMetaLua, promoteLua);

export async function previewRetryJob(redis: RedisClient, prefix: string, key: string, opts: RetryOptions = {}): Promise<RetryResult> {
  assertJobKey(prefix, key);
  const cost = new ActionCost(redis);
  const guarded = await planFrom(redis, prefix, key, { ...opts, mode: 'job' }, cost);
  await guardPlan(guarded, 'Retry job');
  return withStats(guarded.plan.result, cost);
}

/** A failed job back to wait; with failed children of its own it is reopened instead, like a failed child in a cascade. */
export async function retryJob(redis: RedisClient, prefix: string, key: string, opts: RetryOptions = {}): Promise<RetryResult> {
  assertJobKey(prefix, key);
  return runRetry(redis, prefix, key, { ...opts, mode: 'job' }, 'Retry job');
}

/** A dry run with `layouts` null (it writes nothing); a real run with the guard's layouts. */
async function removeJobScript(redis: RedisClient, key: string, layouts: ScriptLayouts | null, cost: ActionCost): Promise<RemoveJobResult> {
  const [reply] = await cost.trips.run([
    { script: REMOVE_JOB, keys: [key], args: [layouts === null ? '1' : '0', String(Date.now()), JSON.stringify(layouts ?? {})] },
  ]);
  const [status, removed, released] = Array.isArray(reply) ? reply : [];
  const detail = asStrings(reply)[1];
  switch (status) {
    case 'ok':
      return { removed: asStrings(removed), releasedParent: typeof released === 'string' && released ? released : null };
    case 'missing':
      throw new FlowscopeError('NOT_FOUND', `No job ${key}.`, { key });
    case 'scheduler':
      throw new FlowscopeError('REFUSED', `${key} is the next job of a job scheduler; remove the scheduler instead.`, { key });
    case 'active':
      throw new FlowscopeError(
        'REFUSED',
        detail === key
          ? `${key} is active (a worker holds it); nothing was removed.`
          : `${key} has an active job under it (${detail}); nothing was removed.`,
        { key, active: detail },
      );
    default:
      throw new FlowscopeError('INTERNAL', `Unexpected reply from remove-job: ${String(status)}`);
  }
}

/** The dry run of remove-job, then the guard over every queue it names. */
async function guardedRemovePreview(redis: RedisClient, prefix: string, key: string, cost: ActionCost) {
  assertJobKey(prefix, key);
  const preview = await removeJobScript(redis, key, null, cost);
  const written = [key, ...preview.removed, ...(preview.releasedParent ? [preview.releasedParent] : [])];
  cost.add();
  return { preview, layouts: await assertCompatible(redis, queueKeysOf(written), 'Remove job') };
}

/** What removing the job would delete (the job and its whole subtree) and whether its parent would be released. */
export async function previewRemoveJob(redis: RedisClient, prefix: string, key: string): Promise<RemoveJobResult> {
  const cost = new ActionCost(redis);
  return withStats((await guardedRemovePreview(redis, prefix, key, cost)).preview, cost);
}

export async function removeJob(redis: RedisClient, prefix: string, key: string): Promise<RemoveJobResult> {
  const cost = new ActionCost(redis);
  const { layouts } = await guardedRemovePreview(redis, prefix, key, cost);
  return withStats(await removeJobScript(redis, key, layouts, cost), cost);
}

export async function promoteJob(redis: RedisClient, prefix: string, key: string): Promise<PromoteResult> {
  assertJobKey(prefix, key);
  const cost = new ActionCost(redis);
  cost.add();
  const layouts = await assertCompatible(redis, queueKeysOf([key]), 'Promote job');
  const [reply] = await cost.trips.run([{ script: PROMOTE_JOB, keys: [key], args: [JSON.stringify(layouts)] }]);
  const [status, state] = asStrings(reply);
  if (status === 'missing') throw new FlowscopeError('NOT_FOUND', `No job ${key}.`, { key });
  if (status === 'not-delayed') throw new FlowscopeError('BAD_REQUEST', `Job ${key} is not delayed.`, { key });
  return withStats({ promoted: key, state: state === 'prioritized' ? 'prioritized' : 'waiting' }, cost);
}
