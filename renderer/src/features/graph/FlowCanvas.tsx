// The graph: React Flow over a tree layout that is recomputed only when the flow's shape or
// the set of collapsed parents changes. Live state changes never reach this component; they
// go straight to the node that shows them. A right click on a job opens its actions menu.
import { Background, Controls, MiniMap, Panel, ReactFlow, ReactFlowProvider, useStore as useCanvasStore, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useMemo, useRef, useState } from 'react';
import { NodeContextMenu, type MenuPlace } from '../actions/NodeContextMenu';
import type { FlowViewState } from '../flow-view/flow-store';
import { useFlow, useFlowController } from '../flow-view/use-flow';
import { BucketEdge } from './BucketEdge';
import { toCanvasElements } from './graph-elements';
import { GroupNode } from './GroupNode';
import { JobNode } from './JobNode';
import { LeafBlockNode } from './LeafBlockNode';
import { Legend } from './Legend';
import { plural } from '../../words/plural';
import { layoutTree, type TreeLayout } from './tree-layout';
import { boundsOf, type Box } from './viewport-math';
import { ViewportDirector, type FailedFocus } from './ViewportDirector';

const nodeTypes = { job: JobNode, group: GroupNode, block: LeafBlockNode };
const edgeTypes = { bucket: BucketEdge };

/** Below this canvas height (the scenarios panel is open) the minimap would cover the tree. */
const MINIMAP_MIN_HEIGHT = 480;

// A test seam: exported for test/unit/renderer-viewport.test.ts.
/** A job's minimap colour: its state's (blocking ones apart). */
export function minimapColour(jobsByKey: FlowViewState['jobsByKey'], node: Pick<Node, 'id' | 'type'>): string {
  if (node.type === 'group') return 'var(--muted)';
  if (node.type === 'block') return 'transparent';
  const job = jobsByKey.get(node.id);
  return job ? `var(--state-${job.blocking ? 'blocking' : job.state})` : 'var(--muted)';
}

// A test seam: exported for test/unit/renderer-viewport.test.ts.
/** Whether the whole tree is on screen at this transform ([x, y, zoom]) in a canvas this big. */
export function wholeTreeInView(box: Box | null, transform: readonly [number, number, number], width: number, height: number): boolean {
  if (!box) return true;
  const [x, y, zoom] = transform;
  return box.x * zoom + x >= 0 && box.y * zoom + y >= 0 && (box.x + box.width) * zoom + x <= width && (box.y + box.height) * zoom + y <= height;
}

/**
 * The minimap, when there is room for it and something to find with it (part of the tree is
 * out of view: over a tree wholly in view it would only cover cards). Its colours follow live
 * changes: the colour function changes with the jobs (React Flow's minimap draws again only
 * when its props change, and the canvas's nodes do not change when only a state does).
 */
function RoomyMiniMap({ layout }: { layout: TreeLayout }) {
  const height = useCanvasStore((s) => s.height);
  const box = useMemo(() => boundsOf(layout, null), [layout]);
  const inView = useCanvasStore((s) => wholeTreeInView(box, s.transform, s.width, s.height));
  const jobsByKey = useFlow((s) => s.jobsByKey);
  const colour = useCallback((node: Node) => minimapColour(jobsByKey, node), [jobsByKey]);
  if (height < MINIMAP_MIN_HEIGHT || inView) return null;
  return <MiniMap pannable zoomable nodeColor={colour} nodeStrokeWidth={0} position="bottom-right" ariaLabel="Minimap of the flow" />;
}

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
  const [menu, setMenu] = useState<MenuPlace | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  /** Set when the person pans or zooms: a resize then keeps their view instead of fitting again. */
  const userMoved = useRef(false);
  const [failedFocus, setFailedFocus] = useState<FailedFocus | null>(null);

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
          onNodeContextMenu={(event, node) => {
            if (node.type !== 'job') return;
            // The menu replaces the browser's own, and acts on the node it was opened on.
            event.preventDefault();
            controller.select(node.id);
            setMenu({ key: node.id, x: event.clientX, y: event.clientY });
          }}
          onPaneContextMenu={closeMenu}
          onMoveStart={(event) => {
            // Only a pan or zoom by the person closes it; the view's own moves (live growth) do not.
            if (event) closeMenu();
          }}
          onMove={(event) => {
            // A pan or zoom by the person (a click that moves nothing is not one).
            if (event) userMoved.current = true;
          }}
          onNodeClick={(_, node) => {
            if (node.type !== 'job') return;
            controller.select(node.id);
            controller.setInspectorOpen(true);
          }}
          attributionPosition="bottom-center"
        >
          <Background gap={24} size={1} />
          <Controls showInteractive={false} position="bottom-left" />
          <RoomyMiniMap layout={layout} />
          <Panel position="top-right">
            <Legend />
          </Panel>
          <ViewportDirector layout={layout} userMoved={userMoved} onFailedFocus={setFailedFocus} />
          {failedFocus && (
            <Panel position="top-center">
              <p className="notice-inline failed-focus" role="status" data-testid="failed-focus">
                Showing {failedFocus.shown.toLocaleString('en-US')} of the {plural(failedFocus.total, 'failed job')} in view, the closest together.{' '}
                <b>Zoom to failed</b> again for the next ones.
              </p>
            </Panel>
          )}
        </ReactFlow>
      </ReactFlowProvider>
      {menu && <NodeContextMenu place={menu} onClose={closeMenu} />}
    </div>
  );
}
