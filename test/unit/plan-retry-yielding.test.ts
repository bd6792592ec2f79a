// The planner in slices: planRetryYielding plans what planRetry plans, and lets the event loop
// run while it plans a big subtree (20,000 failed children), so a host answering other calls is
// not held for the whole plan (issue 12: ~0.7 s of blocked event loop before the planner rewrite).
import { describe, expect, it } from 'vitest';
import { planRetry, planRetryYielding } from '../../electron/core/actions/plan-retry';
import { missingJob, type SnapJob, type Snapshot } from '../../electron/core/actions/snapshot';

/** A completed parent with `failed` ignored (`:failed`) children and `processed` completed ones. */
function bigSnapshot(failed: number, processed: number): Snapshot {
  const parent = 'bull:parents:1';
  const jobs = new Map<string, SnapJob>();
  const lists = { failed: [] as string[], processed: [] as string[] };
  for (let i = 0; i < failed + processed; i++) {
    const key = `bull:items:${i}`;
    const isFailed = i < failed;
    (isFailed ? lists.failed : lists.processed).push(key);
    jobs.set(key, {
      ...missingJob(key),
      exists: true,
      state: isFailed ? 'failed' : 'unknown',
      name: 'item',
      timestamp: 1_000,
      finishedOn: isFailed ? 2_000 + i : 0,
      parentKey: isFailed ? parent : null,
      ...(isFailed ? {} : { brief: true }),
    });
  }
  jobs.set(parent, {
    ...missingJob(parent),
    exists: true,
    state: 'completed',
    name: 'parent',
    timestamp: 900,
    counts: { dependencies: 0, processed, failed, unsuccessful: 0 },
    children: { dependencies: [], processed: lists.processed, failed: lists.failed, unsuccessful: [] },
    parentBuckets: [],
  });
  return { start: parent, ancestors: [], jobs, removed: new Map() };
}

describe('planRetryYielding', () => {
  it('plans 20,000 failed children as planRetry does, letting the event loop run in between', async () => {
    const snap = bigSnapshot(20_000, 5_000);
    let ticks = 0;
    let planned = false;
    const tick = () => {
      ticks++;
      if (!planned) setImmediate(tick);
    };
    setImmediate(tick);
    const plan = await planRetryYielding(snap, { mode: 'children' });
    planned = true;
    expect(plan).toEqual(planRetry(snap, { mode: 'children' }));
    expect(plan.result.retried).toHaveLength(20_000);
    // 25,000 candidates, a pause every 1,000: the loop ran between the slices.
    expect(ticks).toBeGreaterThanOrEqual(20);
  });

  it('throws what planRetry throws', async () => {
    const snap = bigSnapshot(10, 0);
    snap.jobs.get(snap.start)!.state = 'active';
    await expect(planRetryYielding(snap, { mode: 'children' })).rejects.toMatchObject({ code: 'REFUSED' });
  });
});
