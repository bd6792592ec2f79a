// "Retry failed children" (docs/SPEC.md §6) on a parent: preview and real run. Both read the subtree
// level by level (read-subtree.ts: the tree loader's one round trip per level, the parents above,
// the remove-policy search beside it) and plan with a pure function (plan-retry.ts); the preview
// is that plan. The run checks the BullMQ version of every queue it will write
// (version-guard.ts, which also says where each queue keeps runnable jobs when paused), then
// applies the plan in batches of retry-failed-children.lua (all in one round trip), each atomic
// and each re-checking its preconditions. When Redis changed between plan and batch (a worker
// took a parent, someone else retried a child), that batch writes nothing and the action plans
// again from what is now there; batches already applied left a consistent state the next plan
// continues from.
import type { RedisClient } from '../connection/redis-client';
import { FlowscopeError } from '../../../shared/errors';
import { ActionCost, withStats } from './cost';
import { asStrings, luaWriteScript } from './lua-script';
import { queueKeysOf } from '../../../shared/job-keys';
import { assertJobKey } from './job-key';
import retryLua from './retry-failed-children.lua?raw';
import { MAX_UNIT_OPS, packBatches, planRetryYielding, type PlanRetryOptions, type PlanUnit, type RetryOp, type RetryPlan } from './plan-retry';
import { readSubtree } from './read-subtree';
import type { RetryOptions, RetryResult } from './types';
import { CompatGuard, type ScriptLayouts } from './version-guard';

// A test seam: exported for the actions bench (test/bench/actions.bench-run.ts), which times the script alone.
export const RETRY_FAILED_CHILDREN = luaWriteScript('retry-failed-children', retryLua);

/**
 * Operations per script: 500 keep one script to a few ms of Redis time (a retried job is the
 * costliest operation, ~8 µs: HDEL, HMGET, XADD), ~10-20 ms on a loaded machine; a whole atomic
 * unit (MAX_UNIT_OPS) fits in one.
 */
export const RETRY_BATCH_OPS = MAX_UNIT_OPS;
const MAX_ROUNDS = 3;

function opKeys(op: RetryOp): string[] {
  return op.op === 'link' ? [op.child, op.parent] : [op.key];
}

type Segment =
  | [op: 'link' | 'link-waiting' | 'retry', parent: string, from: string, keys: string[]]
  | [op: 'reopen', key: string, from: string, parent: string];

/**
 * A batch as retry-failed-children.lua takes it: in order, a run of links into one parent from
 * one bucket (or of retries under one parent from one state) as one segment naming them once;
 * links that require their parent waiting for children (`parentWaiting`) are `link-waiting`.
 */
export function encodeBatch(batch: RetryOp[]): Segment[] {
  const segments: Segment[] = [];
  for (const op of batch) {
    if (op.op === 'reopen') {
      segments.push(['reopen', op.key, op.from, op.parent]);
      continue;
    }
    const name: 'link' | 'link-waiting' | 'retry' = op.op === 'link' ? (op.parentWaiting ? 'link-waiting' : 'link') : 'retry';
    const [parent, from, key] = op.op === 'link' ? [op.parent, op.from, op.child] : [op.parent, op.from, op.key];
    const last = segments.at(-1);
    if (last && last[0] === name && last[1] === parent && last[2] === from) (last[3] as string[]).push(key);
    else segments.push([name, parent, from, [key]]);
  }
  return segments;
}

/**
 * The plan's batches in waves, each wave sent in one round trip once the one before went
 * through whole. A wave ends after each unit of spilled links (`parentWaiting`: the re-links of
 * a node's children beyond its atomic unit), so a node's retries never go out beside its links
 * that may still fail: were a link batch to meet a changed Redis, the children it did not
 * re-link would stay out of `:dependencies` while their retried siblings finish and release
 * the node early. A plan without spilled links is one wave (one round trip), packed as before.
 */
export function packWaves(units: PlanUnit[], maxOps: number): RetryOp[][][] {
  const waves: RetryOp[][][] = [];
  let group: PlanUnit[] = [];
  const close = () => {
    const batches = packBatches(group, maxOps);
    if (batches.length > 0) waves.push(batches);
    group = [];
  };
  for (const unit of units) {
    group.push(unit);
    if (!unit.atomic && unit.ops.some((op) => op.op === 'link' && op.parentWaiting)) close();
  }
  close();
  return waves;
}

/** A plan, and the guard that has read (or is reading) the verdicts of the queues its snapshot met. */
export interface GuardedPlan {
  plan: RetryPlan;
  guard: CompatGuard;
}

/** Refuses a plan that writes a queue of an untested BullMQ; returns the layout of each queue it writes. */
export async function guardPlan({ plan, guard }: GuardedPlan, action: string): Promise<ScriptLayouts> {
  const keys = new Set<string>();
  for (const unit of plan.units) for (const op of unit.ops) for (const key of opKeys(op)) keys.add(key);
  return guard.assert(queueKeysOf(keys), action);
}

/** Reads the subtree of `start` and plans the retry (one round of the action, or its preview). */
export async function planFrom(
  redis: RedisClient,
  prefix: string,
  start: string,
  options: PlanRetryOptions,
  cost: ActionCost,
): Promise<GuardedPlan> {
  const guard = new CompatGuard(redis, () => cost.add());
  const snapshot = await readSubtree(
    redis,
    prefix,
    start,
    { ancestors: true, removed: true, queues: options.queues, onQueues: (q) => guard.prefetch(q) },
    cost,
  );
  return { plan: await planRetryYielding(snapshot, options), guard };
}

interface Applied {
  retried: string[];
  reopened: string[];
  conflict: { key: string; reason: string } | null;
}

/**
 * Applies a plan's batches, each wave (packWaves: one, unless a node had more re-links than
 * its atomic unit holds) in one pipeline: RedisClient runs them in order, each atomically.
 * Within a wave they do not depend on each other for safety (each reopen / retry re-checks that
 * its parent is waiting for it), so a batch that meets a changed Redis writes nothing and the
 * others still apply; no later wave is sent, and the caller plans again for what is left.
 */
export async function applyRetryPlan(plan: RetryPlan, opts: RetryOptions, layouts: ScriptLayouts, cost: ActionCost): Promise<Applied> {
  const applied: Applied = { retried: [], reopened: [], conflict: null };
  const waves = packWaves(plan.units, RETRY_BATCH_OPS);
  if (waves.length === 0) return applied;
  const now = String(Date.now());
  const reset = opts.keepAttempts ? '0' : '1';
  const layoutArg = JSON.stringify(layouts);
  const encode = (wave: RetryOp[][]) =>
    wave.map((batch) => ({ script: RETRY_FAILED_CHILDREN, keys: [plan.routeKey], args: [now, reset, JSON.stringify(encodeBatch(batch)), layoutArg] }));
  let calls = encode(waves[0]!);
  for (const [w, wave] of waves.entries()) {
    const sent = cost.trips.run(calls);
    // The next wave is encoded while Redis runs this one (it goes out only if this one went through).
    const next = waves[w + 1];
    if (next) calls = encode(next);
    const replies = await sent;
    wave.forEach((batch, i) => {
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
    // The caller plans again for what is left.
    if (applied.conflict) break;
  }
  return applied;
}

/**
 * Plans and applies until a plan goes through whole; what earlier rounds applied is kept in
 * the result. Throws REFUSED (with what was applied so far in `details`) when Redis keeps
 * changing under the action.
 */
/** A retry's preview or run from `start`, named `action` in what it says. */
type RetryAct = (redis: RedisClient, prefix: string, start: string, opts: PlanRetryOptions, action: string) => Promise<RetryResult>;

export const runRetry: RetryAct = async (redis, prefix, start, opts, action) => {
  const cost = new ActionCost(redis);
  const done: RetryResult = { retried: [], reopened: [], skipped: [] };
  let lastConflict: { key: string; reason: string } | null = null;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let plan: RetryPlan;
    let layouts: ScriptLayouts;
    try {
      const guarded = await planFrom(redis, prefix, start, opts, cost);
      plan = guarded.plan;
      layouts = await guardPlan(guarded, action);
    } catch (error) {
      // A later round refused (say, a parent became active): say what earlier rounds did.
      if (round === 0 || !(error instanceof FlowscopeError)) throw error;
      throw new FlowscopeError(
        error.code,
        `${error.message} Before that, ${done.retried.length} job(s) were retried and ${done.reopened.length} reopened.`,
        { ...done, cause: error.details },
      );
    }
    const applied = await applyRetryPlan(plan, opts, layouts, cost);
    done.retried.push(...applied.retried);
    done.reopened.push(...applied.reopened);
    if (!applied.conflict) {
      const acted = new Set([...done.retried, ...done.reopened]);
      done.skipped = plan.result.skipped.filter((s) => !acted.has(s.key));
      return withStats(done, cost);
    }
    lastConflict = applied.conflict;
  }
  throw new FlowscopeError(
    'REFUSED',
    `${action} stopped: ${lastConflict?.key} ${lastConflict?.reason} (Redis kept changing while the action ran). ` +
      `${done.retried.length} retried and ${done.reopened.length} reopened so far; run it again.`,
    { ...done, conflict: lastConflict },
  );
};

/** The preview of a retry: the plan from a fresh read, refused where the run would refuse it. */
export const previewRetry: RetryAct = async (redis, prefix, start, opts, action) => {
  const cost = new ActionCost(redis);
  const guarded = await planFrom(redis, prefix, start, opts, cost);
  await guardPlan(guarded, action);
  return withStats(guarded.plan.result, cost);
};

/**
 * A retry action as the API takes it, through `act` (previewRetry or runRetry): the key checked,
 * then planned in `mode` ('children': Retry failed children; 'job': Retry job).
 */
export const retryAction =
  (act: RetryAct, mode: PlanRetryOptions['mode'], action: string) =>
  async (redis: RedisClient, prefix: string, key: string, opts: RetryOptions = {}): Promise<RetryResult> => {
    // async: a bad key is a rejection, as from any other call of the action
    assertJobKey(prefix, key);
    return act(redis, prefix, key, { ...opts, mode }, action);
  };

export const previewRetryFailedChildren = retryAction(previewRetry, 'children', 'Retry failed children');
export const retryFailedChildren = retryAction(runRetry, 'children', 'Retry failed children');
