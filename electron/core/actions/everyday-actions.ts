// The everyday actions (SPEC §6): retry one failed job, remove one job with its subtree, promote
// a delayed job. Retrying a child goes through the same planner as "retry failed children", so
// a parent that already left waiting-children is reopened (with its ancestors) in the same
// script that makes the child runnable: BullMQ's Job.retry() leaves such a parent where it is,
// and the retried child's result then lands in `:processed` with nobody to aggregate it.
import type { RedisClient } from '../connection/redis-client';
import { FlowscopeError } from '../../../shared/errors';
import { assertJobKey, queueKeysOf } from './job-key';
import { asStrings, luaWriteScript, runScript } from './lua-script';
import promoteLua from './promote-job.lua?raw';
import removeJobLua from './remove-job.lua?raw';
import removeSubtreeLua from './remove-subtree.lua?raw';
import queueMetaLua from './queue-meta.lua?raw';
import { guardPlan, runRetry } from './retry-failed-children';
import { RetryPlanner } from './retry-plan';
import type { PromoteResult, RemoveJobResult, RetryOptions, RetryResult } from './types';
import { assertCompatible, type ScriptLayouts } from './version-guard';

const REMOVE_JOB = luaWriteScript('remove-job', queueMetaLua, removeSubtreeLua, removeJobLua);
const PROMOTE_JOB = luaWriteScript('promote-job', queueMetaLua, promoteLua);

export async function previewRetryJob(redis: RedisClient, prefix: string, key: string, opts: RetryOptions = {}): Promise<RetryResult> {
  assertJobKey(prefix, key);
  const plan = await new RetryPlanner(redis, prefix, opts).forJob(key);
  await guardPlan(redis, plan, 'Retry job');
  return plan.result;
}

/** A failed job back to wait; with failed children of its own it is reopened instead, like a failed child in a cascade. */
export async function retryJob(redis: RedisClient, prefix: string, key: string, opts: RetryOptions = {}): Promise<RetryResult> {
  assertJobKey(prefix, key);
  return runRetry(redis, () => new RetryPlanner(redis, prefix, opts).forJob(key), opts, 'Retry job');
}

/** A dry run with `layouts` null (it writes nothing); a real run with the guard's layouts. */
async function removeJobScript(redis: RedisClient, key: string, layouts: ScriptLayouts | null): Promise<RemoveJobResult> {
  const reply = await runScript(redis, REMOVE_JOB, [key], [layouts === null ? '1' : '0', String(Date.now()), JSON.stringify(layouts ?? {})]);
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
async function guardedRemovePreview(redis: RedisClient, prefix: string, key: string) {
  assertJobKey(prefix, key);
  const preview = await removeJobScript(redis, key, null);
  const written = [key, ...preview.removed, ...(preview.releasedParent ? [preview.releasedParent] : [])];
  return { preview, layouts: await assertCompatible(redis, queueKeysOf(written), 'Remove job') };
}

/** What removing the job would delete (the job and its whole subtree) and whether its parent would be released. */
export async function previewRemoveJob(redis: RedisClient, prefix: string, key: string): Promise<RemoveJobResult> {
  return (await guardedRemovePreview(redis, prefix, key)).preview;
}

export async function removeJob(redis: RedisClient, prefix: string, key: string): Promise<RemoveJobResult> {
  const { layouts } = await guardedRemovePreview(redis, prefix, key);
  return removeJobScript(redis, key, layouts);
}

export async function promoteJob(redis: RedisClient, prefix: string, key: string): Promise<PromoteResult> {
  assertJobKey(prefix, key);
  const layouts = await assertCompatible(redis, queueKeysOf([key]), 'Promote job');
  const [status, state] = asStrings(await runScript(redis, PROMOTE_JOB, [key], [JSON.stringify(layouts)]));
  if (status === 'missing') throw new FlowscopeError('NOT_FOUND', `No job ${key}.`, { key });
  if (status === 'not-delayed') throw new FlowscopeError('BAD_REQUEST', `Job ${key} is not delayed.`, { key });
  return { promoted: key, state: state === 'prioritized' ? 'prioritized' : 'waiting' };
}
