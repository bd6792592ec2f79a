// Where the viewport goes, as pure functions of the layout and the free part of the canvas
// (its width less the inspector drawer when that is open): fit a set of nodes (or the whole
// tree), bring one job into view, and, for "Zoom to failed" on a wide flow whose failures are
// spread over thousands of cards, the densest cluster of them that fits at a readable zoom
// rather than all of them at a zoom where nothing can be read.
import { NODE_HEIGHT, NODE_WIDTH, type TreeLayout } from './tree-layout';

// A test seam: exported for test/unit/renderer-viewport.test.ts.
/** Below this zoom a node's text is unreadable. */
export const READABLE_ZOOM = 0.45;
/** Zoom of the first view of a big tree (its top) and of a job brought into view. */
export const TOP_ZOOM = 0.8;
export const MIN_ZOOM = 0.02;
const PADDING = 48;

export interface Area {
  /** Width of the part of the canvas nothing covers (the drawer covers the right). */
  width: number;
  height: number;
}
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The box around the given job / group nodes (or around every item when `keys` is null). */
export function boundsOf(layout: TreeLayout, keys: readonly string[] | null): Box | null {
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

/** The zoom that fits `box` in `area` with a margin, at most 1. */
export function fitZoom(box: Box, area: Area): number {
  return Math.max(MIN_ZOOM, Math.min(1, (area.width - 2 * PADDING) / box.width, (area.height - 2 * PADDING) / box.height));
}

/** `box` centred in `area` at `zoom`. */
export function centre(box: Box, area: Area, zoom: number): Viewport {
  return { x: area.width / 2 - (box.x + box.width / 2) * zoom, y: area.height / 2 - (box.y + box.height / 2) * zoom, zoom };
}

/** The whole tree: fitted, or, when that is unreadable, its top at a readable zoom. */
export function fitTree(layout: TreeLayout, rootKey: string, area: Area, topWhenBig: boolean): Viewport | null {
  const box = boundsOf(layout, null);
  if (!box) return null;
  const zoom = fitZoom(box, area);
  const root = layout.positions.get(rootKey);
  if (topWhenBig && zoom < READABLE_ZOOM && root) {
    return { x: area.width / 2 - (root.x + NODE_WIDTH / 2) * TOP_ZOOM, y: PADDING - root.y * TOP_ZOOM, zoom: TOP_ZOOM };
  }
  return centre(box, area, zoom);
}

// A test seam: exported for test/unit/renderer-viewport.test.ts.
/**
 * Of `keys`, the ones to fit: all of them when they fit readably; else the largest group that
 * fits in `area` at READABLE_ZOOM (a window anchored at one of them; the first such window,
 * top-left first, on a tie). Returns the chosen keys in their given order.
 */
export function densestCluster(layout: TreeLayout, keys: readonly string[], area: Area): string[] {
  const placed = keys.flatMap((key) => {
    const p = layout.positions.get(key);
    return p ? [{ key, x: p.x, y: p.y }] : [];
  });
  const all = boundsOf(layout, keys);
  if (!all || placed.length <= 1 || fitZoom(all, area) >= READABLE_ZOOM) return placed.map((p) => p.key);
  const spanX = (area.width - 2 * PADDING) / READABLE_ZOOM - NODE_WIDTH;
  const spanY = (area.height - 2 * PADDING) / READABLE_ZOOM - NODE_HEIGHT;
  const byPlace = [...placed].sort((a, b) => a.y - b.y || a.x - b.x);
  // Anchors: every node when there are few; a spread sample of them otherwise (n² stays small).
  const step = Math.max(1, Math.ceil(byPlace.length / 600));
  let best: typeof placed = [];
  for (let i = 0; i < byPlace.length; i += step) {
    const anchor = byPlace[i]!;
    // The window has the anchor at its top; centred on it sideways, then moved right while that keeps it.
    for (const left of [anchor.x - spanX / 2, anchor.x]) {
      const inside = byPlace.filter((p) => p.y >= anchor.y && p.y <= anchor.y + spanY && p.x >= left && p.x <= left + spanX);
      if (inside.length > best.length) best = inside;
    }
  }
  const chosen = new Set(best.map((p) => p.key));
  return placed.filter((p) => chosen.has(p.key)).map((p) => p.key);
}

/** Fits `keys` (the failed jobs): all of them, or their densest readable cluster. */
export function fitKeys(layout: TreeLayout, keys: readonly string[], area: Area): { viewport: Viewport; shown: string[] } | null {
  const shown = densestCluster(layout, keys, area);
  const box = boundsOf(layout, shown);
  if (!box) return null;
  return { viewport: centre(box, area, fitZoom(box, area)), shown };
}

// A test seam: exported for test/unit/renderer-viewport.test.ts.
/** Whether the job's card is wholly inside `area` at `viewport`. */
export function isInside(layout: TreeLayout, key: string, viewport: Viewport, area: Area): boolean {
  const p = layout.positions.get(key);
  if (!p) return false;
  const left = p.x * viewport.zoom + viewport.x;
  const top = p.y * viewport.zoom + viewport.y;
  return left >= 0 && top >= 0 && left + NODE_WIDTH * viewport.zoom <= area.width && top + NODE_HEIGHT * viewport.zoom <= area.height;
}

/** `viewport` unchanged when the job is in sight and readable; else the job centred at a readable zoom. */
export function revealJob(layout: TreeLayout, key: string, viewport: Viewport, area: Area): Viewport | null {
  const p = layout.positions.get(key);
  if (!p) return null;
  if (isInside(layout, key, viewport, area) && viewport.zoom >= READABLE_ZOOM) return viewport;
  const zoom = Math.max(viewport.zoom, TOP_ZOOM);
  return { x: area.width / 2 - (p.x + NODE_WIDTH / 2) * zoom, y: area.height / 2 - (p.y + NODE_HEIGHT / 2) * zoom, zoom };
}
