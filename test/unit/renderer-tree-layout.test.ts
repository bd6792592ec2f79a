// The canvas layout: top-down, no overlaps, big fan-outs packed into blocks, collapsed parents
// hiding their subtrees, and fast enough for a 10,000-node flow.
import { describe, expect, it } from 'vitest';
import type { FlowNode, TruncatedBucket } from '../../shared/domain';
import { groupNodeId, layoutTree, NODE_HEIGHT, NODE_WIDTH, PACK_MIN } from '../../renderer/src/features/graph/tree-layout';
import { flowData, flowNode } from '../helpers/flow-nodes';

function node(key: string, parentKey: string | null): FlowNode {
  return flowNode(key, { parentKey, bucket: parentKey ? 'unprocessed' : null });
}

function flow(nodes: FlowNode[], truncated: TruncatedBucket[] = []) {
  return flowData(nodes, truncated);
}

type Box = { id: string; x: number; y: number; w: number; h: number };

function boxes(layout: ReturnType<typeof layoutTree>): Box[] {
  return layout.items
    .filter((i) => i.kind !== 'block')
    .map((i) => ({ id: i.id, x: i.x, y: i.y, w: NODE_WIDTH, h: NODE_HEIGHT }));
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function assertNoOverlap(list: Box[]) {
  const sorted = [...list].sort((a, b) => a.x - b.x);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j]!.x < sorted[i]!.x + sorted[i]!.w; j++) {
      if (overlaps(sorted[i]!, sorted[j]!)) throw new Error(`${sorted[i]!.id} overlaps ${sorted[j]!.id}`);
    }
  }
}

describe('layoutTree', () => {
  it('places children below their parent, centred, with an edge each', () => {
    const data = flow([node('r', null), node('a', 'r'), node('b', 'r'), node('a1', 'a')]);
    const layout = layoutTree(data, new Set());
    const at = (id: string) => layout.positions.get(id)!;
    expect(at('a').y).toBeGreaterThan(at('r').y);
    expect(at('a1').y).toBeGreaterThan(at('a').y);
    expect(at('a').x).toBeLessThan(at('b').x);
    expect((at('a').x + at('b').x) / 2).toBeCloseTo(at('r').x, 5);
    expect(layout.edges.map((e) => [e.source, e.target, e.childKey])).toEqual([
      ['r', 'a', 'a'],
      ['r', 'b', 'b'],
      ['a', 'a1', 'a1'],
    ]);
    assertNoOverlap(boxes(layout));
  });

  it('hides a collapsed parent’s subtree and shows a group node per cut bucket', () => {
    const data = flow([node('r', null), node('a', 'r'), node('a1', 'a')], [{ parentKey: 'r', bucket: 'processed', shown: 1, total: 50, nextCursor: 1 }]);
    const layout = layoutTree(data, new Set(['a']));
    expect(layout.items.map((i) => i.id)).toEqual(['r', 'a', groupNodeId('r', 'processed')]);
    expect(layout.edges.find((e) => e.target === groupNodeId('r', 'processed'))!.bucket).toBe('processed');
  });

  it('packs a wide fan-out of leaves into a grid block with one edge', () => {
    const n = 99;
    const nodes = [node('r', null), node('p', 'r'), node('q', 'r')];
    for (let i = 0; i < n; i++) nodes.push(node(`p${i}`, 'p'));
    for (let i = 0; i < PACK_MIN - 1; i++) nodes.push(node(`q${i}`, 'q'));
    const layout = layoutTree(flow(nodes), new Set());
    const blocks = layout.items.filter((i) => i.kind === 'block');
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ parentKey: 'p', count: n });
    expect(layout.edges.filter((e) => e.source === 'p')).toHaveLength(1);
    // Below the threshold, leaves stay a plain row with an edge each.
    expect(layout.edges.filter((e) => e.source === 'q')).toHaveLength(PACK_MIN - 1);
    assertNoOverlap(boxes(layout));
    const block = blocks[0]!;
    for (let i = 0; i < n; i++) {
      const p = layout.positions.get(`p${i}`)!;
      expect(p.x).toBeGreaterThanOrEqual(block.x);
      expect(p.x + NODE_WIDTH).toBeLessThanOrEqual(block.x + block.width);
      expect(p.y + NODE_HEIGHT).toBeLessThanOrEqual(block.y + block.height);
    }
  });

  it('heads a packed block with its parent’s group nodes, above the grid', () => {
    const nodes = [node('r', null)];
    for (let i = 0; i < 200; i++) nodes.push(node(`c${i}`, 'r'));
    const layout = layoutTree(flow(nodes, [{ parentKey: 'r', bucket: 'unprocessed', shown: 200, total: 450, nextCursor: 200 }]), new Set());
    const block = layout.items.find((i) => i.kind === 'block')!;
    const group = layout.positions.get(groupNodeId('r', 'unprocessed'))!;
    expect(block.kind === 'block' && block.count).toBe(200);
    expect(group.x + NODE_WIDTH / 2).toBeCloseTo(block.x + (block.kind === 'block' ? block.width : 0) / 2, 5);
    for (let i = 0; i < 200; i++) expect(layout.positions.get(`c${i}`)!.y).toBeGreaterThanOrEqual(group.y + NODE_HEIGHT);
    expect(layout.edges.filter((e) => e.source === 'r')).toHaveLength(1);
    assertNoOverlap(boxes(layout));
  });

  it('lays out 10,000 nodes fast and without overlaps', () => {
    const nodes = [node('r', null)];
    for (let i = 0; i < 100; i++) {
      nodes.push(node(`c${i}`, 'r'));
      for (let j = 0; j < 99; j++) nodes.push(node(`c${i}-${j}`, `c${i}`));
    }
    const data = flow(nodes);
    const started = performance.now();
    const layout = layoutTree(data, new Set());
    const ms = performance.now() - started;
    expect(layout.positions.size).toBe(10_001);
    expect(ms).toBeLessThan(1000);
    assertNoOverlap(boxes(layout));
  });
});
