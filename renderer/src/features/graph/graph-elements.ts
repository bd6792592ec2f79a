// Turns a layout into React Flow nodes and edges. Every node carries its size, its measured
// size and its handles up front, so React Flow can cull off-screen nodes (onlyRenderVisibleElements)
// without first mounting all of them to measure them.
import { Position, type Edge, type Node, type NodeHandle } from '@xyflow/react';
import type { BucketEdgeData } from './BucketEdge';
import type { GroupNodeData } from './GroupNode';
import type { LeafBlockData } from './LeafBlockNode';
import { NODE_HEIGHT, NODE_WIDTH, type TreeLayout } from './tree-layout';

export type CanvasNode = Node<Record<string, never>, 'job'> | Node<GroupNodeData, 'group'> | Node<LeafBlockData, 'block'>;
export type CanvasEdge = Edge<BucketEdgeData, 'bucket'>;

function handles(width: number, height: number, source: boolean): NodeHandle[] {
  const target: NodeHandle = { type: 'target', position: Position.Top, x: width / 2 - 0.5, y: 0, width: 1, height: 1 };
  if (!source) return [target];
  return [target, { type: 'source', position: Position.Bottom, x: width / 2 - 0.5, y: height - 1, width: 1, height: 1 }];
}

const sized = (width: number, height: number, source: boolean) => ({
  width,
  height,
  measured: { width, height },
  handles: handles(width, height, source),
  draggable: false,
  selectable: false,
  connectable: false,
  focusable: false,
});

export function toCanvasElements(layout: TreeLayout): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const nodes: CanvasNode[] = layout.items.map((item): CanvasNode => {
    const position = { x: item.x, y: item.y };
    switch (item.kind) {
      case 'job':
        return { id: item.id, type: 'job', position, data: {}, ...sized(NODE_WIDTH, NODE_HEIGHT, true) };
      case 'group':
        return { id: item.id, type: 'group', position, data: { parentKey: item.parentKey, bucket: item.bucket }, ...sized(NODE_WIDTH, NODE_HEIGHT, false) };
      case 'block':
        return { id: item.id, type: 'block', position, data: { count: item.count }, ...sized(item.width, item.height, false) };
    }
  });
  const edges: CanvasEdge[] = layout.edges.map((e) => {
    const data: BucketEdgeData = {};
    if (e.childKey) data.childKey = e.childKey;
    if (e.bucket) data.bucket = e.bucket;
    return { id: e.id, source: e.source, target: e.target, type: 'bucket', data, selectable: false, focusable: false };
  });
  return { nodes, edges };
}
