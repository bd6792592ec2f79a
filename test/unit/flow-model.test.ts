// The one model of a live flow (shared/flow-model.ts): snapshots, live patches and extra pages,
// applied purely or in place, gaps found, and the default collapse that keeps a big flow's
// canvas small.
import { describe, expect, it } from 'vitest';
import type { Bucket, FlowNode, FlowPatch, FlowTree, TruncatedBucket } from '../../shared/domain';
import { collapseNewParents, defaultCollapsed, keysWithFailureBelow } from '../../renderer/src/features/flow-view/default-collapse';
import {
  applyPatch,
  descendantsOf,
  fromSnapshot,
  mergeChildrenPage,
  naturalCompare,
  pathTo,
  FlowEdit,
  nextPatches,
  patchTree,
  sameNode,
  sameTruncation,
  toTree,
  type FlowData,
} from '../../shared/flow-model';
import { flowNode, flowTree } from '../helpers/flow-nodes';

function node(key: string, parentKey: string | null, extra: Partial<FlowNode> = {}): FlowNode {
  return flowNode(key, { id: key.split(':').pop()!, parentKey, bucket: parentKey ? 'unprocessed' : null, policy: parentKey ? 'none' : null, ...extra });
}

function cut(parentKey: string, bucket: Bucket, shown: number, total: number): TruncatedBucket {
  return { parentKey, bucket, shown, total, nextCursor: shown };
}

function treeOf(nodes: FlowNode[], truncated: TruncatedBucket[] = []): FlowTree {
  return flowTree(nodes, truncated, { ms: 1, roundTrips: 1 });
}

function patch(seq: number, p: Partial<FlowPatch>): FlowPatch {
  return { subscriptionId: 's', seq, upserts: [], removed: [], truncated: [], ...p };
}

// r -> a (-> a1, a2), b
const base = () =>
  fromSnapshot(
    treeOf([node('b:q:r', null), node('b:q:a', 'b:q:r'), node('b:q:b', 'b:q:r'), node('b:q:a1', 'b:q:a'), node('b:q:a2', 'b:q:a')]),
    3,
  );

describe('fromSnapshot', () => {
  it('normalises a tree into jobs, ordered child lists and truncation per parent', () => {
    const data = fromSnapshot(
      treeOf([node('b:q:r', null), node('b:q:a', 'b:q:r'), node('b:q:b', 'b:q:r')], [cut('b:q:r', 'processed', 0, 40)]),
      7,
    );
    expect(data.rootKey).toBe('b:q:r');
    expect(data.seq).toBe(7);
    expect([...data.jobsByKey.keys()]).toEqual(['b:q:r', 'b:q:a', 'b:q:b']);
    expect(data.childKeys.get('b:q:r')).toEqual(['b:q:a', 'b:q:b']);
    expect(data.truncated.get('b:q:r')).toEqual([cut('b:q:r', 'processed', 0, 40)]);
  });

  it('orders siblings by creation time, then name with numbers as numbers, whatever order Redis listed them in', () => {
    const data = fromSnapshot(
      treeOf([
        node('b:q:r', null),
        node('b:q:x', 'b:q:r', { name: 'step-10', timestamp: 5 }),
        node('b:q:y', 'b:q:r', { name: 'step-2', timestamp: 5 }),
        node('b:q:z', 'b:q:r', { name: 'later', timestamp: 9 }),
        node('b:q:w', 'b:q:r', { name: 'first', timestamp: 1 }),
      ]),
    );
    expect(data.childKeys.get('b:q:r')).toEqual(['b:q:w', 'b:q:y', 'b:q:x', 'b:q:z']);
  });

  it('does not list the view root under its own parent, and keeps versions rising across snapshots', () => {
    const first = fromSnapshot(treeOf([node('b:q:mid', 'b:q:top'), node('b:q:leaf', 'b:q:mid')]));
    expect(first.childKeys.has('b:q:top')).toBe(false);
    const second = fromSnapshot(treeOf([node('b:q:mid', 'b:q:top')]), 2, first);
    expect(second.structureVersion).toBeGreaterThan(first.structureVersion);
  });
});

describe('applyPatch', () => {
  it('replaces a changed node without touching the shape or other nodes', () => {
    const data = base();
    const changed = node('b:q:a1', 'b:q:a', { state: 'completed', bucket: 'processed' });
    const next = applyPatch(data, patch(4, { upserts: [changed] }));
    expect(next.seq).toBe(4);
    expect(next.structureVersion).toBe(data.structureVersion);
    expect(next.jobsByKey.get('b:q:a1')).toBe(changed);
    expect(next.jobsByKey.get('b:q:a2')).toBe(data.jobsByKey.get('b:q:a2'));
    expect(next.childKeys).toBe(data.childKeys);
    // Replaced, not mutated: the old state still says what it said.
    expect(next.jobsByKey).not.toBe(data.jobsByKey);
    expect(data.jobsByKey.get('b:q:a1')!.state).toBe('waiting');
  });

  it('adds new children in sibling order and bumps the structure version', () => {
    const data = base();
    const next = applyPatch(data, patch(4, { upserts: [node('b:q:b1', 'b:q:b'), node('b:q:a3', 'b:q:a')] }));
    expect(next.structureVersion).toBe(data.structureVersion + 1);
    expect(next.childKeys.get('b:q:a')).toEqual(['b:q:a1', 'b:q:a2', 'b:q:a3']);
    expect(next.childKeys.get('b:q:b')).toEqual(['b:q:b1']);
    expect(data.childKeys.get('b:q:a')).toEqual(['b:q:a1', 'b:q:a2']);
  });

  it('removes a key with its whole subtree', () => {
    const data = applyPatch(base(), patch(4, { truncated: [{ parentKey: 'b:q:a', entries: [cut('b:q:a', 'processed', 0, 9)] }] }));
    const next = applyPatch(data, patch(5, { removed: ['b:q:a'] }));
    expect([...next.jobsByKey.keys()].sort()).toEqual(['b:q:b', 'b:q:r']);
    expect(next.childKeys.get('b:q:r')).toEqual(['b:q:b']);
    expect(next.childKeys.has('b:q:a')).toBe(false);
    expect(next.truncated.has('b:q:a')).toBe(false);
    expect(next.structureVersion).toBe(data.structureVersion + 1);
  });

  it('moves a node whose parent changed', () => {
    const data = base();
    const next = applyPatch(data, patch(4, { upserts: [node('b:q:a2', 'b:q:b')] }));
    expect(next.childKeys.get('b:q:a')).toEqual(['b:q:a1']);
    expect(next.childKeys.get('b:q:b')).toEqual(['b:q:a2']);
    expect(next.structureVersion).toBe(data.structureVersion + 1);
  });

  it('replaces truncation entries, bumping the version only when a group node appears or goes', () => {
    const data = base();
    const cutOnce = applyPatch(data, patch(4, { truncated: [{ parentKey: 'b:q:b', entries: [cut('b:q:b', 'processed', 0, 10)] }] }));
    expect(cutOnce.structureVersion).toBe(data.structureVersion + 1);
    const moreHidden = applyPatch(cutOnce, patch(5, { truncated: [{ parentKey: 'b:q:b', entries: [cut('b:q:b', 'processed', 0, 12)] }] }));
    expect(moreHidden.structureVersion).toBe(cutOnce.structureVersion);
    expect(moreHidden.truncated.get('b:q:b')![0]!.total).toBe(12);
    const uncut = applyPatch(moreHidden, patch(6, { truncated: [{ parentKey: 'b:q:b', entries: [] }] }));
    expect(uncut.truncated.has('b:q:b')).toBe(false);
    expect(uncut.structureVersion).toBe(moreHidden.structureVersion + 1);
  });

  it('can remove and re-add a key in one patch', () => {
    const next = applyPatch(base(), patch(4, { removed: ['b:q:a1'], upserts: [node('b:q:a1', 'b:q:a', { state: 'active' })] }));
    expect(next.jobsByKey.get('b:q:a1')!.state).toBe('active');
    // Back in its place among its siblings, not at the end.
    expect(next.childKeys.get('b:q:a')).toEqual(['b:q:a1', 'b:q:a2']);
  });
});

describe('mergeChildrenPage', () => {
  it('appends the page, merges repeated keys and replaces only that bucket’s truncation', () => {
    const data = fromSnapshot(
      treeOf([node('b:q:r', null), node('b:q:c1', 'b:q:r')], [cut('b:q:r', 'processed', 1, 4), cut('b:q:r', 'failed', 0, 2)]),
    );
    const next = mergeChildrenPage(data, {
      parentKey: 'b:q:r',
      bucket: 'processed',
      nodes: [node('b:q:c1', 'b:q:r', { state: 'completed' }), node('b:q:c2', 'b:q:r'), node('b:q:c3', 'b:q:r')],
      total: 4,
      nextCursor: 3,
      truncated: [cut('b:q:r', 'processed', 3, 4), cut('b:q:c2', 'unprocessed', 0, 5)],
      stats: { ms: 1, roundTrips: 1, nodes: 3 },
    });
    expect(next.childKeys.get('b:q:r')).toEqual(['b:q:c1', 'b:q:c2', 'b:q:c3']);
    expect(next.jobsByKey.get('b:q:c1')!.state).toBe('completed');
    expect(next.truncated.get('b:q:r')!.map((e) => [e.bucket, e.shown])).toEqual([
      ['failed', 0],
      ['processed', 3],
    ]);
    expect(next.truncated.get('b:q:c2')).toEqual([cut('b:q:c2', 'unprocessed', 0, 5)]);
    expect(next.structureVersion).toBe(data.structureVersion + 1);
  });

  it('drops the bucket’s entry on its last page', () => {
    const data = fromSnapshot(treeOf([node('b:q:r', null)], [cut('b:q:r', 'processed', 0, 1)]));
    const next = mergeChildrenPage(data, {
      parentKey: 'b:q:r',
      bucket: 'processed',
      nodes: [node('b:q:c1', 'b:q:r')],
      total: 1,
      nextCursor: null,
      truncated: [],
      stats: { ms: 1, roundTrips: 1, nodes: 1 },
    });
    expect(next.truncated.has('b:q:r')).toBe(false);
  });
});

describe('naturalCompare', () => {
  it('orders numbers inside names by value', () => {
    const names = ['step-10', 'step-2', 'step-02b', 'Step-1', 'step', 'step-2a', 'a10b3', 'a10b20', 'a9'];
    expect([...names].sort(naturalCompare)).toEqual(['Step-1', 'a9', 'a10b3', 'a10b20', 'step', 'step-2', 'step-2a', 'step-02b', 'step-10']);
    expect(naturalCompare('x', 'x')).toBe(0);
  });
});

describe('tree helpers', () => {
  it('finds descendants and the path from the root', () => {
    const data = base();
    expect(descendantsOf(data, 'b:q:a').sort()).toEqual(['b:q:a1', 'b:q:a2']);
    expect(pathTo(data, 'b:q:a2')).toEqual(['b:q:r', 'b:q:a']);
    expect(pathTo(data, 'b:q:r')).toEqual([]);
    expect(pathTo(data, 'b:q:nope')).toBeNull();
  });
});

/** root -> `wide` children -> `deep` grandchildren each. */
function wideFlow(wide: number, deep: number, failedAt?: number): FlowData {
  const nodes = [node('b:q:root', null)];
  for (let i = 0; i < wide; i++) {
    nodes.push(node(`b:q:c${i}`, 'b:q:root'));
    for (let j = 0; j < deep; j++) {
      nodes.push(node(`b:q:c${i}-${j}`, `b:q:c${i}`, i === failedAt && j === 3 ? { state: 'failed', blocking: true } : {}));
    }
  }
  return fromSnapshot(treeOf(nodes));
}

describe('defaultCollapsed', () => {
  it('opens a small flow completely', () => {
    expect(defaultCollapsed(wideFlow(3, 4)).size).toBe(0);
  });

  it('keeps a 10,000-node flow within its budget, opening parents with failures first', () => {
    const data = wideFlow(100, 99, 57);
    const collapsed = defaultCollapsed(data, 400);
    let visible = 1 + 100;
    for (let i = 0; i < 100; i++) if (!collapsed.has(`b:q:c${i}`)) visible += 99;
    expect(visible).toBeLessThanOrEqual(400);
    expect(collapsed.has('b:q:c57')).toBe(false);
    expect(collapsed.has('b:q:c99')).toBe(true);
    expect(keysWithFailureBelow(data).has('b:q:root')).toBe(true);
  });

  it('collapses new parents that arrive with a page', () => {
    const data = wideFlow(2, 2);
    const next = collapseNewParents(data, ['b:q:c1', 'b:q:c1-0'], new Set());
    expect([...next]).toEqual(['b:q:c1']);
  });
});

describe('one model on both sides', () => {
  it('sameNode compares every field, childCounts included, without serialising', () => {
    const a = node('b:q:a', 'b:q:r');
    expect(sameNode(a, { ...a })).toBe(true);
    expect(sameNode(a, { ...a, state: 'failed' })).toBe(false);
    expect(sameNode(a, { ...a, childCounts: { ...a.childCounts, ignored: 1 } })).toBe(false);
    expect(sameNode(a, { ...a, error: 'job hash is missing' })).toBe(false);
    expect(sameTruncation([cut('p', 'failed', 1, 3)], [cut('p', 'failed', 1, 3)])).toBe(true);
    expect(sameTruncation([cut('p', 'failed', 1, 3)], [cut('p', 'failed', 2, 3)])).toBe(false);
  });

  it('an upsert of the same node changes nothing: the data and its maps stay the same objects', () => {
    const data = base();
    const same = applyPatch(data, patch(4, { upserts: [{ ...data.jobsByKey.get('b:q:a')! }] }));
    expect(same.jobsByKey.get('b:q:a')).toBe(data.jobsByKey.get('b:q:a'));
    expect(same.structureVersion).toBe(data.structureVersion);
    expect(same.seq).toBe(4);
  });

  it('nextPatches takes the run that follows, drops old ones and names a gap', () => {
    expect(nextPatches(3, [patch(5, {}), patch(4, {}), patch(2, {})]).run.map((p) => p.seq)).toEqual([4, 5]);
    const holed = nextPatches(3, [patch(4, {}), patch(7, {})]);
    expect(holed.run.map((p) => p.seq)).toEqual([4]);
    expect(holed.gap).toBe('missed changes 5…6');
    expect(nextPatches(3, []).gap).toBeNull();
  });

  it('an in-place edit writes into the data it was given (the core\'s views) and reports what it removed', () => {
    const data = base();
    const edit = new FlowEdit(data, true);
    expect(edit.upsert(node('b:q:c', 'b:q:r'), data.rootKey)).toBe(true);
    expect(edit.removeSubtree('b:q:a').sort()).toEqual(['b:q:a', 'b:q:a1', 'b:q:a2']);
    expect(edit.removeSubtree('b:q:nope')).toEqual([]);
    edit.setBucketEntry(cut('b:q:r', 'processed', 2, 9));
    edit.setBucketEntry(cut('b:q:r', 'failed', 0, 4));
    edit.setBucketEntry(cut('b:q:r', 'processed', 3, 9));
    const out = edit.finish(9);
    expect(out).toBe(data);
    expect(data.seq).toBe(9);
    expect([...data.jobsByKey.keys()]).toEqual(['b:q:r', 'b:q:b', 'b:q:c']);
    expect(data.childKeys.get('b:q:r')).toEqual(['b:q:b', 'b:q:c']);
    expect(data.truncated.get('b:q:r')).toEqual([cut('b:q:r', 'failed', 0, 4), cut('b:q:r', 'processed', 3, 9)]);
  });

  it('patchTree and toTree give back the contract\'s tree, as a fresh load would list it', () => {
    const tree = treeOf([node('b:q:r', null), node('b:q:a', 'b:q:r'), node('b:q:a1', 'b:q:a')], [cut('b:q:a', 'processed', 1, 5)]);
    const patched = patchTree(tree, [patch(1, { removed: ['b:q:a'] }), patch(2, { upserts: [node('b:q:b', 'b:q:r')] })]);
    expect(patched.nodes.map((n) => n.key)).toEqual(['b:q:r', 'b:q:b']);
    expect(patched.truncated).toEqual([]);
    expect(patched.stats).toEqual({ ms: 1, roundTrips: 1, nodes: 2 });
    expect(toTree(fromSnapshot(tree)).nodes).toEqual(tree.nodes);
  });
});
