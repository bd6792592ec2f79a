// "Retry failed children" (SPEC §6) on a parent: preview and real run. The run plans from reads
// (retry-plan.ts), checks the BullMQ version of every queue it will write (version-guard.ts,
// which also says where each queue keeps runnable jobs when paused), then applies the plan in
// batches of retry-failed-children.lua (one pipeline), each atomic and each re-checking
// its preconditions. When Redis changed between plan and batch (a worker took a parent, someone
// else retried a child), that batch writes nothing and the action plans again from what is now
// there; batches already applied left a consistent state the next plan continues from.
import type { RedisClient } from '../connection/redis-client';
import { FlowscopeError } from '../../../shared/errors';
import { asStrings, luaWriteScript, runScripts } from './lua-script';
import { assertJobKey, queueKeysOf } from './job-key';
import retryLua from './retry-failed-children.lua?raw';
import queueMetaLua from './queue-meta.lua?raw';
import { packBatches, RetryPlanner, type RetryOp, type RetryPlan } from './retry-plan';
import type { RetryOptions, RetryResult } from './types';
import { assertCompatible, type ScriptLayouts } from './version-guard';

const RETRY_FAILED_CHILDREN = luaWriteScript('retry-failed-children', queueMetaLua, retryLua);

/** Operations per script: ~1,000 keep one script to a few tens of ms of Redis time on a slow machine. */
export const RETRY_BATCH_OPS = 1000;
const MAX_ROUNDS = 3;

function opKeys(op: RetryOp): string[] {
  return op.op === 'link' ? [op.child, op.parent] : [op.key];
}

function encode(op: RetryOp): string[] {
  switch (op.op) {
    case 'link':
      return ['link', op.child, op.parent, op.from];
    case 'reopen':
      return ['reopen', op.key, op.from, op.parent];
    case 'retry':
      return ['retry', op.key, op.parent, ''];
  }
}

/** Refuses a plan that writes a queue of an untested BullMQ; returns the layout of each queue it writes. */
export async function guardPlan(redis: RedisClient, plan: RetryPlan, action: string): Promise<ScriptLayouts> {
  return assertCompatible(redis, queueKeysOf(plan.units.flatMap((u) => u.ops.flatMap(opKeys))), action);
}

interface Applied {
  retried: string[];
  reopened: string[];
  conflict: { key: string; reason: string } | null;
}

/**
 * Applies a plan's batches, all in one pipeline: RedisClient runs them in order, each atomically.
 * They do not depend on each other for safety (each reopen / retry re-checks that its parent
 * is waiting for it), so a batch that meets a changed Redis writes nothing and the others
 * still apply; the caller plans again for what is left.
 */
export async function applyRetryPlan(redis: RedisClient, plan: RetryPlan, opts: RetryOptions, layouts: ScriptLayouts): Promise<Applied> {
  const applied: Applied = { retried: [], reopened: [], conflict: null };
  const batches = packBatches(plan.units, RETRY_BATCH_OPS);
  if (batches.length === 0) return applied;
  const now = String(Date.now());
  const reset = opts.keepAttempts ? '0' : '1';
  const layoutArg = JSON.stringify(layouts);
  const replies = await runScripts(
    redis,
    RETRY_FAILED_CHILDREN,
    batches.map((batch) => ({ keys: [plan.routeKey], args: [now, reset, JSON.stringify(batch.map(encode)), layoutArg] })),
  );
  batches.forEach((batch, i) => {
    const reply = asStrings(replies[i]);
    if (reply[0] !== 'ok') {
      applied.conflict ??= { key: reply[1] ?? '', reason: reply[2] ?? 'changed' };
      return;
    }
    for (const op of batch) {
      if (op.op === 'retry') applied.retried.push(op.key);
      if (op.op === 'reopen') applied.reopened.push(op.key);
    }
  });
  return applied;
}

/**
 * Plans and applies until a plan goes through whole; what earlier rounds applied is kept in
 * the result. Throws REFUSED (with what was applied so far in `details`) when Redis keeps
 * changing under the action.
 */
export async function runRetry(
  redis: RedisClient,
  makePlan: () => Promise<RetryPlan>,
  opts: RetryOptions,
  action: string,
): Promise<RetryResult> {
  const done: RetryResult = { retried: [], reopened: [], skipped: [] };
  let lastConflict: { key: string; reason: string } | null = null;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let plan: RetryPlan;
    let layouts: ScriptLayouts;
    try {
      plan = await makePlan();
      layouts = await guardPlan(redis, plan, action);
    } catch (error) {
      // A later round refused (say, a parent became active): say what earlier rounds did.
      if (round === 0 || !(error instanceof FlowscopeError)) throw error;
      throw new FlowscopeError(
        error.code,
        `${error.message} Before that, ${done.retried.length} job(s) were retried and ${done.reopened.length} reopened.`,
        { ...done, cause: error.details },
      );
    }
    const applied = await applyRetryPlan(redis, plan, opts, layouts);
    done.retried.push(...applied.retried);
    done.reopened.push(...applied.reopened);
    if (!applied.conflict) {
      const acted = new Set([...done.retried, ...done.reopened]);
      done.skipped = plan.result.skipped.filter((s) => !acted.has(s.key));
      return done;
    }
    lastConflict = applied.conflict;
  }
  throw new FlowscopeError(
    'REFUSED',
    `${action} stopped: ${lastConflict?.key} ${lastConflict?.reason} (RedisClient kept changing while the action ran). ` +
      `${done.retried.length} retried and ${done.reopened.length} reopened so far; run it again.`,
    { ...done, conflict: lastConflict },
  );
}

export async function previewRetryFailedChildren(
  redis: RedisClient,
  prefix: string,
  parentKey: string,
  opts: RetryOptions = {},
): Promise<RetryResult> {
  assertJobKey(prefix, parentKey);
  const plan = await new RetryPlanner(redis, prefix, opts).forChildren(parentKey);
  await guardPlan(redis, plan, 'Retry failed children');
  return plan.result;
}

export async function retryFailedChildren(
  redis: RedisClient,
  prefix: string,
  parentKey: string,
  opts: RetryOptions = {},
): Promise<RetryResult> {
  assertJobKey(prefix, parentKey);
  return runRetry(redis, () => new RetryPlanner(redis, prefix, opts).forChildren(parentKey), opts, 'Retry failed children');
}
