// Where the viewport goes: "Zoom to failed" on a flow of 2,000 children whose failures are
// spread over the whole grid goes to a readable cluster of failed cards, not out to everything;
// fits use the part of the canvas the drawer leaves free; the minimap colour follows the job's
// current state.
import { describe, expect, it } from 'vitest';
import type { FlowNode } from '../../shared/domain';
import { minimapColour, wholeTreeInView } from '../../renderer/src/features/graph/FlowCanvas';
import { layoutTree, NODE_HEIGHT, NODE_WIDTH } from '../../renderer/src/features/graph/tree-layout';
import { freeArea, nextFailedCluster } from '../../renderer/src/features/graph/ViewportDirector';
import { flowData, flowNode } from '../helpers/flow-nodes';
import { boundsOf, densestCluster, fitKeys, fitTree, isInside, READABLE_ZOOM, revealJob } from '../../renderer/src/features/graph/viewport-math';

function node(key: string, parentKey: string | null, state: FlowNode['state'] = 'completed'): FlowNode {
  return flowNode(key, { state, parentKey, bucket: parentKey ? 'processed' : null, attemptsMade: 1, depth: parentKey ? 1 : 0 });
}

function wideFlow(children: number, failedEvery: number) {
  const nodes = [node('root', null, 'failed')];
  for (let i = 0; i < children; i++) nodes.push(node(`c${String(i).padStart(4, '0')}`, 'root', i % failedEvery === 0 ? 'failed' : 'completed'));
  const data = flowData(nodes);
  return { data, layout: layoutTree(data, new Set()), failed: nodes.filter((n) => n.state === 'failed').map((n) => n.key) };
}

const AREA = { width: 1100, height: 600 };

describe('zoom to failed', () => {
  it('on 2,000 children with failures all over the grid, fits a readable cluster of failed jobs', () => {
    const { layout, failed } = wideFlow(2_000, 7);
    const everything = fitKeys(layout, failed, AREA)!;
    expect(everything.viewport.zoom).toBeGreaterThanOrEqual(READABLE_ZOOM);
    expect(everything.shown.length).toBeGreaterThan(5);
    expect(everything.shown.length).toBeLessThan(failed.length);
    // Every card it shows is on screen.
    for (const key of everything.shown) expect(isInside(layout, key, everything.viewport, AREA)).toBe(true);
    // Fitting them all would have been unreadable: that was the defect.
    const all = boundsOf(layout, failed)!;
    expect(Math.min((AREA.width - 96) / all.width, (AREA.height - 96) / all.height)).toBeLessThan(READABLE_ZOOM);
  });

  it('each "Zoom to failed" again moves on to failed jobs not shown yet, then starts over', () => {
    const { layout, failed } = wideFlow(2_000, 7);
    const seen = new Set<string>();
    const first = nextFailedCluster(layout, failed, seen, AREA);
    for (const k of first) seen.add(k);
    const second = nextFailedCluster(layout, failed, seen, AREA);
    expect(second.length).toBeGreaterThan(0);
    expect(second.some((k) => first.includes(k))).toBe(false);
    const all = new Set(failed);
    expect(nextFailedCluster(layout, failed, all, AREA)).toEqual(first);
  });

  it('fits every failed job when they fit readably', () => {
    const { layout, failed } = wideFlow(20, 5);
    expect(densestCluster(layout, failed, AREA)).toEqual(failed);
    const { viewport } = fitKeys(layout, failed, AREA)!;
    for (const key of failed) expect(isInside(layout, key, viewport, AREA)).toBe(true);
  });

  it('a single failed job is fitted alone', () => {
    const { layout } = wideFlow(2_000, 7);
    const { shown, viewport } = fitKeys(layout, ['c0700'], AREA)!;
    expect(shown).toEqual(['c0700']);
    expect(isInside(layout, 'c0700', viewport, AREA)).toBe(true);
  });
});

describe('fits in the free area', () => {
  it('leaves the drawer width out only when the canvas is wide enough for both', () => {
    expect(freeArea(1200, 600, true)).toEqual({ width: 740, height: 600 });
    expect(freeArea(1200, 600, false)).toEqual({ width: 1200, height: 600 });
    expect(freeArea(800, 600, true)).toEqual({ width: 460, height: 600 });
    expect(freeArea(600, 600, true)).toEqual({ width: 600, height: 600 });
  });

  it('a small tree fitted to a shorter canvas (the dock opened) is wholly in sight', () => {
    const { layout } = wideFlow(3, 2);
    for (const height of [700, 300]) {
      const area = { width: 900, height };
      const viewport = fitTree(layout, 'root', area, false)!;
      for (const key of ['root', 'c0000', 'c0001', 'c0002']) expect(isInside(layout, key, viewport, area)).toBe(true);
    }
  });

  it('reveal leaves a job in sight alone and brings one out of sight to the centre', () => {
    const { layout } = wideFlow(3, 2);
    const area = { width: 900, height: 600 };
    const fitted = fitTree(layout, 'root', area, false)!;
    expect(revealJob(layout, 'c0001', fitted, area)).toBe(fitted);
    const away = { x: -5_000, y: 0, zoom: 1 };
    const moved = revealJob(layout, 'c0001', away, area)!;
    expect(isInside(layout, 'c0001', moved, area)).toBe(true);
    const p = layout.positions.get('c0001')!;
    expect(p.x * moved.zoom + moved.x + (NODE_WIDTH * moved.zoom) / 2).toBeCloseTo(area.width / 2);
    expect(p.y * moved.zoom + moved.y + (NODE_HEIGHT * moved.zoom) / 2).toBeCloseTo(area.height / 2);
  });
});

describe('minimap colours', () => {
  it('follow the job map they are given, so a live change recolours the node', () => {
    const before = new Map([['a', node('a', null, 'active')]]);
    const after = new Map([['a', { ...node('a', null, 'failed') }]]);
    expect(minimapColour(before, { id: 'a', type: 'job' })).toBe('var(--state-active)');
    expect(minimapColour(after, { id: 'a', type: 'job' })).toBe('var(--state-failed)');
    expect(minimapColour(new Map([['a', { ...node('a', null, 'failed'), blocking: true }]]), { id: 'a', type: 'job' })).toBe('var(--state-blocking)');
  });
});

describe('minimap shown only when part of the tree is out of view', () => {
  it('is not needed over a tree wholly on screen', () => {
    const box = { x: 0, y: 0, width: 500, height: 300 };
    expect(wholeTreeInView(box, [10, 10, 1], 800, 600)).toBe(true);
    expect(wholeTreeInView(box, [10, 10, 2], 800, 600)).toBe(false);
    expect(wholeTreeInView(box, [-20, 10, 1], 800, 600)).toBe(false);
    expect(wholeTreeInView(null, [0, 0, 1], 800, 600)).toBe(true);
  });
});
