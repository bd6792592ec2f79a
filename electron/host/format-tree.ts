// Human output of `flowscope tree`: an indented tree with each node's state, bucket and
// policy, the blocking case spelled out, and cut buckets counted. Children come in one stable
// order, the graph's (shared/sibling-order.ts: creation time, then name, then id), never the
// order Redis happened to list a bucket in; `--json` lists its nodes in the same order.
import type { FlowNode, FlowTree } from '../../shared/domain';
import { childrenOf } from '../../shared/tree-order';
import { clip } from './format-output';

export { orderTree } from '../../shared/tree-order';

/** Longest failure reason printed on a tree line; a longer one (or one of several lines) ends in "…". */
export const REASON_WIDTH = 120;

function describe(node: FlowNode): string {
  const parts = [`${node.name ?? '?'} ${node.queue}:${node.id}`, node.blocking ? 'failed — blocking parent' : node.state];
  if (node.bucket) parts.push(`[${node.bucket}]`);
  if (node.policy && node.policy !== 'none') parts.push(`policy=${node.policy}`);
  if (node.attemptsMade > 0 || node.attempts > 1) parts.push(`attempts ${node.attemptsMade}/${node.attempts}`);
  if (node.failedReason) parts.push(`— ${clip(node.failedReason, REASON_WIDTH)}`);
  if (node.error) parts.push(`(!) ${node.error}`);
  return parts.join('  ');
}

export function formatTree(tree: FlowTree): string {
  const children = childrenOf(tree);
  const byKey = new Map(tree.nodes.map((n) => [n.key, n]));
  const cuts = new Map<string, string[]>();
  for (const t of tree.truncated) {
    const list = cuts.get(t.parentKey) ?? [];
    list.push(`… ${t.total - t.shown} more ${t.bucket} (${t.shown} of ${t.total} shown)`);
    cuts.set(t.parentKey, list);
  }
  const lines: string[] = [];
  if (tree.ancestors.length > 0) lines.push(`root of the flow: ${tree.ancestors[0]}`);
  const walk = (node: FlowNode, prefix: string, isLast: boolean, isRoot: boolean) => {
    lines.push(isRoot ? describe(node) : `${prefix}${isLast ? '└─ ' : '├─ '}${describe(node)}`);
    const nextPrefix = isRoot ? '' : `${prefix}${isLast ? '   ' : '│  '}`;
    const kids = children.get(node.key) ?? [];
    const extra = cuts.get(node.key) ?? [];
    kids.forEach((kid, i) => walk(kid, nextPrefix, i === kids.length - 1 && extra.length === 0, false));
    extra.forEach((text, i) => lines.push(`${nextPrefix}${i === extra.length - 1 ? '└─ ' : '├─ '}${text}`));
  };
  const root = byKey.get(tree.root);
  if (root) walk(root, '', true, true);
  lines.push(`${tree.stats.nodes} nodes in ${tree.stats.ms} ms, ${tree.stats.roundTrips} Redis round trips`);
  return lines.join('\n');
}
