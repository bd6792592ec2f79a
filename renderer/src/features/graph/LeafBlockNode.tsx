// The frame around a packed run of sibling leaves: one edge from the parent ends here, and the
// cards inside carry their own bucket colours.
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { plural } from '../../words/plural';

export type LeafBlockData = { count: number };

function LeafBlockFrame({ data }: NodeProps<Node<LeafBlockData>>) {
  return (
    <div className="leaf-block" data-testid="leaf-block">
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <span className="leaf-block-label">{plural(data.count, 'child')}</span>
    </div>
  );
}

export const LeafBlockNode = memo(LeafBlockFrame);
