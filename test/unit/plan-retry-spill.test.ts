// A fan-out wider than one script's share (MAX_UNIT_OPS): the node's reopen keeps the first
// re-links in its atomic unit, the rest follow as links that require the node waiting for
// children, so no batch is bigger than RETRY_BATCH_OPS (a 20,000-child unit was one script of
// ~120 ms). The waves: a node's retries go out only after its last spilled link. No Redis.
import { describe, expect, it } from 'vitest';
import { MAX_UNIT_OPS, packBatches, planRetry, type RetryOp } from '../../electron/core/actions/plan-retry';
import { encodeBatch, packWaves, RETRY_BATCH_OPS } from '../../electron/core/actions/retry-failed-children';
import { missingJob, type SnapJob, type Snapshot } from '../../electron/core/actions/snapshot';

const k = (short: string) => `bull:${short}`;

function job(short: string, state: SnapJob['state'], extra: Partial<SnapJob> = {}): SnapJob {
  return { ...missingJob(k(short)), exists: true, state, name: short.split(':')[0]!, timestamp: 1000, finishedOn: 2000, ...extra };
}

/** A completed parent `p:1` with `failed` ignored failed children and `done` processed ones. */
function fanOut(failed: number, done = 0, parent = 'p:1', parentState: SnapJob['state'] = 'completed'): Snapshot {
  const failedKeys = Array.from({ length: failed }, (_, i) => k(`c:f${i}`));
  const doneKeys = Array.from({ length: done }, (_, i) => k(`c:d${i}`));
  const children = { dependencies: [], processed: doneKeys, failed: failedKeys, unsuccessful: [] };
  const jobs = [
    job(parent, parentState, { children, counts: { dependencies: 0, processed: done, failed, unsuccessful: 0 } }),
    ...failedKeys.map((key) => job(key.slice(5), 'failed', { parentKey: k(parent) })),
    ...doneKeys.map((key) => job(key.slice(5), 'completed', { parentKey: k(parent), brief: true, state: 'unknown' })),
  ];
  return { start: k(parent), ancestors: [], jobs: new Map(jobs.map((j) => [j.key, j])), removed: new Map() };
}

describe('planRetry: a node with more re-links than one unit holds', () => {
  it('keeps the reopen and the first links atomic; the rest are links that need the parent waiting', () => {
    const plan = planRetry(fanOut(2500, 100), { mode: 'children' });
    expect(plan.units.map((u) => [u.atomic, u.ops.length])).toEqual([
      [true, MAX_UNIT_OPS],
      [false, 2500 - (MAX_UNIT_OPS - 1)],
      [false, 2500],
    ]);
    const [head, spilled] = plan.units;
    expect(head!.ops[0]).toEqual({ op: 'reopen', key: k('p:1'), from: 'completed', parent: '' });
    expect(head!.ops.slice(1).every((op) => op.op === 'link' && !op.parentWaiting)).toBe(true);
    expect(spilled!.ops.every((op) => op.op === 'link' && op.parentWaiting === true && op.parent === k('p:1'))).toBe(true);
    // Every failed child re-linked once, in order.
    const linked = [...head!.ops.slice(1), ...spilled!.ops].map((op) => (op as Extract<RetryOp, { op: 'link' }>).child);
    expect(linked).toEqual(Array.from({ length: 2500 }, (_, i) => k(`c:f${i}`)));
    expect(plan.result.retried).toHaveLength(2500);
    expect(plan.result.reopened).toEqual([k('p:1')]);
  });

  it('packs no batch over RETRY_BATCH_OPS, even for 20,000 failed children (one batch of 20,001 before)', () => {
    const plan = planRetry(fanOut(20_000), { mode: 'children' });
    const batches = packBatches(plan.units, RETRY_BATCH_OPS);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(RETRY_BATCH_OPS);
    expect(batches.flat()).toHaveLength(40_001);
  });

  it('a parent already waiting for children: no reopen, the first MAX_UNIT_OPS links atomic', () => {
    const plan = planRetry(fanOut(1500, 0, 'p:1', 'waiting-children'), { mode: 'children' });
    expect(plan.units.map((u) => [u.atomic, u.ops.length])).toEqual([
      [true, MAX_UNIT_OPS],
      [false, 1500 - MAX_UNIT_OPS],
      [false, 1500],
    ]);
    expect(plan.result.reopened).toEqual([]);
  });

  it('a small fan-out is planned as before: one atomic unit, no link needing a waiting parent', () => {
    const plan = planRetry(fanOut(10, 10), { mode: 'children' });
    expect(plan.units.map((u) => [u.atomic, u.ops.length])).toEqual([
      [true, 11],
      [false, 10],
    ]);
    expect(plan.units.flatMap((u) => u.ops).some((op) => op.op === 'link' && op.parentWaiting)).toBe(false);
  });
});

describe('encodeBatch and packWaves', () => {
  const link = (child: string, parentWaiting = false): RetryOp => ({ op: 'link', child: k(child), parent: k('p:1'), from: 'failed', ...(parentWaiting ? { parentWaiting: true as const } : {}) });
  const retry = (key: string): RetryOp => ({ op: 'retry', key: k(key), parent: k('p:1'), from: 'failed' });

  it('names links that need their parent waiting apart from plain ones', () => {
    expect(encodeBatch([link('c:1'), link('c:2'), link('c:3', true), link('c:4', true), retry('c:1')])).toEqual([
      ['link', k('p:1'), 'failed', [k('c:1'), k('c:2')]],
      ['link-waiting', k('p:1'), 'failed', [k('c:3'), k('c:4')]],
      ['retry', k('p:1'), 'failed', [k('c:1')]],
    ]);
  });

  it('cuts the plan into waves after each unit of spilled links; one wave, packed as before, without any', () => {
    const small = planRetry(fanOut(10, 10), { mode: 'children' });
    expect(packWaves(small.units, RETRY_BATCH_OPS)).toEqual([packBatches(small.units, RETRY_BATCH_OPS)]);
    const plan = planRetry(fanOut(2500), { mode: 'children' });
    const waves = packWaves(plan.units, RETRY_BATCH_OPS);
    // Batches of RETRY_BATCH_OPS: the reopen with the first links, the other 2,500 - (MAX_UNIT_OPS - 1) links; then the 2,500 retries.
    const sizes = (n: number) => [...Array.from({ length: Math.floor(n / RETRY_BATCH_OPS) }, () => RETRY_BATCH_OPS), ...(n % RETRY_BATCH_OPS ? [n % RETRY_BATCH_OPS] : [])];
    expect(waves.map((w) => w.map((b) => b.length))).toEqual([[MAX_UNIT_OPS, ...sizes(2500 - (MAX_UNIT_OPS - 1))], sizes(2500)]);
    // The first wave re-links every child and retries none; the second retries them all.
    expect(waves[0]!.flat().every((op) => op.op !== 'retry')).toBe(true);
    expect(waves[1]!.flat().every((op) => op.op === 'retry')).toBe(true);
    expect(waves.flat(2)).toEqual(plan.units.flatMap((u) => u.ops));
  });
});
