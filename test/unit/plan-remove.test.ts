// The remove-unprocessed planner as a pure function over hand-written snapshots. No Redis.
import { describe, expect, it } from 'vitest';
import { planRemoveUnprocessed } from '../../electron/core/actions/plan-remove';
import { missingJob, type BucketKey, type SnapJob, type Snapshot } from '../../electron/core/actions/snapshot';

const k = (short: string) => `bull:${short}`;

function job(short: string, state: SnapJob['state'], children: Partial<Record<BucketKey, string[]>> = {}, locked = false): SnapJob {
  const lists: Record<BucketKey, string[]> = { dependencies: [], processed: [], failed: [], unsuccessful: [] };
  for (const [bucket, keys] of Object.entries(children)) lists[bucket as BucketKey] = keys.map(k);
  return {
    ...missingJob(k(short)),
    exists: true,
    state,
    locked,
    counts: { dependencies: lists.dependencies.length, processed: lists.processed.length, failed: lists.failed.length, unsuccessful: lists.unsuccessful.length },
    children: lists,
  };
}

const snapshot = (jobs: SnapJob[], ancestors: string[] = []): Snapshot => ({
  start: k('p:1'),
  ancestors: ancestors.map(k),
  jobs: new Map(jobs.map((j) => [j.key, j])),
  removed: new Map(),
});

describe('planRemoveUnprocessed', () => {
  it('removes what has not started (with its subtree, children first), keeps active, failed, completed and guarded children', () => {
    const snap = snapshot([
      job('p:1', 'waiting-children', { dependencies: ['i:w', 'i:d', 'i:sub', 'i:act', 'i:f', 'i:done', 'i:guarded', 'i:gone'] }),
      job('i:w', 'waiting'),
      job('i:d', 'delayed'),
      job('i:sub', 'waiting-children', { dependencies: ['i:g1'], processed: ['i:g2'] }),
      job('i:g1', 'waiting'),
      job('i:g2', 'completed'),
      job('i:act', 'waiting', {}, true),
      job('i:f', 'failed'),
      job('i:done', 'completed'),
      job('i:guarded', 'waiting-children', { dependencies: ['b:gact'] }),
      job('b:gact', 'active'),
    ]);
    const plan = planRemoveUnprocessed(snap);
    expect(plan.result).toEqual({
      removed: [k('i:w'), k('i:d'), k('i:g1'), k('i:g2'), k('i:sub')],
      skipped: [
        { key: k('i:act'), reason: 'active (a worker holds it)' },
        { key: k('i:f'), reason: 'failed with no policy: it blocks the parent until it is retried or removed' },
        { key: k('i:done'), reason: 'completed' },
        { key: k('i:guarded'), reason: `has an active job under it (${k('b:gact')}); removing it would orphan that job` },
      ],
      stillBlocking: [k('i:act'), k('i:f'), k('i:done'), k('i:guarded')],
      releasesParent: false,
    });
    expect(plan.items).toEqual([
      { key: k('i:w'), state: 'waiting', leaf: true, subtree: [k('i:w')], extras: [] },
      { key: k('i:d'), state: 'delayed', leaf: true, subtree: [k('i:d')], extras: [] },
      { key: k('i:sub'), state: 'waiting-children', leaf: false, subtree: [k('i:g1'), k('i:g2'), k('i:sub')], extras: [] },
      { key: k('i:gone'), state: 'missing', leaf: true, subtree: [], extras: [] },
    ]);
  });

  it("takes a removed child's failed remove-policy children (in no bucket) with it, at any depth; never the parent's own", () => {
    const snap = snapshot([
      job('p:1', 'waiting-children', { dependencies: ['i:sub', 'i:w'] }),
      job('i:sub', 'waiting-children', { dependencies: ['i:g1'] }),
      job('i:g1', 'waiting'),
      job('r:x', 'failed'),
      job('r:y', 'failed'),
      job('r:z', 'failed'),
      // Had only remove-policy children: no bucket left, so it would have been planned as a leaf.
      job('i:w', 'waiting'),
      job('r:own', 'failed'),
    ]);
    snap.removed.set(k('i:sub'), [k('r:x')]);
    snap.removed.set(k('r:x'), [k('r:y')]);
    snap.removed.set(k('i:w'), [k('r:z')]);
    snap.removed.set(k('p:1'), [k('r:own')]);
    const plan = planRemoveUnprocessed(snap);
    expect(plan.items).toEqual([
      // In the order the script removes them: the remove-policy failures round by round, then the bucket walk.
      { key: k('i:sub'), state: 'waiting-children', leaf: false, subtree: [k('r:x'), k('r:y'), k('i:g1'), k('i:sub')], extras: [k('r:x'), k('r:y')] },
      { key: k('i:w'), state: 'waiting', leaf: false, subtree: [k('r:z'), k('i:w')], extras: [k('r:z')] },
    ]);
    expect(plan.result.removed).not.toContain(k('r:own'));
  });

  it('releases a waiting-children parent when every pending child goes (a dangling entry counts)', () => {
    const snap = snapshot([job('p:1', 'waiting-children', { dependencies: ['i:w', 'i:gone'] }), job('i:w', 'prioritized')]);
    const plan = planRemoveUnprocessed(snap);
    expect(plan.result.releasesParent).toBe(true);
    expect(plan.result.removed).toEqual([k('i:w')]);
  });

  it('never walks into the parent or its ancestors, whatever a bucket lists', () => {
    const snap = snapshot(
      [job('p:1', 'waiting-children', { dependencies: ['i:c'] }), job('i:c', 'waiting-children', { processed: ['p:1', 'r:1'] }), job('r:1', 'waiting-children')],
      ['r:1'],
    );
    expect(planRemoveUnprocessed(snap).result.removed).toEqual([k('i:c')]);
  });

  it('nothing pending: nothing to do, the parent stays; NOT_FOUND for a missing parent', () => {
    expect(planRemoveUnprocessed(snapshot([job('p:1', 'completed')])).result).toEqual({ removed: [], skipped: [], stillBlocking: [], releasesParent: false });
    expect(() => planRemoveUnprocessed(snapshot([]))).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
