// Where an arrow key moves the selection in the tree: up to the parent, down to the first
// child, left and right through the siblings. Pure, so it is tested without a browser.
import type { FlowData } from '../../../../shared/flow-model';

export type Direction = 'up' | 'down' | 'left' | 'right';

/** Select a key, or open a collapsed parent whose children are not loaded yet. */
export type Move = { select: string } | { open: string } | null;

type TreeView = Pick<FlowData, 'rootKey' | 'jobsByKey' | 'childKeys'> & { collapsed: ReadonlySet<string> };

export const ARROW_DIRECTIONS: Record<string, Direction> = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right',
};

export function moveSelection(view: TreeView, current: string | null, direction: Direction): Move {
  const node = current ? view.jobsByKey.get(current) : undefined;
  if (!current || !node) return view.jobsByKey.has(view.rootKey) ? { select: view.rootKey } : null;
  const kids = (key: string) => (view.childKeys.get(key) ?? []).filter((k) => view.jobsByKey.has(k));

  if (direction === 'up') {
    if (current === view.rootKey || !node.parentKey || !view.jobsByKey.has(node.parentKey)) return null;
    return { select: node.parentKey };
  }
  if (direction === 'down') {
    const first = kids(current)[0];
    if (first) return { select: first };
    return view.collapsed.has(current) ? { open: current } : null;
  }
  if (current === view.rootKey || !node.parentKey) return null;
  const siblings = kids(node.parentKey);
  const at = siblings.indexOf(current);
  const next = siblings[direction === 'left' ? at - 1 : at + 1];
  return next ? { select: next } : null;
}
