// Which parents start collapsed, so a 10,000-node flow opens with a few hundred nodes on the
// canvas instead of all of them. Level by level from the root, a parent is opened while its
// children fit in the budget; parents with a failure somewhere below them are opened first,
// because that is what a person opens a flow to find. A big fan-out without failures stays
// closed: one open parent of a hundred children would push its siblings off the screen.
import { hiddenCount, type FlowData } from '../../../../shared/flow-model';

/** Nodes (jobs and group nodes) a freshly opened flow shows at most, root's children aside. */
export const DEFAULT_VISIBLE_BUDGET = 400;
/** Parents with more children than this open by default only when a failure lies below them. */
export const BIG_FANOUT = 24;

// A test seam: exported for test/unit/flow-model.test.ts.
/** Keys whose subtree (themselves included) holds a failed or blocking job. */
export function keysWithFailureBelow(data: Pick<FlowData, 'jobsByKey' | 'childKeys' | 'rootKey'>): Set<string> {
  const troubled = new Set<string>();
  // Post-order without recursion: a flow can be deeper than the call stack likes.
  const order: string[] = [];
  const stack = [data.rootKey];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    order.push(key);
    stack.push(...(data.childKeys.get(key) ?? []));
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const key = order[i]!;
    const node = data.jobsByKey.get(key);
    const self = node ? node.state === 'failed' || node.blocking || node.childCounts.failed > 0 : false;
    if (self || (data.childKeys.get(key) ?? []).some((k) => troubled.has(k))) troubled.add(key);
  }
  return troubled;
}

/** Children a parent shows when open: its jobs in view plus one group node per cut bucket. */
export function shownChildCount(data: Pick<FlowData, 'childKeys' | 'truncated'>, key: string): number {
  const groups = (data.truncated.get(key) ?? []).filter((e) => hiddenCount(e) > 0).length;
  return (data.childKeys.get(key)?.length ?? 0) + groups;
}

export function defaultCollapsed(data: FlowData, budget = DEFAULT_VISIBLE_BUDGET): Set<string> {
  const collapsed = new Set<string>();
  if (!data.jobsByKey.has(data.rootKey)) return collapsed;
  const troubled = keysWithFailureBelow(data);
  let shown = 1 + shownChildCount(data, data.rootKey);
  let level = [...(data.childKeys.get(data.rootKey) ?? [])];
  while (level.length > 0) {
    const parents = level.filter((k) => shownChildCount(data, k) > 0);
    const ordered = [...parents.filter((k) => troubled.has(k)), ...parents.filter((k) => !troubled.has(k))];
    const opened = new Set<string>();
    for (const key of ordered) {
      const n = shownChildCount(data, key);
      if (shown + n > budget || (n > BIG_FANOUT && !troubled.has(key))) {
        collapsed.add(key);
        continue;
      }
      shown += n;
      opened.add(key);
    }
    level = level.filter((k) => opened.has(k)).flatMap((k) => data.childKeys.get(k) ?? []);
  }
  return collapsed;
}

/** After new nodes arrive from a page: those with children of their own start collapsed. */
export function collapseNewParents(data: FlowData, newKeys: readonly string[], collapsed: ReadonlySet<string>): ReadonlySet<string> {
  const add = newKeys.filter((k) => shownChildCount(data, k) > 0 && !collapsed.has(k));
  if (add.length === 0) return collapsed;
  return new Set([...collapsed, ...add]);
}
