// Carries out the flow store's viewport requests (fit the tree, fit the failed jobs, bring a
// selected job into view) once the layout they refer to is on the canvas.
import { useReactFlow, useStore as useCanvasStore } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { useFlow } from '../flow-view/use-flow';
import { NODE_HEIGHT, NODE_WIDTH, type TreeLayout } from './tree-layout';

/** Below this zoom a node's text is unreadable: the first view shows the top of the tree instead. */
const READABLE_ZOOM = 0.45;
const TOP_ZOOM = 0.8;
/** Width of the inspector drawer (styles.css .inspector), which covers the canvas's right side. */
const DRAWER_WIDTH = 460;

function boundsOf(layout: TreeLayout, keys: string[] | null) {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  const add = (x: number, y: number, w: number, h: number) => {
    x1 = Math.min(x1, x);
    y1 = Math.min(y1, y);
    x2 = Math.max(x2, x + w);
    y2 = Math.max(y2, y + h);
  };
  if (keys) {
    for (const key of keys) {
      const p = layout.positions.get(key);
      if (p) add(p.x, p.y, NODE_WIDTH, NODE_HEIGHT);
    }
  } else {
    for (const item of layout.items) {
      if (item.kind === 'block') add(item.x, item.y, item.width, item.height);
      else add(item.x, item.y, NODE_WIDTH, NODE_HEIGHT);
    }
  }
  return Number.isFinite(x1) ? { x: x1, y: y1, width: x2 - x1, height: y2 - y1 } : null;
}

export function ViewportDirector({ layout }: { layout: TreeLayout }) {
  const flow = useReactFlow();
  const width = useCanvasStore((s) => s.width);
  const height = useCanvasStore((s) => s.height);
  const request = useFlow((s) => s.viewport);
  const rootKey = useFlow((s) => s.rootKey);
  const drawerOpen = useFlow((s) => s.inspectorOpen);
  const done = useRef<number | null>(null);

  useEffect(() => {
    if (!request || done.current === request.id || width === 0 || height === 0) return;
    const frame = requestAnimationFrame(() => {
      const duration = request.kind === 'initial' ? 0 : 250;
      if (request.kind === 'reveal') {
        const p = request.keys?.[0] ? layout.positions.get(request.keys[0]) : undefined;
        // Not on the canvas yet (its parents are opening): try again with the next layout.
        if (!p) return;
        done.current = request.id;
        const { x, y, zoom } = flow.getViewport();
        const left = p.x * zoom + x;
        const top = p.y * zoom + y;
        const visibleWidth = drawerOpen && width > 2 * DRAWER_WIDTH ? width - DRAWER_WIDTH : width;
        const inside = left >= 0 && top >= 0 && left + NODE_WIDTH * zoom <= visibleWidth && top + NODE_HEIGHT * zoom <= height;
        if (!inside || zoom < READABLE_ZOOM) {
          const z = Math.max(zoom, TOP_ZOOM);
          // Centre the job in the part of the canvas the drawer leaves free.
          void flow.setViewport(
            { x: visibleWidth / 2 - (p.x + NODE_WIDTH / 2) * z, y: height / 2 - (p.y + NODE_HEIGHT / 2) * z, zoom: z },
            { duration },
          );
        }
        return;
      }
      const bounds = boundsOf(layout, request.keys);
      if (!bounds) return;
      done.current = request.id;
      const padding = 48;
      const zoom = Math.min(1, (width - 2 * padding) / bounds.width, (height - 2 * padding) / bounds.height);
      const root = layout.positions.get(rootKey);
      if (request.kind === 'initial' && zoom < READABLE_ZOOM && root) {
        // A big tree: start at its top, readable, and let the minimap show the rest.
        void flow.setViewport({ x: width / 2 - (root.x + NODE_WIDTH / 2) * TOP_ZOOM, y: padding - root.y * TOP_ZOOM, zoom: TOP_ZOOM }, { duration });
        return;
      }
      const z = Math.max(zoom, 0.02);
      void flow.setViewport(
        { x: width / 2 - (bounds.x + bounds.width / 2) * z, y: height / 2 - (bounds.y + bounds.height / 2) * z, zoom: z },
        { duration },
      );
    });
    return () => cancelAnimationFrame(frame);
  }, [request, layout, width, height, flow, rootKey, drawerOpen]);

  return null;
}
