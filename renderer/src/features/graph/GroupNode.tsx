// A bucket with more children than are in view, as one node ("+4,812 processed"); a click
// loads the next page of that bucket into the tree.
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { Bucket } from '../../../../shared/domain';
import { hiddenCount, truncatedEntry } from '../../../../shared/flow-model';
import { PAGE_SIZE } from '../flow-view/flow-store';
import { useFlow, useFlowController } from '../flow-view/use-flow';

export type GroupNodeData = { parentKey: string; bucket: Bucket };

function GroupNodeCard({ id, data }: NodeProps<Node<GroupNodeData>>) {
  const controller = useFlowController();
  const hidden = useFlow((s) => {
    const entry = truncatedEntry(s, data.parentKey, data.bucket);
    return entry ? hiddenCount(entry) : 0;
  });
  const load = useFlow((s) => s.pages.get(id));
  const label = `+${hidden.toLocaleString('en-US')} ${data.bucket}`;
  return (
    <button
      type="button"
      className={`group-node bucket-${data.bucket} nodrag`}
      data-testid="flow-group"
      data-parent-key={data.parentKey}
      data-bucket={data.bucket}
      onClick={() => void controller.loadMore(data.parentKey, data.bucket)}
      disabled={load?.loading}
      aria-label={`${label}: load ${Math.min(PAGE_SIZE, hidden)} more`}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <span className="group-node-count">{label}</span>
      <span className="group-node-hint">
        {load?.loading ? 'Loading…' : `Click to show ${Math.min(PAGE_SIZE, hidden).toLocaleString('en-US')} more`}
      </span>
      {load?.error && (
        <span className="group-node-error" role="alert">
          Could not load: {load.error}
        </span>
      )}
    </button>
  );
}

export const GroupNode = memo(GroupNodeCard);
