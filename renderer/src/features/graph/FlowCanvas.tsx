// The graph: React Flow over a tree layout that is recomputed only when the flow's shape or
// the set of collapsed parents changes. Live state changes never reach this component; they
// go straight to the node that shows them.
import { Background, Controls, MiniMap, Panel, ReactFlow, ReactFlowProvider, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import { useFlow, useFlowController } from '../flow-view/use-flow';
import { BucketEdge } from './BucketEdge';
import { toCanvasElements } from './graph-elements';
import { GroupNode } from './GroupNode';
import { JobNode } from './JobNode';
import { LeafBlockNode } from './LeafBlockNode';
import { Legend } from './Legend';
import { layoutTree } from './tree-layout';
import { ViewportDirector } from './ViewportDirector';

const nodeTypes = { job: JobNode, group: GroupNode, block: LeafBlockNode };
const edgeTypes = { bucket: BucketEdge };

export function FlowCanvas() {
  const controller = useFlowController();
  const structureVersion = useFlow((s) => s.structureVersion);
  const collapsed = useFlow((s) => s.collapsed);
  // Reads the store directly: the layout depends on the shape (structureVersion) and on
  // collapsed parents only, never on states, so state changes do not re-run it.
  const layout = useMemo(
    () => layoutTree(controller.store.getState(), collapsed),
    [controller, structureVersion, collapsed],
  );
  const { nodes, edges } = useMemo(() => toCanvasElements(layout), [layout]);

  const minimapColour = (node: Node) => {
    if (node.type === 'group') return 'var(--muted)';
    if (node.type === 'block') return 'transparent';
    const job = controller.store.getState().jobsByKey.get(node.id);
    return job ? `var(--state-${job.blocking ? 'blocking' : job.state})` : 'var(--muted)';
  };

  return (
    <div className="flow-canvas" data-testid="flow-canvas" data-nodes={nodes.length}>
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onlyRenderVisibleElements
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          disableKeyboardA11y
          deleteKeyCode={null}
          minZoom={0.02}
          maxZoom={2}
          colorMode="system"
          onPaneClick={() => controller.select(null)}
          onNodeClick={(_, node) => {
            if (node.type !== 'job') return;
            controller.select(node.id);
            controller.setInspectorOpen(true);
          }}
          attributionPosition="bottom-center"
        >
          <Background gap={24} size={1} />
          <Controls showInteractive={false} position="bottom-left" />
          <MiniMap pannable zoomable nodeColor={minimapColour} nodeStrokeWidth={0} position="bottom-right" ariaLabel="Minimap of the flow" />
          <Panel position="top-right">
            <Legend />
          </Panel>
          <ViewportDirector layout={layout} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
