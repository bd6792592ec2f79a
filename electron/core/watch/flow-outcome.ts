// What a watched flow has come to, read from its live view's tree: the root completed or
// failed, or it is stuck: the root waits for its children (waiting-children) and a child that
// failed with no policy still sits in its parent's unprocessed bucket, so that parent (and
// every one above it) waits for ever (docs/BULLMQ-FLOWS.md; the flow list's "stuck" filter is
// the same notion, counted by flows/count-blocking.lua). Pure: the watch service decides when
// to ask, and asks count-blocking.lua about the children a cut bucket does not show.
import type { FlowNode, FlowTree, WatchOutcome } from '../../../shared/domain';

export interface FlowOutcome {
  outcome: WatchOutcome | null;
  /** In words: the failure reason, or the job that blocks. */
  detail: string;
  /** The root's state is waiting-children, no blocking child is in view, but its unprocessed bucket is cut: ask Redis. */
  askBlocking: boolean;
}

const shortKey = (node: FlowNode) => `${node.queue}/${node.id}${node.name ? ` (${node.name})` : ''}`;

export function flowOutcome(tree: FlowTree): FlowOutcome {
  const root = tree.nodes.find((n) => n.key === tree.root);
  if (!root) return { outcome: null, detail: '', askBlocking: false };
  if (root.state === 'completed') return { outcome: 'completed', detail: `${shortKey(root)} completed`, askBlocking: false };
  if (root.state === 'failed') {
    return { outcome: 'failed', detail: `${shortKey(root)} failed${root.failedReason ? `: ${root.failedReason}` : ''}`, askBlocking: false };
  }
  if (root.state !== 'waiting-children') return { outcome: null, detail: '', askBlocking: false };
  const blocking = tree.nodes.filter((n) => n.blocking);
  if (blocking.length > 0) {
    const first = blocking[0]!;
    const more = blocking.length > 1 ? ` and ${blocking.length - 1} more` : '';
    return {
      outcome: 'stuck',
      detail: `${shortKey(first)} failed${first.failedReason ? ` (${first.failedReason})` : ''} with no failure policy${more}: the flow waits for ever`,
      askBlocking: false,
    };
  }
  const cut = tree.truncated.some((t) => t.parentKey === root.key && t.bucket === 'unprocessed');
  return { outcome: null, detail: '', askBlocking: cut };
}

/** The detail of a stuck flow whose blocking children were counted in Redis, not seen in view. */
export function blockingDetail(count: number): string {
  return `${count} failed ${count === 1 ? 'child' : 'children'} with no failure policy: the flow waits for ever`;
}
