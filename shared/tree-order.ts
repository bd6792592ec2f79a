// The one order of a flow tree's nodes: the root, then each child followed by its own subtree,
// siblings in sibling order (shared/sibling-order.ts). `flowscope tree` prints it, `tree --json`
// and the app's Export (the exportFlow method) list their nodes in it.
import type { FlowNode, FlowTree } from './domain';
import { compareSiblings } from './sibling-order';

/** What `flowscope tree` and exportFlow load when not told otherwise. */
export const TREE_DEFAULT_DEPTH = 10;
export const TREE_DEFAULT_PAGE_SIZE = 200;

/** Each parent's children in view, in sibling order. */
export function childrenOf(tree: FlowTree): Map<string, FlowNode[]> {
  const children = new Map<string, FlowNode[]>();
  for (const node of tree.nodes) {
    if (node.key === tree.root || !node.parentKey) continue;
    const list = children.get(node.parentKey) ?? [];
    list.push(node);
    children.set(node.parentKey, list);
  }
  for (const list of children.values()) list.sort(compareSiblings);
  return children;
}

/**
 * The tree with its nodes in the order `formatTree` prints them: the root, then each child
 * followed by its own subtree, siblings in sibling order. Nodes the walk does not reach (none
 * in a sound tree) keep their place at the end.
 */
export function orderTree(tree: FlowTree): FlowTree {
  const children = childrenOf(tree);
  const byKey = new Map(tree.nodes.map((n) => [n.key, n]));
  const ordered: FlowNode[] = [];
  const seen = new Set<string>();
  const stack = byKey.has(tree.root) ? [byKey.get(tree.root)!] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node.key)) continue;
    seen.add(node.key);
    ordered.push(node);
    const kids = children.get(node.key) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  for (const node of tree.nodes) if (!seen.has(node.key)) ordered.push(node);
  return { ...tree, nodes: ordered };
}

