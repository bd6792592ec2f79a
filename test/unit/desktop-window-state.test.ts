// Window size and position: what a saved file may hold, where a window opens (back where it
// was, if that is still on a screen; beside another; the default), and the file round trip.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CASCADE_OFFSET,
  DEFAULT_SIZE,
  MIN_SIZE,
  WINDOW_STATE_FILE,
  loadWindowState,
  parseWindowState,
  placeWindow,
  saveWindowState,
  windowStateOf,
} from '../../electron/main/window-state';
import { windowOptions } from '../../electron/main/window-options';

const laptop = { x: 0, y: 0, width: 1920, height: 1050 };
const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('parseWindowState', () => {
  it('reads bounds and maximized', () => {
    expect(parseWindowState('{"bounds":{"x":10,"y":20,"width":1200,"height":800},"maximized":true}')).toEqual({
      bounds: { x: 10, y: 20, width: 1200, height: 800 },
      maximized: true,
    });
  });
  it('ignores anything else: no file, junk, missing or absurd numbers', () => {
    for (const text of [undefined, '', 'not json', 'null', '[]', '{"bounds":{"x":1,"y":2,"width":3}}', '{"bounds":{"x":"1","y":2,"width":3,"height":4}}', '{"bounds":{"x":0,"y":0,"width":0,"height":500}}', '{"bounds":{"x":1e9,"y":0,"width":900,"height":600}}']) {
      expect(parseWindowState(text)).toBeUndefined();
    }
    expect(parseWindowState('{"bounds":{"x":0,"y":0,"width":900.6,"height":600},"maximized":"yes"}')).toEqual({ bounds: { x: 0, y: 0, width: 901, height: 600 }, maximized: false });
  });
});

describe('placeWindow', () => {
  it('opens where the last window was, on whichever screen that was', () => {
    const saved = { bounds: { x: 2100, y: 100, width: 1500, height: 1000 }, maximized: false };
    expect(placeWindow({ saved, workAreas: [laptop, rightMonitor] })).toEqual({ bounds: saved.bounds, maximized: false });
    expect(placeWindow({ saved: { ...saved, maximized: true }, workAreas: [laptop, rightMonitor] }).maximized).toBe(true);
  });
  it('falls back to the default size, centred, when that screen is gone', () => {
    const saved = { bounds: { x: 2100, y: 100, width: 1500, height: 1000 }, maximized: false };
    expect(placeWindow({ saved, workAreas: [laptop] })).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
    expect(placeWindow({ workAreas: [laptop] })).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
  });
  it('pulls a window that hangs off its screen back on, and fits it to the screen', () => {
    const placed = placeWindow({ saved: { bounds: { x: 1700, y: -50, width: 2400, height: 1300 }, maximized: false }, workAreas: [laptop] });
    expect(placed.bounds).toEqual({ x: 0, y: 0, width: 1920, height: 1050 });
  });
  it('never opens smaller than the minimum size', () => {
    const placed = placeWindow({ saved: { bounds: { x: 100, y: 100, width: 300, height: 200 }, maximized: false }, workAreas: [laptop] });
    expect(placed.bounds).toMatchObject({ width: MIN_SIZE.width, height: MIN_SIZE.height });
  });
  it('the default size is no bigger than a small screen', () => {
    expect(placeWindow({ workAreas: [{ x: 0, y: 0, width: 1280, height: 760 }] }).bounds).toEqual({ width: 1280, height: 760 });
  });
  it('a second window opens beside the first: same size, offset, back to the corner at the edge', () => {
    const first = { x: 100, y: 80, width: 1400, height: 900 };
    expect(placeWindow({ workAreas: [laptop], cascadeFrom: first })).toEqual({
      bounds: { x: 100 + CASCADE_OFFSET, y: 80 + CASCADE_OFFSET, width: 1400, height: 900 },
      maximized: false,
    });
    const atEdge = { x: 500, y: 140, width: 1400, height: 900 };
    expect(placeWindow({ workAreas: [laptop], cascadeFrom: atEdge }).bounds).toEqual({ x: 0, y: 0, width: 1400, height: 900 });
    expect(placeWindow({ workAreas: [laptop, rightMonitor], cascadeFrom: { x: 2000, y: 50, width: 1400, height: 900 } }).bounds).toMatchObject({ x: 2000 + CASCADE_OFFSET });
  });
});

describe('the window state file', () => {
  it('saves the normal bounds and reads them back; a missing or broken file is no state', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowscope-window-'));
    try {
      expect(loadWindowState(dir)).toBeUndefined();
      const state = windowStateOf({ x: 5, y: 6, width: 1000, height: 700 }, true);
      saveWindowState(join(dir, 'nested'), state);
      expect(loadWindowState(join(dir, 'nested'))).toEqual(state);
      expect(JSON.parse(readFileSync(join(dir, 'nested', WINDOW_STATE_FILE), 'utf8'))).toEqual(state);
      writeFileSync(join(dir, WINDOW_STATE_FILE), '{oops');
      expect(loadWindowState(dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('the window options use the same default and minimum sizes', () => {
    const options = windowOptions('/p.cjs');
    expect(options).toMatchObject({ width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height, minWidth: MIN_SIZE.width, minHeight: MIN_SIZE.height });
  });
});
