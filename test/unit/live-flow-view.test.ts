// The core's live view model without Redis: the per-bucket child counts it keeps up to date as
// children move (a refresh compares them with the counts read), and the read each node's data
// comes from (overlapping refreshes must not let an older read win).
import { describe, expect, it } from 'vitest';
import type { Bucket, FlowNode } from '../../shared/domain';
import { LiveFlowView } from '../../electron/core/live/flow-view';
import { flowNode, flowTree } from '../helpers/flow-nodes';

function node(key: string, parentKey: string | null, bucket: Bucket | null = parentKey ? 'unprocessed' : null, extra: Partial<FlowNode> = {}): FlowNode {
  return flowNode(key, { id: key.split(':').pop()!, parentKey, bucket, policy: parentKey ? 'none' : null, depth: parentKey ? 1 : 0, ...extra });
}

/** A view of r with children a, b, c (unprocessed) and a1 below a. */
function view(): LiveFlowView {
  const v = new LiveFlowView('s1', 'session', { queue: 'q', jobId: 'r', depth: 3, pageSize: 10 });
  v.reset(flowTree([node('b:q:r', null), node('b:q:a', 'b:q:r'), node('b:q:b', 'b:q:r'), node('b:q:c', 'b:q:r'), node('b:q:a1', 'b:q:a', 'unprocessed', { depth: 2 })], [], { ms: 1, roundTrips: 1 }));
  return v;
}

/** What childrenPerBucket must say: one pass over the children in view. */
function counted(v: LiveFlowView, parentKey: string): Record<Bucket, number> {
  const counts: Record<Bucket, number> = { processed: 0, unprocessed: 0, failed: 0, ignored: 0 };
  for (const child of v.children.get(parentKey) ?? []) counts[v.nodes.get(child)!.bucket!]++;
  return counts;
}

describe('the live view model', () => {
  it('keeps per-bucket child counts right as children move, come and go', () => {
    const v = view();
    expect(v.childrenPerBucket('b:q:r')).toEqual({ processed: 0, unprocessed: 3, failed: 0, ignored: 0 });
    v.put(node('b:q:a', 'b:q:r', 'processed', { state: 'completed' }));
    v.put(node('b:q:b', 'b:q:r', 'failed', { state: 'failed' }));
    expect(v.childrenPerBucket('b:q:r')).toEqual({ processed: 1, unprocessed: 1, failed: 1, ignored: 0 });
    // The same node again changes nothing.
    v.put(node('b:q:a', 'b:q:r', 'processed', { state: 'completed' }));
    expect(v.childrenPerBucket('b:q:r')).toEqual(counted(v, 'b:q:r'));
    // A new child, a removed one, a child moved to another parent, a page taken in.
    v.put(node('b:q:d', 'b:q:r', 'ignored'));
    expect(v.childrenPerBucket('b:q:r')).toEqual({ processed: 1, unprocessed: 1, failed: 1, ignored: 1 });
    v.removeSubtree('b:q:b');
    expect(v.childrenPerBucket('b:q:r')).toEqual({ processed: 1, unprocessed: 1, failed: 0, ignored: 1 });
    expect(v.childrenPerBucket('b:q:a')).toEqual({ processed: 0, unprocessed: 1, failed: 0, ignored: 0 });
    v.put(node('b:q:a1', 'b:q:c', 'processed', { depth: 2 }));
    expect(v.childrenPerBucket('b:q:a')).toEqual(counted(v, 'b:q:a'));
    expect(v.childrenPerBucket('b:q:c')).toEqual({ processed: 1, unprocessed: 0, failed: 0, ignored: 0 });
    v.adoptPage({ parentKey: 'b:q:r', bucket: 'processed', nodes: [node('b:q:e', 'b:q:r', 'processed')], truncated: [], nextCursor: null, total: 2, stats: { ms: 1, roundTrips: 1, nodes: 1 } });
    expect(v.childrenPerBucket('b:q:r')).toEqual(counted(v, 'b:q:r'));
    expect(v.childrenPerBucket('b:q:r').processed).toBe(2);
  });

  it('tells a record from an older read than the one a node in view comes from', () => {
    const v = view();
    const first = v.nextRead();
    const second = v.nextRead();
    expect(second).toBeGreaterThan(first);
    expect(v.readLater('b:q:a', first)).toBe(false);
    v.readAt('b:q:a', second);
    expect(v.readLater('b:q:a', first)).toBe(true);
    expect(v.readLater('b:q:a', second)).toBe(false);
    expect(v.readLater('b:q:b', first)).toBe(false);
    // A node that left the view forgets its read; a reload forgets them all.
    v.removeSubtree('b:q:a');
    expect(v.readLater('b:q:a', first)).toBe(false);
    v.readAt('b:q:b', second);
    v.reset(v.tree());
    expect(v.readLater('b:q:b', first)).toBe(false);
  });
});
