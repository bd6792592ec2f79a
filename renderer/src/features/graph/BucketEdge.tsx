// An edge styled by the bucket its child sits in; it reads the child's bucket from the store,
// so a child moving from unprocessed to processed restyles its edge without a re-layout.
import { BaseEdge, getSmoothStepPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import type { Bucket } from '../../../../shared/domain';
import { useFlow } from '../flow-view/use-flow';

export type BucketEdgeData = { childKey?: string; bucket?: Bucket };

function BucketEdgePath({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data }: EdgeProps<Edge<BucketEdgeData>>) {
  const bucket = useFlow((s) => (data?.childKey ? (s.jobsByKey.get(data.childKey)?.bucket ?? null) : (data?.bucket ?? null)));
  const [path] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, borderRadius: 10 });
  return <BaseEdge id={id} path={path} className={`bucket-edge bucket-edge-${bucket ?? 'none'}`} />;
}

export const BucketEdge = memo(BucketEdgePath);
