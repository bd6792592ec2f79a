// Applying a live patch to a flow tree: the same rule on both sides of the contract (the
// renderer's store and the tests that check patches reproduce what a fresh load shows).
import type { FlowNode, FlowPatch, FlowTree, TruncatedBucket } from './domain';

/** Keys of a node's subtree (itself included), found through parentKey links. */
export function subtreeKeys(nodes: ReadonlyMap<string, FlowNode>, rootKey: string, viewRoot: string): string[] {
  const children = new Map<string, string[]>();
  for (const node of nodes.values()) {
    if (node.key === viewRoot || !node.parentKey) continue;
    const list = children.get(node.parentKey) ?? [];
    list.push(node.key);
    children.set(node.parentKey, list);
  }
  const out = new Set<string>();
  const stack = [rootKey];
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (!nodes.has(key) || out.has(key)) continue;
    out.add(key);
    stack.push(...(children.get(key) ?? []));
  }
  return [...out];
}

/** A new tree with the patch applied; the input is not changed. */
export function applyPatch(tree: FlowTree, patch: FlowPatch): FlowTree {
  const nodes = new Map(tree.nodes.map((n) => [n.key, n]));
  for (const key of patch.removed) {
    for (const k of subtreeKeys(nodes, key, tree.root)) nodes.delete(k);
  }
  for (const node of patch.upserts) nodes.set(node.key, node);

  const truncated = new Map<string, TruncatedBucket[]>();
  for (const entry of tree.truncated) truncated.set(entry.parentKey, [...(truncated.get(entry.parentKey) ?? []), entry]);
  for (const { parentKey, entries } of patch.truncated) truncated.set(parentKey, entries);
  for (const key of truncated.keys()) if (!nodes.has(key)) truncated.delete(key);

  return { ...tree, nodes: [...nodes.values()], truncated: [...truncated.values()].flat(), stats: { ...tree.stats, nodes: nodes.size } };
}
