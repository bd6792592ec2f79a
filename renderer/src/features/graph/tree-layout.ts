// The canvas layout: a pure function of the flow's shape (and which parents are collapsed),
// computed with d3-hierarchy's tidy tree, top-down. Flows fan out wide, so long runs of
// sibling leaves are packed into one grid block that the tree places like a single wide node;
// levels are as tall as their tallest item, so a block never overlaps the level below it.
// A parent's group nodes ("+4,812 processed") head its block, centred under the parent, where
// the eye lands first, rather than at the far end of a grid of hundreds.
import { hierarchy, tree } from 'd3-hierarchy';
import type { Bucket } from '../../../../shared/domain';
import { hiddenCount, type FlowData } from '../../../../shared/flow-model';
import { groupNodeId } from './group-node-id';

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 96;
const GAP_X = 28;
const GAP_Y = 72;
// A test seam: exported for test/unit/renderer-tree-layout.test.ts.
/** Consecutive leaves from this many on become a grid block. */
export const PACK_MIN = 12;
const CELL_GAP_X = 16;
const CELL_GAP_Y = 16;
const BLOCK_PAD = 16;
const BLOCK_LABEL = 28;

export type LayoutItem =
  | { kind: 'job'; id: string; key: string; x: number; y: number }
  | { kind: 'group'; id: string; parentKey: string; bucket: Bucket; x: number; y: number }
  | { kind: 'block'; id: string; parentKey: string; x: number; y: number; width: number; height: number; count: number };

export interface LayoutEdge {
  id: string;
  source: string;
  target: string;
  /** The child job whose bucket styles the edge (jobs), or the bucket itself (groups). */
  childKey?: string;
  bucket?: Bucket;
}

export interface TreeLayout {
  items: LayoutItem[];
  edges: LayoutEdge[];
  /** Top-left corner of every job and group node, by id. */
  positions: ReadonlyMap<string, { x: number; y: number }>;
}

export { groupNodeId };

interface Unit {
  id: string;
  kind: 'job' | 'group' | 'block';
  w: number;
  h: number;
  key?: string;
  parentKey?: string;
  bucket?: Bucket;
  members?: Unit[];
  /** Group nodes shown in a row above the block's grid. */
  header?: Unit[];
  cols?: number;
  children?: Unit[];
}

function leafUnit(id: string, kind: 'job' | 'group', extra: Partial<Unit>): Unit {
  return { id, kind, w: NODE_WIDTH, h: NODE_HEIGHT, ...extra };
}

const rowWidth = (n: number) => n * (NODE_WIDTH + CELL_GAP_X) - CELL_GAP_X;
const rowsHeight = (n: number) => n * (NODE_HEIGHT + CELL_GAP_Y);

function blockUnit(parentKey: string, index: number, members: Unit[], header: Unit[]): Unit {
  const cols = Math.min(members.length, Math.ceil(Math.sqrt(2 * members.length)));
  const rows = Math.ceil(members.length / cols);
  return {
    id: `block:${index}:${parentKey}`,
    kind: 'block',
    parentKey,
    members,
    header,
    cols,
    w: Math.max(rowWidth(cols), rowWidth(header.length)) + 2 * BLOCK_PAD,
    h: (header.length > 0 ? rowsHeight(1) : 0) + rowsHeight(rows) - CELL_GAP_Y + BLOCK_PAD + BLOCK_LABEL,
  };
}

/**
 * Packs runs of at least PACK_MIN consecutive job leaves into blocks; other children stay as
 * they are. When there is a block, the parent's group nodes move into the first block's header.
 */
function packLeaves(parentKey: string, children: Unit[]): Unit[] {
  const groups = children.filter((c) => c.kind === 'group');
  const jobs = children.filter((c) => c.kind !== 'group');
  const out: Unit[] = [];
  let run: Unit[] = [];
  let blocks = 0;
  const flush = () => {
    if (run.length >= PACK_MIN) out.push(blockUnit(parentKey, blocks++, run, blocks === 1 ? groups : []));
    else out.push(...run);
    run = [];
  };
  for (const child of jobs) {
    if (child.children?.length) {
      flush();
      out.push(child);
    } else run.push(child);
  }
  flush();
  return blocks > 0 ? out : [...out, ...groups];
}

function buildUnits(data: FlowData, collapsed: ReadonlySet<string>): Unit | null {
  if (!data.jobsByKey.has(data.rootKey)) return null;
  const seen = new Set<string>();
  const build = (key: string): Unit => {
    seen.add(key);
    const unit = leafUnit(key, 'job', { key });
    if (collapsed.has(key)) return unit;
    const kids: Unit[] = [];
    for (const child of data.childKeys.get(key) ?? []) {
      if (data.jobsByKey.has(child) && !seen.has(child)) kids.push(build(child));
    }
    for (const entry of data.truncated.get(key) ?? []) {
      if (hiddenCount(entry) > 0) {
        kids.push(leafUnit(groupNodeId(key, entry.bucket), 'group', { parentKey: key, bucket: entry.bucket }));
      }
    }
    if (kids.length > 0) unit.children = packLeaves(key, kids);
    return unit;
  };
  return build(data.rootKey);
}

export function layoutTree(data: FlowData, collapsed: ReadonlySet<string>): TreeLayout {
  const items: LayoutItem[] = [];
  const edges: LayoutEdge[] = [];
  const positions = new Map<string, { x: number; y: number }>();
  const rootUnit = buildUnits(data, collapsed);
  if (!rootUnit) return { items, edges, positions };

  const root = hierarchy(rootUnit, (u) => u.children);
  // nodeSize [1, 1]: separations are in pixels, from the two neighbours' real widths.
  tree<Unit>()
    .nodeSize([1, 1])
    .separation((a, b) => (a.data.w + b.data.w) / 2 + (a.parent === b.parent ? GAP_X : 2 * GAP_X))(root);

  const levelHeight: number[] = [];
  root.each((n) => {
    levelHeight[n.depth] = Math.max(levelHeight[n.depth] ?? 0, n.data.h);
  });
  const levelTop: number[] = [0];
  for (let d = 1; d < levelHeight.length; d++) levelTop[d] = levelTop[d - 1]! + levelHeight[d - 1]! + GAP_Y;

  const place = (unit: Unit, x: number, y: number) => {
    positions.set(unit.id, { x, y });
    if (unit.kind === 'job') items.push({ kind: 'job', id: unit.id, key: unit.key!, x, y });
    else items.push({ kind: 'group', id: unit.id, parentKey: unit.parentKey!, bucket: unit.bucket!, x, y });
  };
  const edgeTo = (parentKey: string, unit: Unit) => {
    const edge: LayoutEdge = { id: `edge:${unit.id}`, source: parentKey, target: unit.id };
    if (unit.kind === 'job') edge.childKey = unit.key!;
    if (unit.kind === 'group') edge.bucket = unit.bucket!;
    edges.push(edge);
  };

  root.each((n) => {
    const unit = n.data;
    const x = (n.x ?? 0) - unit.w / 2;
    const y = levelTop[n.depth]!;
    const parentKey = n.parent?.data.key;
    if (unit.kind === 'block') {
      items.push({ kind: 'block', id: unit.id, parentKey: unit.parentKey!, x, y, width: unit.w, height: unit.h, count: unit.members!.filter((m) => m.kind === 'job').length });
      if (parentKey) edgeTo(parentKey, unit);
      const header = unit.header ?? [];
      const headerLeft = x + (unit.w - rowWidth(header.length)) / 2;
      header.forEach((group, i) => place(group, headerLeft + i * (NODE_WIDTH + CELL_GAP_X), y + BLOCK_LABEL));
      const gridTop = y + BLOCK_LABEL + (header.length > 0 ? rowsHeight(1) : 0);
      unit.members!.forEach((member, i) => {
        const col = i % unit.cols!;
        const row = Math.floor(i / unit.cols!);
        place(member, x + BLOCK_PAD + col * (NODE_WIDTH + CELL_GAP_X), gridTop + row * (NODE_HEIGHT + CELL_GAP_Y));
      });
      return;
    }
    place(unit, x, y);
    if (parentKey) edgeTo(parentKey, unit);
  });
  return { items, edges, positions };
}
