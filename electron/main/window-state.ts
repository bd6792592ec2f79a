// Window size and position, remembered in the data folder (window-state.json). The decisions
// (what a saved file may hold, where a window opens) are pure functions, unit-tested without
// Electron (test/unit/desktop-window-state.test.ts); the file I/O is two small functions.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** The window's normal (not maximized) bounds. */
  bounds: Rect;
  maximized: boolean;
}

export interface Placement {
  /** Size always; x and y only when the window should not be centred. */
  bounds: { width: number; height: number; x?: number; y?: number };
  maximized: boolean;
}

// A test seam: exported for test/unit/desktop-window-state.test.ts.
export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1400, height: 900 };
export const MIN_SIZE = { width: 900, height: 600 };
// A test seam: exported for test/unit/desktop-window-state.test.ts.
/** How far a second window opens from the one it cascades from. */
export const CASCADE_OFFSET = 32;
/** How much of a saved window must lie on a screen for it to be put back there. */
const MIN_VISIBLE = { width: 160, height: 80 };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e6;

// A test seam: exported for test/unit/desktop-window-state.test.ts.
/** A saved state, or undefined for anything that is not one (missing file, junk, absurd sizes). */
export function parseWindowState(text: string | undefined): WindowState | undefined {
  if (!text) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { bounds, maximized } = raw as { bounds?: Partial<Rect>; maximized?: unknown };
  if (typeof bounds !== 'object' || bounds === null) return undefined;
  const { x, y, width, height } = bounds;
  if (!isInt(x) || !isInt(y) || !isInt(width) || !isInt(height)) return undefined;
  if (width < 1 || height < 1) return undefined;
  return { bounds: { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) }, maximized: maximized === true };
}

/** What is saved for a window: its normal bounds (the ones it returns to when un-maximized). */
export function windowStateOf(normalBounds: Rect, maximized: boolean): WindowState {
  const { x, y, width, height } = normalBounds;
  return { bounds: { x, y, width, height }, maximized };
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/** The screen a rectangle is mostly on, if it is visibly on one. */
function screenOf(rect: Rect, workAreas: Rect[]): Rect | undefined {
  let best: { area: Rect; size: number } | undefined;
  for (const area of workAreas) {
    const o = overlap(rect, area);
    if (o.width >= Math.min(MIN_VISIBLE.width, rect.width) && o.height >= Math.min(MIN_VISIBLE.height, rect.height)) {
      const size = o.width * o.height;
      if (!best || size > best.size) best = { area, size };
    }
  }
  return best?.area;
}

/** Keeps a rectangle at least the minimum size, no bigger than its screen, and inside it. */
function fitInto(rect: Rect, area: Rect): Rect {
  const width = Math.min(Math.max(rect.width, MIN_SIZE.width), area.width);
  const height = Math.min(Math.max(rect.height, MIN_SIZE.height), area.height);
  const x = Math.min(Math.max(rect.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(rect.y, area.y), area.y + area.height - height);
  return { x, y, width, height };
}

/**
 * Where a new window opens. Beside another window (cascadeFrom): its size, offset down and
 * right, back to the screen's corner when that would leave the screen. Otherwise where the
 * last window was, if that is still on a screen (a monitor may be gone); else the default
 * size (no bigger than the primary screen), centred.
 */
export function placeWindow(input: { saved?: WindowState; workAreas: Rect[]; cascadeFrom?: Rect }): Placement {
  const { saved, workAreas, cascadeFrom } = input;
  if (cascadeFrom) {
    const area = screenOf(cascadeFrom, workAreas);
    if (!area) return { bounds: { width: cascadeFrom.width, height: cascadeFrom.height }, maximized: false };
    const moved = { ...cascadeFrom, x: cascadeFrom.x + CASCADE_OFFSET, y: cascadeFrom.y + CASCADE_OFFSET };
    const fits = moved.x + moved.width <= area.x + area.width && moved.y + moved.height <= area.y + area.height;
    return { bounds: fitInto(fits ? moved : { ...moved, x: area.x, y: area.y }, area), maximized: false };
  }
  if (saved) {
    const area = screenOf(saved.bounds, workAreas);
    if (area) return { bounds: fitInto(saved.bounds, area), maximized: saved.maximized };
  }
  const primary = workAreas[0];
  const width = primary ? Math.min(DEFAULT_SIZE.width, primary.width) : DEFAULT_SIZE.width;
  const height = primary ? Math.min(DEFAULT_SIZE.height, primary.height) : DEFAULT_SIZE.height;
  return { bounds: { width, height }, maximized: saved?.maximized ?? false };
}

export function loadWindowState(dataDir: string): WindowState | undefined {
  try {
    return parseWindowState(readFileSync(join(dataDir, WINDOW_STATE_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes the state atomically (a temporary file renamed over the old one). */
export function saveWindowState(dataDir: string, state: WindowState): void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, WINDOW_STATE_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state)}\n`);
  renameSync(temp, file);
}
