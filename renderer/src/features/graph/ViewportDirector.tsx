// Carries out the flow store's viewport requests (fit the tree, fit the failed jobs, bring a
// selected job into view) once the layout they refer to is on the canvas, in the part of the
// canvas the inspector drawer leaves free. When that part changes size (the inspector or the
// scenarios panel opens or closes, the window is resized) the last fit is made again, unless
// the person has panned or zoomed since: then what was at the centre stays at the centre.
import { useReactFlow, useStore as useCanvasStore } from '@xyflow/react';
import { useEffect, useRef, type RefObject } from 'react';
import type { ViewportRequest } from '../flow-view/flow-store';
import { useFlow, useFlowController } from '../flow-view/use-flow';
import type { TreeLayout } from './tree-layout';
import { fitKeys, fitTree, revealJob, type Area, type Viewport } from './viewport-math';

/** Width of the inspector drawer over a canvas this wide (styles.css .inspector: clamp(340px, 42%, 460px)). */
export function drawerWidth(canvasWidth: number): number {
  return Math.min(460, Math.max(340, 0.42 * canvasWidth));
}

// A test seam: exported for test/unit/renderer-viewport.test.ts.
/** The part of the canvas the drawer leaves free (all of it when what is left would be too narrow to use). */
export function freeArea(width: number, height: number, drawerOpen: boolean): Area {
  const drawer = drawerWidth(width);
  return { width: drawerOpen && width - drawer >= 360 ? width - drawer : width, height };
}

/** What "Zoom to failed" shows when the failed jobs are too spread to fit readably: some of them. */
export interface FailedFocus {
  shown: number;
  total: number;
}

// A test seam: exported for test/unit/renderer-viewport.test.ts.
/**
 * The failed jobs to show next: the densest readable cluster of those not shown yet by the
 * previous requests for the same set (so each "Zoom to failed" moves on to the next cluster),
 * starting over once every one was shown.
 */
export function nextFailedCluster(layout: TreeLayout, keys: readonly string[], seen: ReadonlySet<string>, area: Area): string[] {
  const left = keys.filter((k) => !seen.has(k) && layout.positions.has(k));
  const pool = left.length > 0 ? left : keys;
  return fitKeys(layout, pool, area)?.shown ?? [];
}

export function ViewportDirector({
  layout,
  userMoved,
  onFailedFocus,
}: {
  layout: TreeLayout;
  userMoved: RefObject<boolean>;
  onFailedFocus?(focus: FailedFocus | null): void;
}) {
  const flow = useReactFlow();
  const controller = useFlowController();
  const width = useCanvasStore((s) => s.width);
  const height = useCanvasStore((s) => s.height);
  const request = useFlow((s) => s.viewport);
  const rootKey = useFlow((s) => s.rootKey);
  const drawerOpen = useFlow((s) => s.inspectorOpen);
  const structureVersion = useFlow((s) => s.structureVersion);
  const collapsed = useFlow((s) => s.collapsed);
  const done = useRef<number | null>(null);
  /** The last fit carried out, made again when the free area changes. */
  const lastFit = useRef<ViewportRequest | null>(null);
  const lastArea = useRef<{ width: number; height: number; drawerOpen: boolean } | null>(null);
  /** The failed set the last "Zoom to failed" was for, and which of them it has shown so far. */
  const failedSeen = useRef<{ set: string; seen: Set<string> } | null>(null);

  const fitFor = (req: ViewportRequest, area: Area): Viewport | null => {
    if (req.keys) return fitKeys(layout, req.keys, area)?.viewport ?? null;
    return fitTree(layout, rootKey, area, req.kind === 'initial');
  };

  useEffect(() => {
    if (!request || done.current === request.id || width === 0 || height === 0) return;
    const area = freeArea(width, height, drawerOpen);
    const frame = requestAnimationFrame(() => {
      // The refit below already brought the selected job into view.
      if (done.current === request.id) return;
      const duration = request.kind === 'initial' ? 0 : 250;
      if (request.kind === 'reveal') {
        const key = request.keys?.[0];
        // Not on the canvas yet (its parents are opening): try again with the next layout.
        const next = key ? revealJob(layout, key, flow.getViewport(), area) : null;
        if (!next) return;
        done.current = request.id;
        if (next !== flow.getViewport()) void flow.setViewport(next, { duration });
        return;
      }
      let fit: ViewportRequest = request;
      if (request.keys) {
        const set = request.keys.join('\n');
        const before = failedSeen.current?.set === set ? failedSeen.current.seen : new Set<string>();
        const shown = nextFailedCluster(layout, request.keys, before, area);
        if (shown.length === 0) return;
        const seen = before.size + shown.length > request.keys.length ? new Set(shown) : new Set([...before, ...shown]);
        failedSeen.current = { set, seen };
        fit = { ...request, keys: shown };
        onFailedFocus?.(shown.length < request.keys.length ? { shown: shown.length, total: request.keys.length } : null);
      } else onFailedFocus?.(null);
      const next = fitFor(fit, area);
      if (!next) return;
      done.current = request.id;
      lastFit.current = fit;
      userMoved.current = false;
      void flow.setViewport(next, { duration });
    });
    return () => cancelAnimationFrame(frame);
  }, [request, layout, width, height, flow, rootKey, drawerOpen]);

  useEffect(() => {
    const before = lastArea.current;
    lastArea.current = { width, height, drawerOpen };
    if (!before || before.width === 0 || before.height === 0 || width === 0 || height === 0) return;
    if (before.width === width && before.height === height && before.drawerOpen === drawerOpen) return;
    const area = freeArea(width, height, drawerOpen);
    const fit = lastFit.current;
    if (fit && !userMoved.current) {
      let next = fitFor(fit, area);
      // The job the drawer describes stays in sight.
      const selected = controller.store.getState().selectedKey;
      if (next && drawerOpen && selected) next = revealJob(layout, selected, next, area) ?? next;
      if (!next) return;
      if (request?.kind === 'reveal') done.current = request.id;
      void flow.setViewport(next, { duration: 200 });
      return;
    }
    // Moved by hand: keep what was at the centre of the canvas at its centre, at the same zoom.
    const dx = (width - before.width) / 2;
    const dy = (height - before.height) / 2;
    if (dx === 0 && dy === 0) return;
    const { x, y, zoom } = flow.getViewport();
    void flow.setViewport({ x: x + dx, y: y + dy, zoom });
  }, [width, height, drawerOpen]);

  // A live flow grows (children spawned, pages read): while the person has not moved the view,
  // the whole tree stays fitted. Opening or closing a parent by hand is not growth.
  const grown = useRef({ structureVersion, collapsed });
  useEffect(() => {
    const before = grown.current;
    grown.current = { structureVersion, collapsed };
    if (before.structureVersion === structureVersion || before.collapsed !== collapsed) return;
    const fit = lastFit.current;
    if (!fit || fit.keys !== null || userMoved.current || width === 0 || height === 0) return;
    const next = fitFor(fit, freeArea(width, height, drawerOpen));
    if (next) void flow.setViewport(next, { duration: 200 });
  }, [layout]);

  return null;
}
