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
import { CLOCK_SKEW_MS, findRemovedFailures, queuesWithFailedSets, type RemovedFailure } from './find-failed-children';
import { previewRetry, retryAction, runRetry } from './retry-failed-children';
import type { PromoteResult, RemoveJobResult, SearchOptions } from './types';
import { assertCompatible, type ScriptLayouts } from './version-guard';

const REMOVE_JOB = luaWriteScript('remove-job', queueMetaLua, removeSubtreeLua, removeJobLua);
const PROMOTE_JOB = luaWriteScript('promote-job', queueMetaLua, promoteLua);

export const previewRetryJob = retryAction(previewRetry, 'job', 'Retry job');

/** A failed job back to wait; with failed children of its own it is reopened instead, like a failed child in a cascade. */
export const retryJob = retryAction(runRetry, 'job', 'Retry job');

/**
 * A dry run with `layouts` null (it writes nothing); a real run with the guard's layouts.
 * `extras`: failed remove-policy jobs found under the job (in no bucket), removed with it.
 */
async function removeJobScript(redis: RedisClient, key: string, layouts: ScriptLayouts | null, extras: string[], cost: ActionCost): Promise<RemoveJobResult> {
  const [reply] = await cost.trips.run([
    {
      script: REMOVE_JOB,
      keys: [key],
      args: [layouts === null ? '1' : '0', String(Date.now()), JSON.stringify(layouts ?? {}), JSON.stringify(extras)],
    },
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

/** Rounds of "dry run, then take the remove-policy failures under what it found": one per nesting level of such failures. */
const MAX_EXTRA_ROUNDS = 8;

/**
 * The dry run of remove-job, with the failed remove-policy jobs under the subtree (BullMQ keeps
 * them in no bucket, so a walk of the buckets, BullMQ's own included, leaves them behind naming a
 * parent that is gone): the remove-policy search over the queues with a failed set, from the
 * job's creation on; those whose parent is in the subtree join it, and the dry run is made again
 * with them (their own subtrees may hold more). Then the guard over every queue it names.
 */
async function guardedRemovePreview(redis: RedisClient, prefix: string, key: string, cost: ActionCost, search: SearchOptions) {
  assertJobKey(prefix, key);
  const [preview0, created] = await Promise.all([removeJobScript(redis, key, null, [], cost), redis.hget(key, 'timestamp')]);
  let preview = preview0;
  let extras: string[] = [];
  const since = (Number(created) || 0) - CLOCK_SKEW_MS;
  cost.add();
  const queues = new Set(await (search.queues?.() ?? queuesWithFailedSets(redis, prefix, cost)));
  for (const q of queueKeysOf(preview.removed)) queues.add(q);
  const failures: RemovedFailure[] = await findRemovedFailures(cost, [...queues], since);
  for (let round = 0; round < MAX_EXTRA_ROUNDS; round++) {
    const inSubtree = new Set(preview.removed);
    const more = failures.filter((f) => inSubtree.has(f.parentKey) && !inSubtree.has(f.key)).map((f) => f.key);
    if (more.length === 0) break;
    extras = [...extras, ...more];
    preview = await removeJobScript(redis, key, null, extras, cost);
  }
  const written = [key, ...preview.removed, ...(preview.releasedParent ? [preview.releasedParent] : [])];
  cost.add();
  return { preview, extras, layouts: await assertCompatible(redis, queueKeysOf(written), 'Remove job') };
}

/** What removing the job would delete (the job and its whole subtree) and whether its parent would be released. */
export async function previewRemoveJob(redis: RedisClient, prefix: string, key: string, search: SearchOptions = {}): Promise<RemoveJobResult> {
  const cost = new ActionCost(redis);
  return withStats((await guardedRemovePreview(redis, prefix, key, cost, search)).preview, cost);
}

export async function removeJob(redis: RedisClient, prefix: string, key: string, search: SearchOptions = {}): Promise<RemoveJobResult> {
  const cost = new ActionCost(redis);
  const { layouts, extras } = await guardedRemovePreview(redis, prefix, key, cost, search);
  return withStats(await removeJobScript(redis, key, layouts, extras, cost), cost);
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
