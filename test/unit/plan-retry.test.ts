// The retry planner as a pure function: snapshots written by hand (what read-subtree.ts would
// read from Redis), plans checked operation by operation. No Redis.
import { describe, expect, it } from 'vitest';
import { packBatches, planRetry, type RetryOp } from '../../electron/core/actions/plan-retry';
import { missingJob, type BucketKey, type SnapJob, type Snapshot } from '../../electron/core/actions/snapshot';

type Children = Partial<Record<BucketKey, string[]>>;

/** A job `bull:<queue>:<id>` from a short key `<queue>:<id>`. */
const k = (short: string) => `bull:${short}`;

function job(short: string, state: SnapJob['state'], opts: { parent?: string; children?: Children; policy?: SnapJob['policy']; name?: string; timestamp?: number; finishedOn?: number; locked?: boolean; parentBuckets?: BucketKey[] } = {}): SnapJob {
  const children: Record<BucketKey, string[]> = { dependencies: [], processed: [], failed: [], unsuccessful: [] };
  for (const [bucket, keys] of Object.entries(opts.children ?? {})) children[bucket as BucketKey] = keys.map(k);
  const base = missingJob(k(short));
  return {
    ...base,
    exists: true,
    state,
    locked: opts.locked ?? false,
    name: opts.name ?? short.split(':')[0]!,
    timestamp: opts.timestamp ?? 1000,
    finishedOn: opts.finishedOn ?? (state === 'failed' || state === 'completed' ? 2000 : 0),
    parentKey: opts.parent ? k(opts.parent) : null,
    policy: opts.policy ?? 'none',
    counts: {
      dependencies: children.dependencies.length,
      processed: children.processed.length,
      failed: children.failed.length,
      unsuccessful: children.unsuccessful.length,
    },
    children,
    ...(opts.parentBuckets ? { parentBuckets: opts.parentBuckets } : {}),
  };
}

function snapshot(start: string, jobs: SnapJob[], extra: { removed?: Record<string, string[]>; ancestors?: string[] } = {}): Snapshot {
  return {
    start: k(start),
    ancestors: (extra.ancestors ?? []).map(k),
    jobs: new Map(jobs.map((j) => [j.key, j])),
    removed: new Map(Object.entries(extra.removed ?? {}).map(([parent, keys]) => [k(parent), keys.map(k)])),
  };
}

/** r:1 over l:s (completed) and m:1, m:1 over l:a (completed) and l:c (failed): r:1 and m:1 in `state`, listing m:1 and l:c in `bucket`. */
function twoLevelFailure(state: SnapJob['state'], bucket: BucketKey): Snapshot {
  return snapshot('r:1', [
    job('r:1', state, { children: { [bucket]: ['m:1'], processed: ['l:s'] } }),
    job('l:s', 'completed', { parent: 'r:1' }),
    job('m:1', state, { parent: 'r:1', children: { [bucket]: ['l:c'], processed: ['l:a'] } }),
    job('l:a', 'completed', { parent: 'm:1' }),
    job('l:c', 'failed', { parent: 'm:1' }),
  ]);
}

const ops = (plan: ReturnType<typeof planRetry>) => plan.units.map((u) => ({ atomic: u.atomic, ops: u.ops }));
/** An action's answer from short keys: what was retried and reopened, nothing skipped. */
const answer = (retried: string[], reopened: string[] = []) => ({ retried: retried.map(k), reopened: reopened.map(k), skipped: [] });

/** Plans the retry (failed children, or one job) on `snap` and checks its answer and its units; returns the plan. */
function expectPlan(snap: Snapshot, result: ReturnType<typeof answer>, units: ReturnType<typeof ops>, mode: 'children' | 'job' = 'children'): ReturnType<typeof planRetry> {
  const plan = planRetry(snap, { mode });
  expect(plan.result).toEqual(result);
  expect(ops(plan)).toEqual(units);
  return plan;
}
const link = (child: string, parent: string, from: string): RetryOp => ({ op: 'link', child: k(child), parent: k(parent), from } as RetryOp);
const reopen = (key: string, from: string, parent = ''): RetryOp => ({ op: 'reopen', key: k(key), from, parent: parent ? k(parent) : '' } as RetryOp);
const retry = (key: string, parent: string, from = 'failed'): RetryOp => ({ op: 'retry', key: k(key), parent: k(parent), from } as RetryOp);

describe('planRetry: one level', () => {
  it('ignore policy: the completed parent is reopened with the failed child re-linked, then the child retried', () => {
    const snap = snapshot('p:1', [
      job('p:1', 'completed', { children: { processed: ['c:a', 'c:b'], failed: ['c:x'] } }),
      job('c:a', 'completed', { parent: 'p:1' }),
      job('c:b', 'completed', { parent: 'p:1' }),
      job('c:x', 'failed', { parent: 'p:1' }),
    ]);
    const plan = expectPlan(snap, answer(['c:x'], ['p:1']), [
      { atomic: true, ops: [reopen('p:1', 'completed'), link('c:x', 'p:1', 'failed')] },
      { atomic: false, ops: [retry('c:x', 'p:1')] },
    ]);
    expect(plan.routeKey).toBe(k('p:1'));
  });

  it('no policy: the failed child stays in :dependencies, the parent waits already; only the retry', () => {
    const snap = snapshot('p:1', [
      job('p:1', 'waiting-children', { children: { processed: ['c:a'], dependencies: ['c:x', 'c:w'] } }),
      job('c:a', 'completed', { parent: 'p:1' }),
      job('c:x', 'failed', { parent: 'p:1' }),
      job('c:w', 'waiting', { parent: 'p:1' }),
    ]);
    expectPlan(snap, answer(['c:x']), [{ atomic: false, ops: [retry('c:x', 'p:1')] }]);
  });

  it('nothing failed: an empty plan', () => {
    const snap = snapshot('p:1', [job('p:1', 'completed', { children: { processed: ['c:a'] } }), job('c:a', 'completed', { parent: 'p:1' })]);
    expect(planRetry(snap, { mode: 'children' })).toEqual({ routeKey: k('p:1'), result: answer([]), units: [] });
  });

  it('skips what is not a failure of this parent, saying why', () => {
    const snap = snapshot('p:1', [
      job('p:1', 'completed', { children: { failed: ['c:gone', 'c:again', 'c:other', 'c:held'] } }),
      job('c:again', 'waiting', { parent: 'p:1' }),
      job('c:other', 'failed', { parent: 'p:2' }),
      job('c:held', 'failed', { parent: 'p:1', locked: true }),
    ]);
    const plan = planRetry(snap, { mode: 'children' });
    expect(plan.result.retried).toEqual([]);
    expect(plan.result.skipped).toEqual([
      { key: k('c:gone'), reason: `no job hash (removed); its entry stays in ${k('p:1')}` },
      { key: k('c:again'), reason: 'waiting, not failed' },
      { key: k('c:other'), reason: `its parentKey is ${k('p:2')}, not ${k('p:1')}` },
      { key: k('c:held'), reason: 'locked by a worker' },
    ]);
    expect(plan.units).toEqual([]);
  });

  it('supersession: an ignored failure a newer sibling of the same name replaced is skipped, unless asked', () => {
    const snap = snapshot('p:1', [
      job('p:1', 'failed', { children: { failed: ['c:old', 'c:new'] } }),
      job('c:old', 'failed', { parent: 'p:1', name: 'ask', timestamp: 1000, finishedOn: 1500 }),
      job('c:new', 'failed', { parent: 'p:1', name: 'ask', timestamp: 1600, finishedOn: 1700 }),
    ]);
    expect(planRetry(snap, { mode: 'children' }).result).toEqual({
      retried: [k('c:new')],
      reopened: [k('p:1')],
      skipped: [{ key: k('c:old'), reason: `superseded by ${k('c:new')}` }],
    });
    expect(planRetry(snap, { mode: 'children', includeSuperseded: true }).result.retried).toEqual([k('c:old'), k('c:new')]);
  });

  it('refuses an active parent (REFUSED) and answers NOT_FOUND for a missing one', () => {
    const active = snapshot('p:1', [job('p:1', 'active', { children: { failed: ['c:x'] } }), job('c:x', 'failed', { parent: 'p:1' })]);
    expect(() => planRetry(active, { mode: 'children' })).toThrow(expect.objectContaining({ code: 'REFUSED' }));
    expect(() => planRetry(snapshot('p:1', []), { mode: 'children' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('planRetry: the whole subtree', () => {
  it('no policy, a failure two levels down under a child still in waiting-children: retried there (was an empty plan)', () => {
    expectPlan(twoLevelFailure('waiting-children', 'dependencies'), answer(['l:c']), [{ atomic: false, ops: [retry('l:c', 'm:1')] }]);
  });

  it('ignore policy three levels down: every completed job on the way is reopened and re-linked from :processed', () => {
    const snap = snapshot('r:1', [
      job('r:1', 'completed', { children: { processed: ['l:s', 'm:1'] } }),
      job('l:s', 'completed', { parent: 'r:1' }),
      job('m:1', 'completed', { parent: 'r:1', children: { processed: ['s:1'] } }),
      job('s:1', 'completed', { parent: 'm:1', children: { processed: ['l:a'], failed: ['l:c'] } }),
      job('l:a', 'completed', { parent: 's:1' }),
      job('l:c', 'failed', { parent: 's:1' }),
    ]);
    expectPlan(snap, answer(['l:c'], ['r:1', 'm:1', 's:1']), [
      { atomic: true, ops: [reopen('r:1', 'completed'), link('m:1', 'r:1', 'processed')] },
      { atomic: true, ops: [reopen('m:1', 'completed', 'r:1'), link('s:1', 'm:1', 'processed')] },
      { atomic: true, ops: [reopen('s:1', 'completed', 'm:1'), link('l:c', 's:1', 'failed')] },
      { atomic: false, ops: [retry('l:c', 's:1')] },
    ]);
  });

  it('fail-parent cascade: failed jobs re-linked from :unsuccessful and reopened, the leaf retried', () => {
    expectPlan(twoLevelFailure('failed', 'unsuccessful'), answer(['l:c'], ['r:1', 'm:1']), [
      { atomic: true, ops: [reopen('r:1', 'failed'), link('m:1', 'r:1', 'unsuccessful')] },
      { atomic: true, ops: [reopen('m:1', 'failed', 'r:1'), link('l:c', 'm:1', 'unsuccessful')] },
      { atomic: false, ops: [retry('l:c', 'm:1')] },
    ]);
  });

  it('remove policy two levels down: the failure found in no bucket is re-linked from none', () => {
    const snap = snapshot(
      'r:1',
      [
        job('r:1', 'completed', { children: { processed: ['m:1'] } }),
        job('m:1', 'completed', { parent: 'r:1', children: { processed: ['l:a'] } }),
        job('l:a', 'completed', { parent: 'm:1' }),
        job('l:c', 'failed', { parent: 'm:1' }),
      ],
      { removed: { 'm:1': ['l:c'] } },
    );
    const plan = planRetry(snap, { mode: 'children' });
    expect(plan.result).toEqual(answer(['l:c'], ['r:1', 'm:1']));
    expect(plan.units[1]!.ops).toEqual([reopen('m:1', 'completed', 'r:1'), link('l:c', 'm:1', 'none')]);
  });

  it('a remove-policy failure under a leaf-looking job (no bucket at all) is still reached', () => {
    const snap = snapshot(
      'r:1',
      [job('r:1', 'completed', { children: { processed: ['m:1'] } }), job('m:1', 'completed', { parent: 'r:1' }), job('l:c', 'failed', { parent: 'm:1' })],
      { removed: { 'm:1': ['l:c'] } },
    );
    expect(planRetry(snap, { mode: 'children' }).result).toEqual(answer(['l:c'], ['r:1', 'm:1']));
  });

  it('a released child not run yet (waiting) with a failure below it is reopened from waiting', () => {
    const snap = snapshot('r:1', [
      job('r:1', 'waiting-children', { children: { dependencies: ['m:1'] } }),
      job('m:1', 'waiting', { parent: 'r:1', children: { failed: ['l:c'] } }),
      job('l:c', 'failed', { parent: 'm:1' }),
    ]);
    expectPlan(snap, answer(['l:c'], ['m:1']), [
      { atomic: true, ops: [reopen('m:1', 'waiting', 'r:1'), link('l:c', 'm:1', 'failed')] },
      { atomic: false, ops: [retry('l:c', 'm:1')] },
    ]);
  });

  it('an active child is left alone, and says so when failures sit under it', () => {
    const snap = snapshot('r:1', [
      job('r:1', 'waiting-children', { children: { dependencies: ['m:1', 'm:2'] } }),
      job('m:1', 'active', { parent: 'r:1', children: { failed: ['l:c'] } }),
      job('m:2', 'active', { parent: 'r:1' }),
      job('l:c', 'failed', { parent: 'm:1' }),
    ]);
    expect(planRetry(snap, { mode: 'children' }).result).toEqual({
      retried: [],
      reopened: [],
      skipped: [{ key: k('m:1'), reason: 'active (a worker holds it); the failed jobs under it were left alone' }],
    });
  });

  it('a completed child left in :dependencies by a run that stopped half-way is run again (or reopened with work below)', () => {
    const snap = snapshot('r:1', [
      job('r:1', 'waiting-children', { children: { dependencies: ['m:1', 'm:2'] } }),
      job('m:1', 'completed', { parent: 'r:1' }),
      job('m:2', 'completed', { parent: 'r:1', children: { failed: ['l:c'] } }),
      job('l:c', 'failed', { parent: 'm:2' }),
    ]);
    expectPlan(snap, answer(['m:1', 'l:c'], ['m:2']), [
      { atomic: false, ops: [retry('m:1', 'r:1', 'completed')] },
      { atomic: true, ops: [reopen('m:2', 'completed', 'r:1'), link('l:c', 'm:2', 'failed')] },
      { atomic: false, ops: [retry('l:c', 'm:2')] },
    ]);
  });

  it('a cycle or a child listed twice is visited once', () => {
    const snap = snapshot('r:1', [
      job('r:1', 'completed', { children: { failed: ['l:c'], processed: ['m:1'] } }),
      job('m:1', 'completed', { parent: 'r:1', children: { processed: ['r:1'] } }),
      job('l:c', 'failed', { parent: 'r:1' }),
    ]);
    expect(planRetry(snap, { mode: 'children' }).result).toEqual(answer(['l:c'], ['r:1']));
  });
});

describe('planRetry: above the start job', () => {
  it('from a middle job: its completed parent is re-linked and reopened above it', () => {
    const snap = snapshot(
      'm:1',
      [
        job('r:1', 'completed', { children: { processed: ['m:1'] } }),
        job('m:1', 'completed', { parent: 'r:1', parentBuckets: ['processed'], children: { failed: ['l:c'] } }),
        job('l:c', 'failed', { parent: 'm:1' }),
      ],
      { ancestors: ['r:1'] },
    );
    const plan = planRetry(snap, { mode: 'children' });
    expect(plan.result).toEqual(answer(['l:c'], ['m:1', 'r:1']));
    expect(plan.units[0]!.ops).toEqual([
      reopen('m:1', 'completed'),
      link('m:1', 'r:1', 'processed'),
      reopen('r:1', 'completed'),
      link('l:c', 'm:1', 'failed'),
    ]);
  });

  it('refuses an active ancestor that would have to be reopened', () => {
    const snap = snapshot(
      'm:1',
      [
        job('r:1', 'active'),
        job('m:1', 'failed', { parent: 'r:1', parentBuckets: ['failed'], children: { unsuccessful: ['l:c'] } }),
        job('l:c', 'failed', { parent: 'm:1' }),
      ],
      { ancestors: ['r:1'] },
    );
    expect(() => planRetry(snap, { mode: 'children' })).toThrow(expect.objectContaining({ code: 'REFUSED', message: expect.stringContaining(k('r:1')) }));
  });
});

describe('planRetry: retry one job', () => {
  it('a failed child of a completed parent: the parent reopened in the same unit', () => {
    const snap = snapshot(
      'c:x',
      [job('p:1', 'completed', { children: { failed: ['c:x'] } }), job('c:x', 'failed', { parent: 'p:1', parentBuckets: ['failed'] })],
      { ancestors: ['p:1'] },
    );
    expectPlan(snap, answer(['c:x'], ['p:1']), [{ atomic: true, ops: [link('c:x', 'p:1', 'failed'), reopen('p:1', 'completed'), retry('c:x', 'p:1')] }], 'job');
  });

  it('a plain failed job; BAD_REQUEST when it did not fail, NOT_FOUND when missing', () => {
    expect(planRetry(snapshot('q:1', [job('q:1', 'failed')]), { mode: 'job' }).units).toEqual([
      { atomic: true, ops: [{ op: 'retry', key: k('q:1'), parent: '', from: 'failed' }] },
    ]);
    expect(() => planRetry(snapshot('q:1', [job('q:1', 'completed')]), { mode: 'job' })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => planRetry(snapshot('q:1', []), { mode: 'job' })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('packBatches', () => {
  it('packs about maxOps operations per batch, in order, splitting only non-atomic units', () => {
    const unit = (n: number, atomic = true) => ({ atomic, ops: Array.from({ length: n }, (_, i) => retry(`c:${n}-${i}`, 'p:1')) });
    const batches = packBatches([unit(3), unit(1, false), unit(4), unit(1, false), unit(1, false)], 5);
    expect(batches.map((b) => b.length)).toEqual([4, 5, 1]);
    expect(packBatches([unit(7)], 5).map((b) => b.length)).toEqual([7]);
    expect(packBatches([unit(2), unit(12, false)], 5).map((b) => b.length)).toEqual([5, 5, 4]);
    expect(packBatches([unit(2), unit(12, false)], 5).flat()).toEqual([...unit(2).ops, ...unit(12, false).ops]);
    expect(packBatches([], 5)).toEqual([]);
  });

  it('a fan-out: the reopen with every re-link in one unit, the retries in one unit after it', () => {
    const children = Array.from({ length: 4 }, (_, i) => `c:${i}`);
    const snap = snapshot('p:1', [
      job('p:1', 'completed', { children: { failed: children } }),
      ...children.map((c) => job(c, 'failed', { parent: 'p:1' })),
    ]);
    const plan = planRetry(snap, { mode: 'children' });
    expect(ops(plan)).toEqual([
      { atomic: true, ops: [reopen('p:1', 'completed'), ...children.map((c) => link(c, 'p:1', 'failed'))] },
      { atomic: false, ops: children.map((c) => retry(c, 'p:1')) },
    ]);
    expect(packBatches(plan.units, 3).map((b) => b.length)).toEqual([5, 3, 1]);
  });
});
